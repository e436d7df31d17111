"""Each mechanism pushes the way the article and the literature say it should.

Comparisons are paired: both runs share their seed, so replicate r sees the same shocks in
both (common random numbers) and the difference is the mechanism's.
"""

from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario, run
from sim.scenario.parameters import MECHANISMS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
R = 60


def baseline(changes=None, **top):
    """The pact as signed (June 2024, no observed history), R replicates, with changes."""
    top = {"replicates": R, **top}
    return load_scenario(SCENARIOS / "pact_as_signed.yaml").with_params(changes or {}, **top)


def simulate(changes=None, **top):
    return run(baseline(changes, **top), progress=False)


def end(result, name, column=None):
    return result.series(name, column)[-1]


@pytest.fixture(scope="module")
def base():
    return simulate()


@pytest.fixture(scope="module")
def baseline_run():
    """The baseline the what-if files extend (the observed history, then 2024's settings)."""
    return run(load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=R), progress=False)


def test_tighter_sanctions_lower_the_targets_trade_and_output(base):
    tight = run(
        load_scenario(SCENARIOS / "counterfactual" / "sanctions_isolation.yaml").with_params(
            replicates=R
        ),
        progress=False,
    )
    assert np.all(end(tight, "sanctions_on", "russia") > end(base, "sanctions_on", "russia"))
    # nearly every replicate: trade with China carries its own noise, and rerouting through
    # China puts more of Russia's trade under it
    assert np.mean(end(tight, "trade_access", "russia") < end(base, "trade_access", "russia")) > 0.9
    assert np.mean(end(tight, "gdp", "russia") < end(base, "gdp", "russia")) > 0.9


def test_evasion_blunts_sanctions():
    tight = load_scenario(SCENARIOS / "counterfactual" / "sanctions_isolation.yaml").with_params(
        replicates=R
    )
    evading = run(tight, progress=False)
    caught = run(tight.with_params({"mechanisms.evasion": False}), progress=False)
    assert np.all(end(evading, "trade_access", "russia") > end(caught, "trade_access", "russia"))
    assert np.all(end(evading, "hardship", "russia") < end(caught, "hardship", "russia"))


def test_more_threat_raises_the_rivals_spending(base):
    """Richardson: a more capable DPRK (faster Russian technology transfer) -> ROK spends more."""
    threat = simulate({"russia.tech_transfer": 0.5})
    assert np.all(end(threat, "tech", "dprk") > end(base, "tech", "dprk"))
    assert np.mean(end(threat, "spending", "rok")) > np.mean(end(base, "spending", "rok"))
    assert np.mean(end(threat, "spending", "rok") > end(base, "spending", "rok")) > 0.8


def test_provocations_raise_tension(base):
    provocative = simulate({"dprk.provocation_rate": 3.0})
    assert np.mean(provocative.series("peninsula_tension")[1:]) > np.mean(
        base.series("peninsula_tension")[1:]
    )


def test_energy_aid_eases_the_dprks_shortage(base):
    aided = simulate({"russia.energy_aid": 4.0})
    assert np.all(end(aided, "energy_shortfall") < end(base, "energy_shortfall"))
    assert np.all(end(aided, "gdp", "dprk") > end(base, "gdp", "dprk"))


def test_us_buildup_raises_tension_but_reassures_allies(base):
    built_up = run(
        load_scenario(SCENARIOS / "counterfactual" / "us_buildup.yaml").with_params(replicates=R),
        progress=False,
    )
    two_years = 30
    assert np.all(built_up.series("us_buildup")[two_years] > base.series("us_buildup")[two_years])
    assert np.mean(built_up.series("peninsula_tension")[two_years]) > np.mean(
        base.series("peninsula_tension")[two_years]
    )
    assert np.mean(built_up.series("spending", "rok")[two_years]) < np.mean(
        base.series("spending", "rok")[two_years]
    )


def test_china_coalition_restores_the_lifeline_grip_cuts_it():
    runs = {
        name: run(
            load_scenario(SCENARIOS / "counterfactual" / f"{name}.yaml").with_params(replicates=R),
            progress=False,
        )
        for name in ("china_coalition", "china_grip_dialogue")
    }
    assert np.all(
        end(runs["china_coalition"], "lifeline_index")
        > end(runs["china_grip_dialogue"], "lifeline_index")
    )
    assert np.mean(end(runs["china_grip_dialogue"], "peninsula_tension")) < np.mean(
        end(runs["china_coalition"], "peninsula_tension")
    )


def test_leadership_change_cuts_the_pacts_cooperation(baseline_run):
    changed = run(
        load_scenario(SCENARIOS / "counterfactual" / "leadership_change.yaml").with_params(
            replicates=R
        ),
        progress=False,
    )
    assert np.all(changed.series("leader_changed")[-1] == 1)
    # never raises it (a replicate whose support collapsed anyway ends within a hair of it)
    assert np.all(
        end(changed, "commitment", "dprk") <= end(baseline_run, "commitment", "dprk") + 1e-3
    )
    assert np.mean(end(changed, "commitment", "dprk")) < np.mean(
        end(baseline_run, "commitment", "dprk")
    )
    assert np.mean(end(changed, "cooperation")) < np.mean(end(baseline_run, "cooperation"))


def test_ceasefire_cuts_munitions_and_russian_war_spending(base):
    ceasefire = run(
        load_scenario(SCENARIOS / "counterfactual" / "ukraine_ceasefire.yaml").with_params(
            replicates=R
        ),
        progress=False,
    )
    a_year_on = 24  # June 2026, a year after the ceasefire, before the DPRK's stock runs out
    munitions = ceasefire.series("munitions")[a_year_on].mean()
    assert munitions < 0.2 * base.series("munitions")[a_year_on].mean()
    assert np.mean(end(ceasefire, "spending", "russia")) < np.mean(end(base, "spending", "russia"))


def test_dialogue_lowers_peninsula_tension(base):
    talks = simulate({"china.dialogue": 1.0, "china.coalition_bias": 0.0})
    assert np.all(end(talks, "dialogue_progress") > 0.0)
    assert np.mean(end(talks, "peninsula_tension")) < np.mean(end(base, "peninsula_tension"))


def test_reciprocity_clause_fires_with_probability_commitment():
    """A forced DPRK-ROK war: Russia joins in a share of replicates equal to its commitment."""
    commitment, n = 0.4, 2000
    scenario = baseline(
        {
            "russia.commitment": commitment,
            "mechanisms.armed_clashes": False,
            "mechanisms.domestic_politics": False,
        },
        replicates=n,
        horizon_months=3,
    ).with_params({}, events=[{"month": 2, "trigger": "war", "between": ["dprk", "rok"]}])
    result = run(scenario, progress=False)
    fired = result.series("reciprocity")[-1]
    assert np.all(result.series("wars")[-1] == 1)
    standard_error = np.sqrt(commitment * (1 - commitment) / n)
    assert fired.mean() == pytest.approx(commitment, abs=4 * standard_error)
    joined = fired > 0
    assert np.all(result.arrays["spending"][-1] > 0)
    rok_russia = result.series("bloc_tension")[-1]
    assert rok_russia[joined].mean() > rok_russia[~joined].mean()


def test_provocations_follow_the_poisson_rate():
    rate, n = 1.5, 400
    only = dict.fromkeys(MECHANISMS, False) | {"provocations": True}
    scenario = baseline(
        {
            "dprk.provocation_rate": rate,
            "dprk.threat_response": 0.0,
            **{f"mechanisms.{m}": on for m, on in only.items()},
        },
        replicates=n,
        horizon_months=24,
    )
    counts = run(scenario, progress=False).series("provocations")[1:]
    assert counts.mean() == pytest.approx(rate, rel=0.05)
    assert counts.var() == pytest.approx(rate, rel=0.1)


def test_budget_ceiling_caps_spending_at_a_share_of_gdp():
    result = simulate({"japan.max_burden": 0.012})
    assert result.series("burden", "japan")[0].min() > 0.012  # 2024: 1.3 % of GDP
    assert np.all(result.series("burden", "japan")[1:] <= 0.012 + 1e-12)


def test_rerouting_never_creates_trade():
    """Evasion moves lost trade; with expansion off, China fixed and sanctions never eased
    below 2024 (they move by the scenario's events only), trade cannot exceed 2024."""
    tight = load_scenario(SCENARIOS / "counterfactual" / "sanctions_isolation.yaml").with_params(
        {
            "mechanisms.trade_expansion": False,
            "mechanisms.china_alignment": False,
            **{f"{s}.sanction_response": 0.0 for s in ("usa", "eu", "japan", "rok")},
            "russia.evasion": 1.0,
            "dprk.evasion": 1.0,
            "china.evasion_tolerance": 1.0,
            "russia.china_trade_noise": 0.0,  # noise moves trade both ways by design
            "dprk.china_trade_noise": 0.0,
        },
        replicates=R,
    )
    lifeline = run(tight, progress=False).series("lifeline_index")
    assert np.all(lifeline <= 1.0 + 1e-12)


def test_an_actors_parameters_are_views_that_steer_the_running_model():
    from sim.model.model import AllianceModel

    # US-DPRK talks would also move the build-up (talks_restraint); this test is about views
    model = AllianceModel(baseline({"mechanisms.us_dprk_talks": False}, replicates=4))
    usa = next(agent for agent in model.agents if agent.actor_id == "usa")
    assert set(usa.parameters()) >= {"buildup", "fatigue", "reactivity"}
    usa.parameters()["buildup"][:] = 0.9
    model.step()
    np.testing.assert_array_equal(model.world.us_buildup, np.full(4, 0.9))

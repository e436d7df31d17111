"""Parameter uncertainty: per-replicate draws that do not depend on the batch, checks of the
`uncertain:` block, the variance decomposition, and ABC conditioning recovering known
parameters from observations the model generated."""

from pathlib import Path

import numpy as np
import pytest
from support import QUIET

from sim import load_scenario, run
from sim.errors import ScenarioError
from sim.execution.conditioning import condition, read_accepted, run_conditioned
from sim.execution.uncertainty import parameter_draws, variance_decomposition
from sim.model.model import AllianceModel
from sim.model.uncertainty import triangular_ppf
from sim.results.hindcast import observed_ensemble
from sim.scenario.observations import Observation
from sim.scenario.uncertain import assumption_ranges

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.yaml"
PACT_AS_SIGNED = ROOT / "scenarios" / "pact_as_signed.yaml"
UNCERTAIN = ROOT / "scenarios" / "history_uncertain.yaml"
R = 12


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(UNCERTAIN).with_params(replicates=R)


@pytest.fixture(scope="module")
def batch(scenario):
    return run(scenario, progress=False)


@pytest.mark.parametrize("ids", [[0], [3, 7], [11, 2, 5]])
def test_uncertain_replicate_is_identical_in_any_batch(scenario, batch, ids):
    part = run(scenario, replicate_ids=np.array(ids), progress=False)
    for name, values in batch.arrays.items():
        assert np.array_equal(values[:, ids], part.arrays[name]), name


def test_each_replicate_draws_its_own_parameters_within_their_ranges(scenario):
    model = AllianceModel(scenario)
    draws = parameter_draws(scenario, np.arange(R))
    speeds = draws["dprk.deployment_speed"].to_numpy()
    assert np.array_equal(model.params.deployment_speed[:, 0], speeds)
    for path, u in scenario.spec.uncertain.items():
        values = draws[path].to_numpy()
        assert (values >= u.low).all() and (values <= u.high).all(), path
        assert len(np.unique(values)) == R, path
    # and a batch of one gives replicate 5 the same parameters
    alone = AllianceModel(scenario, replicate_ids=np.array([5]))
    assert alone.params.deployment_speed[0, 0] == model.params.deployment_speed[5, 0]


def test_distributions_have_their_shapes():
    spec = {
        "world.budget_adjustment": {"dist": "uniform", "low": 1.0, "high": 3.0},
        "world.tension_decay": {"dist": "triangular", "low": 0.0, "high": 1.0, "mode": 1.0},
        "world.clash_slope": {"dist": "normal", "mean": 8, "sd": 10, "low": 6, "high": 10},
        "world.exercise_boost": {"dist": "beta", "a": 2, "b": 6, "low": 0.0, "high": 1.0},
    }
    s = load_scenario(HISTORY).with_params(uncertain=spec)
    d = parameter_draws(s, np.arange(4000))
    assert d["world.budget_adjustment"].mean() == pytest.approx(2.0, abs=0.05)
    assert d["world.tension_decay"].mean() == pytest.approx(2 / 3, abs=0.02)
    assert d["world.clash_slope"].between(6, 10).all()
    assert d["world.clash_slope"].mean() == pytest.approx(8.0, abs=0.1)  # symmetric truncation
    assert d["world.exercise_boost"].mean() == pytest.approx(0.25, abs=0.01)  # a / (a + b)


def test_a_scenario_without_uncertain_keeps_its_results(batch):
    plain = run(load_scenario(HISTORY).with_params(replicates=R), progress=False)
    assert not np.array_equal(plain.arrays["troop_deaths"], batch.arrays["troop_deaths"])
    again = run(load_scenario(HISTORY).with_params(replicates=R), progress=False)
    assert np.array_equal(plain.arrays["spending"], again.arrays["spending"])


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("rok.reactivty.dprk: {low: 0, high: 1}", "uncertain.rok.reactivty.dprk"),
        ("world.clash_hazard: {low: 1, high: 30}", "expected low < high inside 0 to 20"),
        ("world.clash_hazard: {dist: triangular, low: 1, high: 3}", "needs 'mode'"),
        ("world.clash_hazard: {dist: gamma, low: 1, high: 3}", "uncertain.world.clash_hazard.dist"),
    ],
)
def test_bad_uncertain_blocks_name_file_line_and_key(tmp_path, entry, message):
    path = tmp_path / "bad.yaml"
    path.write_text(f"extends: {HISTORY}\nuncertain:\n  {entry}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value).startswith(f"{path}:3: "), str(error.value)
    assert message in str(error.value)


def test_default_ranges_cover_judgements_and_load():
    ranges = assumption_ranges()
    assert "world.budget_adjustment" in ranges and "rok.reactivity.dprk" in ranges
    assert "world.clash_hazard" not in ranges  # calibrated to the record, not a judgement
    load_scenario(HISTORY).with_params(uncertain=ranges)


def test_variance_decomposition_splits_parameters_and_shocks(scenario):
    table = variance_decomposition(scenario, parameter_sets=8, shock_draws=6)
    shares = table["parameter_share"].dropna()
    assert len(shares) and shares.between(0, 1).all()
    total = table["parameters"] + table["shocks"]
    assert (total >= 0).all()


def test_conditioning_recovers_parameters_that_generated_the_observations(tmp_path):
    """Observations generated by the model at known parameters; ABC rejection over wide
    priors recovers them inside its 90 % interval, and narrows them. The pact as signed: the
    history's enacted budgets (data) would fix the growths the plans are recovered from."""
    base = load_scenario(PACT_AS_SIGNED).with_params(QUIET)  # the growths, not their noise
    truth = {"rok.plan_growth": 0.06, "japan.plan_growth": 0.03}
    made = run(base.with_params(truth, seed=99), replicates=1, progress=False)
    observations = []
    for actor in ("rok", "japan"):
        for period in ("2025", "2026"):
            probe = Observation(
                "spending", actor, period, "growth", 0.0, None, None, "", "", "high"
            )
            v = float(observed_ensemble(made.arrays, probe)[0])
            observations.append(
                Observation(
                    "spending", actor, period, "growth", v, v - 0.02, v + 0.02, "model", "", "high"
                )
            )
    priors = {
        "rok.plan_growth": {"dist": "uniform", "low": -0.02, "high": 0.1},
        "japan.plan_growth": {"dist": "uniform", "low": -0.02, "high": 0.1},
    }
    scenario = base.with_params(uncertain=priors)
    result = condition(scenario, observations, draws=1000, accept=0.1, replicates=40)
    intervals = result.intervals().set_index("parameter")
    for path, value in truth.items():
        row = intervals.loc[path]
        assert row["posterior_low"] <= value <= row["posterior_high"], (path, row)
        prior_width = row["prior_high"] - row["prior_low"]
        assert row["posterior_high"] - row["posterior_low"] < 0.5 * prior_width, (path, row)
    assert result.after.score.mean_crps < result.before.score.mean_crps
    # saved and reused: a run on the accepted sets takes set r mod n in replicate r
    result.accepted.to_csv(tmp_path / "accepted.csv")
    sets = read_accepted(tmp_path)
    rerun = run_conditioned(scenario, sets, replicates=5)
    assert rerun.replicates == 5


def test_condition_command_and_runs_conditioned_on_its_folder(tmp_path, capsys):
    from sim.cli import main

    out = tmp_path / "results"
    observations = ROOT / "observations" / "history.yaml"
    argv = ["condition", str(UNCERTAIN), "--observations", str(observations)]
    assert main([*argv, "--draws", "60", "--accept", "0.2", "--out", str(out), "--no-plots"]) == 0
    assert "After:" in capsys.readouterr().out
    (folder,) = (out / "history_uncertain").iterdir()
    assert len(read_accepted(folder)) == 12
    for name in ("prior.csv", "intervals.csv", "hindcast_before.csv", "hindcast_after.csv"):
        assert (folder / name).is_file(), name
    run_argv = [str(HISTORY), "--replicates", "5", "--no-plots", "--out", str(out)]
    assert main([*run_argv, "--conditioned-on", str(folder)]) == 0
    assert "12 accepted parameter sets" in capsys.readouterr().out
    assert (
        main(["uncertainty", str(UNCERTAIN), "--sets", "4", "--shocks", "3", "--out", str(out)])
        == 0
    )
    assert "parameter_share" in capsys.readouterr().out


def test_a_chunked_run_draws_the_same_parameters_as_run(scenario, batch, tmp_path):
    """Large runs go through chunked jobs (sim.execution.jobs), which pass parameter arrays
    to the model: the uncertain draws still apply, replicate by replicate."""
    from sim.execution.executors import make_executor
    from sim.execution.jobs import Job, execute
    from sim.results.parts import read_runs

    job = Job.ensemble(scenario)
    with make_executor(1) as (executor, *_):
        execute(job, tmp_path, executor, chunk_size=5, progress=False)
    runs = read_runs(tmp_path).sort_values("replicate").reset_index(drop=True)
    expected = batch.outcomes.reset_index(drop=True)
    for column in ("regional_spending_growth", "armed_clash", "final_lifeline_index"):
        assert np.array_equal(runs[column].to_numpy(), expected[column].to_numpy()), column


@pytest.mark.parametrize(
    ("c", "loc", "scale"),
    [
        (0.0, 0.0, 1.0),
        (1.0, -0.01, 0.09),
        (0.5, 0.02, 0.08),
        (0.6111, -0.01, 0.09),
        (1 / 3, 1.0, 2.0),
    ],
)
def test_triangular_quantiles_match_scipy_bit_for_bit(c, loc, scale):
    from scipy import special, stats

    rng = np.random.default_rng(7)
    q = np.concatenate(
        [special.ndtr(rng.standard_normal(100_000) * 3), [0.0, 1.0, 5e-324, 1 - 2**-53, c]]
    )
    ours = triangular_ppf(q, c, np.float64(loc), np.float64(scale))
    assert ours.tobytes() == stats.triang.ppf(q, c, loc=loc, scale=scale).tobytes()

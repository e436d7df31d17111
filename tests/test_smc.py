"""Conditioning by ABC-SMC (sim.execution.smc, pyabc) and the time split that scores it out
of sample: which observations condition and which are held out, the prior handed to pyabc,
and a tiny population's posterior in the format `--conditioned-on` reads."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import load_scenario
from sim.cli import main
from sim.errors import UserError
from sim.execution.conditioning import condition, continued, distances, read_accepted, split_at
from sim.execution.runner import run
from sim.results.hindcast import observed_ensemble
from sim.results.run_result import RunResult
from sim.scenario.observations import Event, Observation, ObservationFile
from sim.scenario.schema import UncertainSpec

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.yaml"
UNCERTAIN = ROOT / "scenarios" / "history_uncertain.yaml"
OBSERVATIONS = ROOT / "observations" / "history.yaml"


def observation(period: str) -> Observation:
    return Observation("spending", "rok", period, "growth", 0.01, None, None, "", "", "high")


def event(by: str) -> Event:
    return Event("clashes", by, False, 0.3, "", "", "", "high")


FILE = ObservationFile(
    Path("obs.yaml"),
    [observation(p) for p in ("2024-12", "2025", "2025-12", "2026-01", "2026")],
    "",
    [event("2025-11"), event("2026-11")],
)


def test_until_conditions_on_periods_ending_by_the_month_and_holds_out_the_later_ones() -> None:
    split = split_at(FILE, "2025-12")
    assert [o.period for o in split.conditioning] == ["2024-12", "2025", "2025-12"]
    assert [o.period for o in split.held_out] == ["2026-01", "2026"]
    assert [e.by for e in split.held_out_events] == ["2026-11"]


def test_a_calendar_year_is_held_out_when_the_split_falls_inside_it() -> None:
    split = split_at(FILE, "2025-11")
    assert [o.period for o in split.conditioning] == ["2024-12"]
    assert [e.by for e in split.held_out_events] == ["2026-11"]  # 2025-11 ends by the split


def test_without_until_everything_conditions_and_nothing_is_held_out() -> None:
    split = split_at(FILE, None)
    assert len(split.conditioning) == 5 and not split.held_out and not split.held_out_events


def test_a_split_before_every_observation_says_there_is_nothing_to_condition_on() -> None:
    with pytest.raises(UserError, match="no observation's period ends by 2024-06"):
        split_at(FILE, "2024-06")


@pytest.mark.parametrize("bad", ["2025-13", "2025-3", "2025", "Dec 2025"])
def test_until_must_be_a_month(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["condition", str(UNCERTAIN), "--observations", str(OBSERVATIONS), "--until", bad]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert f"expected a month as YYYY-MM, got {bad!r}" in capsys.readouterr().err


def test_pyabc_prior_has_the_declared_supports_modes_and_means() -> None:
    pytest.importorskip("pyabc")
    from sim.execution.smc import prior_of

    specs = {
        "a": UncertainSpec(dist="uniform", low=0.3, high=2.4),
        "b": UncertainSpec(dist="triangular", low=2.5, high=5.0, mode=3.0),
        "c": UncertainSpec(dist="normal", mean=6, sd=3, low=1, high=12),
        "d": UncertainSpec(dist="beta", a=4, b=4, low=0.08, high=0.3),
    }
    prior = prior_of(specs)
    for path, spec in specs.items():
        frozen = prior[path].distribution
        assert frozen.support() == pytest.approx((spec.low, spec.high)), path
    assert prior["b"].distribution.mean() == pytest.approx((2.5 + 3.0 + 5.0) / 3)
    assert prior["d"].distribution.mean() == pytest.approx(0.08 + 0.22 * 0.5)
    assert prior["c"].distribution.pdf(6) > prior["c"].distribution.pdf(11)


def tiny(seed: int = 3):
    """The history scenario with two uncertain parameters, a year long, few replicates."""
    priors = {
        "rok.plan_growth": {"dist": "uniform", "low": -0.01, "high": 0.08},
        "dprk.troop_losses": {"dist": "beta", "a": 4, "b": 4, "low": 0.08, "high": 0.3},
    }
    return load_scenario(HISTORY).with_params(
        uncertain=priors, seed=seed, replicates=6, horizon_months=20
    )


def test_smc_posterior_lies_in_the_prior_and_repeats_for_a_seed() -> None:
    pytest.importorskip("pyabc")
    from sim.execution.smc import smc_posterior

    obs = [Observation("spending", "rok", "2025", "growth", 0.02, 0.0, 0.04, "", "", "high")]
    first = smc_posterior(tiny(), obs, [0.02], population=8, generations=2)
    again = smc_posterior(tiny(), obs, [0.02], population=8, generations=2)
    sets = first.sets
    assert list(sets.columns) == ["rok.plan_growth", "dprk.troop_losses", "distance"]
    assert len(sets) == 8
    assert sets["rok.plan_growth"].between(-0.01, 0.08).all()
    assert sets["dprk.troop_losses"].between(0.08, 0.3).all()
    assert [g.t for g in first.generations] == [0, 1]
    assert first.generations[1].epsilon <= first.generations[0].epsilon
    assert all(0 < g.effective <= 8 + 1e-9 for g in first.generations)
    assert (sets["distance"] <= first.generations[-1].epsilon).all()
    assert np.array_equal(sets.to_numpy(), again.sets.to_numpy())


@pytest.mark.slow
def test_condition_smc_with_a_split_writes_held_out_scores_and_a_reusable_posterior(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pyabc")
    out = tmp_path / "results"
    argv = ["condition", str(UNCERTAIN), "--observations", str(OBSERVATIONS), "--out", str(out)]
    smc = ["--method", "smc", "--population", "10", "--generations", "2", "--until", "2025-12"]
    assert main([*argv, *smc, "--replicates", "10", "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "Held out after 2025-12: 1 observation(s), mean CRPS" in printed
    assert "by the accepted runs continued past the split" in printed
    assert "Generation 1: tolerance" in printed
    (folder,) = (out / "history_uncertain").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["method"].startswith("ABC-SMC")
    assert manifest["held_out"]["until"] == "2025-12"
    assert manifest["held_out"]["held_out"] == 1
    assert len(manifest["generations"]) == 2
    assert "mean_crps_scaled_filtered_standard_error" in manifest["held_out"]
    held_out = ("held_out_before.csv", "held_out_after.csv", "held_out_filtered.csv")
    for name in (*held_out, "held_out_events_after.csv"):
        assert (folder / name).is_file(), name
    assert len(read_accepted(folder)) == 10
    run_argv = [str(HISTORY), "--replicates", "4", "--no-plots", "--out", str(out)]
    assert main([*run_argv, "--conditioned-on", str(folder)]) == 0


def test_the_smc_posterior_names_each_set_s_run_and_running_it_again_repeats_its_distance() -> None:
    pytest.importorskip("pyabc")
    from sim.execution.smc import smc_posterior

    obs = [Observation("spending", "rok", "2025", "growth", 0.02, 0.0, 0.04, "", "", "high")]
    sets = smc_posterior(tiny(), obs, [0.02], population=8, generations=2).sets
    assert sets.index.name == "replicate" and (sets.index >= 8).all()  # the last generation's
    again = continued(tiny(), sets)
    assert np.array_equal(distances(again.arrays, obs), sets["distance"].to_numpy())


def test_rejection_s_accepted_runs_continued_repeat_their_paths_bit_for_bit() -> None:
    obs = [Observation("spending", "rok", "2025", "growth", 0.02, 0.0, 0.04, "", "", "high")]
    c = condition(tiny(), obs, draws=30, accept=0.2, replicates=4)
    again = continued(tiny(), c.accepted)
    assert np.array_equal(distances(again.arrays, obs), c.accepted["distance"].to_numpy())


def observed_in(truth: RunResult, period: str) -> Observation:
    """DPRK trade with China in a month of `truth`'s one replicate, as an observation."""
    blank = Observation("trade_china", "dprk", period, "level", 1, None, None, "", "", "high")
    return replace(blank, value=float(observed_ensemble(truth.arrays, blank)[0]))


@pytest.mark.slow
def test_continuing_the_accepted_runs_learns_where_a_random_walk_stands() -> None:
    """A twin experiment: the observations are runs of the model itself (eight other seeds).
    DPRK trade with China in mid-2025 conditions; the same series seven months later is held
    out. Trade follows a random walk, so the parameters alone cannot say where it stands (the
    posterior's parameters with fresh shocks score as the prior); the accepted runs continued
    past the split can: over the eight truths their mean CRPS is clearly below the prior's."""
    scores = []
    for seed in range(1, 9):
        truth = run(tiny(seed=seed), replicates=1, progress=False)
        obs = [observed_in(truth, period) for period in ("2025-06", "2026-01")]
        c = condition(tiny(), obs, draws=1000, accept=0.1, replicates=200, until="2025-06")
        forecasts = (c.held_out_before, c.held_out_after, c.held_out_filtered)
        scores.append([h.score.mean_crps for h in forecasts if h is not None])
    prior, parameters, filtered = np.mean(scores, axis=0)
    assert parameters == pytest.approx(prior, rel=0.05)
    assert filtered < 0.85 * prior


def test_a_failing_particle_stops_its_round_with_its_own_error() -> None:
    pytest.importorskip("pyabc")
    from sim.execution.smc import RoundModel

    model = RoundModel(tiny(), [])
    calls = []

    def simulate_one() -> dict[str, float]:
        calls.append(len(calls))
        if len(calls) == 3:
            raise ValueError("slot 2 failed")
        return model({"rok.plan_growth": 0.03})

    with pytest.raises(ValueError, match="slot 2 failed"):
        model.round(simulate_one, 6)
    assert len(calls) == 3  # the slots after the failure proposed nothing
    assert model.simulated == 0


def _held_out_tables(c) -> list:
    return [h.table for h in (c.held_out_before, c.held_out_after, c.held_out_filtered)]


@pytest.mark.slow
def test_conditioning_on_two_workers_gives_the_one_process_result_bit_for_bit() -> None:
    """The runs go to worker processes in chunks (sim.execution.series_runs); replicate r is
    the same path in any chunk, so the draws, the accepted sets and every score are equal."""
    scenario = tiny().with_params({}, horizon_months=30)  # to December 2026: every event
    alone = condition(scenario, OBSERVATIONS, draws=300, accept=0.1, replicates=40, until="2025-06")
    split = condition(
        scenario, OBSERVATIONS, draws=300, accept=0.1, replicates=40, until="2025-06", workers=2
    )
    pd.testing.assert_frame_equal(alone.prior, split.prior, check_exact=True)
    pd.testing.assert_frame_equal(alone.accepted, split.accepted, check_exact=True)
    for one, two in zip(
        [alone.before.table, alone.after.table, *_held_out_tables(alone)],
        [split.before.table, split.after.table, *_held_out_tables(split)],
        strict=True,
    ):
        pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_a_series_runner_keeps_the_series_asked_for_and_the_full_run_s_values() -> None:
    from sim.execution.series_runs import SeriesRunner

    scenario = tiny()
    kept = SeriesRunner(["troops", "trade_china"])(scenario, np.arange(6))
    full = run(scenario, progress=False)
    assert set(kept.arrays) == {"trade_china", "troops"}
    for name, values in kept.arrays.items():
        assert np.array_equal(values, full.arrays[name])

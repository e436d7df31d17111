"""Hindcast: PIT and CRPS against hand-computed values, the observation reader's errors, and
the command end to end on a tiny case."""

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import ONE_OBSERVATION

from sim.cli import main
from sim.results.hindcast import (
    crps,
    event_scores,
    load_observations,
    pit,
    predictive_cdf,
    read_observation_file,
    scaled_crps,
    score,
    score_events,
)
from sim.scenario.observations import Observation, ObservationError

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.yaml"


# --- scores -------------------------------------------------------------------------------


def observation(value: float, **stated: float) -> Observation:
    """A troop-level observation for December 2024 (model month 6), with `stated` (low, high
    or sd) as its uncertainty."""
    plain = Observation(
        "troops", "dprk_to_russia", "2024-12", "level", value, None, None, "t", "2025", "low"
    )
    return replace(plain, **stated)


def troop_arrays(ensemble: np.ndarray) -> dict[str, np.ndarray]:
    """Run arrays in which December 2024's troops are `ensemble` (one value per replicate)."""
    values = np.zeros((31, len(ensemble), 1))
    values[6, :, 0] = ensemble
    return {"troops": values}


def test_predictive_cdf_counts_members_below_and_at_the_observation():
    assert predictive_cdf(np.array([1.0, 2.0, 2.0, 3.0]), observation(2.0)) == (0.25, 0.75)
    assert predictive_cdf(np.array([1.0, 2.0, 3.0, 4.0]), observation(9.0)) == (1.0, 1.0)


def test_ties_get_a_uniform_random_pit_and_a_clear_observation_its_cdf():
    rng = np.random.default_rng(0)
    tied = np.array([pit(0.0, 1.0, rng) for _ in range(2000)])
    assert tied.min() < 0.01 and tied.max() > 0.99 and abs(tied.mean() - 0.5) < 0.02
    assert pit(0.3, 0.3, rng) == 0.3


def test_pit_allows_for_the_observations_sd():
    # the model is certain of 0; observed 0.5 +- 0.5: P(0 + e <= 0.5) = Phi(1)
    below, at = predictive_cdf(np.zeros(10), observation(0.5, sd=0.5))
    assert below == at == pytest.approx(0.841345, abs=1e-6)


def test_pit_allows_for_the_observations_range_as_a_triangle():
    # the truth ~ triangular(y - 2, y, y + 2), the model certain of y - 1:
    # P(truth >= y - 1) = 1 - 1 / (4 * 2) = 0.875
    below, _ = predictive_cdf(np.full(10, 9.0), observation(10.0, low=8.0, high=12.0))
    assert below == pytest.approx(0.875)


def test_a_miss_the_observations_noise_explains_is_inside_the_band_and_a_structural_one_not():
    ensemble = np.random.default_rng(3).normal(100.0, 1.0, 4000)
    noisy = observation(101.5, sd=1.0)  # PIT 0.93 in the model alone, Phi(1.5 / sqrt 2) with sd
    far = observation(105.0, sd=1.0)
    table = score(troop_arrays(ensemble), [noisy, far])
    assert list(table["inside_80_model"]) == [False, False]
    assert list(table["inside_80"]) == [True, False]
    assert table["pit"].iloc[0] == pytest.approx(0.856, abs=0.01)
    assert table["pit_model"].iloc[0] == pytest.approx(0.933, abs=0.01)


def test_crps_hand_computed():
    # mean|x - 2.5| = (1.5 + 0.5 + 0.5 + 1.5) / 4 = 1; sum_ij |xi - xj| = 2 * 10 = 20;
    # CRPS = 1 - 20 / (2 * 16) = 0.375
    assert crps(np.array([4.0, 1.0, 3.0, 2.0]), 2.5) == pytest.approx(0.375)
    assert crps(np.array([3.0]), 1.0) == pytest.approx(2.0)  # one member: absolute error
    assert crps(np.array([2.0, 2.0]), 2.0) == pytest.approx(0.0)


def test_crps_equals_the_integral_of_the_squared_cdf_difference():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=7), 0.3
    grid = np.linspace(-8, 8, 400_001)
    cdf = (x[None, :] <= grid[:, None]).mean(axis=1)
    integral = np.sum((cdf - (grid >= y)) ** 2) * (grid[1] - grid[0])
    assert crps(x, y) == pytest.approx(integral, abs=1e-3)


def test_an_observation_of_zero_scores_on_the_models_scale_not_times_1e12():
    ensemble = np.full(50, 10_000.0)
    (row,) = score(troop_arrays(ensemble), [observation(0.0)]).to_dict("records")
    assert row["crps"] == pytest.approx(10_000.0)
    assert row["crps_scaled"] == pytest.approx(1.0)  # 10,000 / max(0, 10,000)
    (both_zero,) = score(troop_arrays(np.zeros(50)), [observation(0.0)]).to_dict("records")
    assert both_zero["crps_scaled"] == 0.0


def test_scaled_crps_is_the_same_in_any_unit():
    ensemble = np.random.default_rng(2).normal(11_000.0, 500.0, 200)
    obs = observation(12_000.0)
    in_troops = scaled_crps(crps(ensemble, 12_000.0), ensemble, obs)
    in_thousands = scaled_crps(crps(ensemble / 1000, 12.0), ensemble / 1000, observation(12.0))
    assert in_troops == pytest.approx(in_thousands)
    assert 0.0 < in_troops < 2.0


def test_event_scores_hand_computed_against_a_base_rate():
    occurred = np.array([True] * 3 + [False] * 6)
    scored = event_scores(occurred, happened=True, base_rate=0.06)
    assert scored.probability == pytest.approx(0.35)  # (3 + 1/2) / (9 + 1)
    assert scored.brier == pytest.approx(0.65**2)
    assert scored.log == pytest.approx(-np.log(0.35))
    assert scored.brier_reference == pytest.approx(0.94**2)
    assert scored.log_reference == pytest.approx(-np.log(0.06))
    assert scored.brier_skill == pytest.approx(1 - 0.65**2 / 0.94**2)


@settings(deadline=None, max_examples=50)  # importing scoringrules compiles for seconds
@given(
    flags=st.lists(st.booleans(), min_size=1, max_size=300),
    happened=st.booleans(),
    base_rate=st.floats(0.001, 0.999),
)
def test_event_scores_are_scoringrules_brier_and_log_scores(flags, happened, base_rate):
    scoringrules = pytest.importorskip("scoringrules")
    scored = event_scores(np.array(flags), happened, base_rate)
    for p, brier, log in (
        (scored.probability, scored.brier, scored.log),
        (base_rate, scored.brier_reference, scored.log_reference),
    ):
        outcome = int(happened)
        assert brier == pytest.approx(scoringrules.brier_score(outcome, p, backend="numpy"))
        assert log == pytest.approx(scoringrules.log_score(outcome, p, backend="numpy"))


def test_an_event_no_replicate_foresaw_has_a_finite_log_score():
    scored = event_scores(np.zeros(200, dtype=bool), happened=True, base_rate=0.5)
    assert scored.probability == pytest.approx(0.5 / 201)
    assert np.isfinite(scored.log) and scored.log > scored.log_reference
    quiet = event_scores(np.zeros(200, dtype=bool), happened=False, base_rate=0.5)
    assert quiet.brier < quiet.brier_reference and quiet.brier_skill > 0.9


# --- the reader's errors ------------------------------------------------------------------

GOOD = ONE_OBSERVATION


def write(tmp_path: Path, text: str, name: str = "obs.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_reads(tmp_path):
    (obs,) = load_observations(write(tmp_path, GOOD), 30)
    assert (obs.series, obs.actor, obs.period, obs.measure, obs.value, obs.prices) == (
        "spending",
        "rok",
        "2025",
        "growth",
        0.01,
        "constant",
    )


CURRENT = "prices: current\n    nominal: 0.08\n    deflator: 0.04"


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "series: spending",
            "series: spendin",
            2,
            "observations[0].series: unknown series 'spendin'; did you mean 'spending'",
        ),
        (
            "actor: rok",
            "actor: korea",
            3,
            "observations[0].actor: unknown actor for 'spending' 'korea'",
        ),
        ("period: 2025", "period: 2031", 4, "observations[0].period: 2031 is outside the run"),
        ("period: 2025", "period: 2024", 4, "a year before, which is outside the run"),
        (
            "period: 2025",
            "period: 2025-13",
            4,
            "observations[0].period: expected a calendar year (2025) or a month",
        ),
        (
            "measure: growth",
            "measure: level\n    color: red",
            6,
            "observations[0].color: unknown key 'color'; did you mean 'actor'? allowed: series",
        ),
        (
            "measure: growth",
            "measure: trend",
            5,
            "observations[0].measure: expected one of 'level' or 'growth', got 'trend'",
        ),
        ("value: 0.01", "value: high", 6, "observations[0].value: expected a number, got 'high'"),
        ("value: 0.01", "value: .nan", 6, "observations[0].value: expected a finite number"),
        ("value: 0.01", "value: 0.01\n    low: 0.02", 6, "expected low <= value <= high"),
        ("value: 0.01", "value: 0.01\n    low: 0.0\n    sd: 0.01", 8, "low/high or as sd"),
        ("confidence: low", "confidence: sure", 10, "observations[0].confidence: expected one"),
        ("    source: test\n", "", 2, "observations[0]: missing 'source'"),
        ("    prices: constant\n", "", 2, "missing 'prices': 'spending' is in money"),
        (
            "prices: constant",
            "prices: constant\n    deflator: 0.021",
            8,
            "observations[0].deflator: a figure in constant prices is not deflated again",
        ),
        (
            "prices: constant",
            CURRENT,
            6,
            "observations[0].value: expected (1 + nominal) / (1 + deflator) - 1 = (1 + 0.08) / "
            "(1 + 0.04) - 1 = 0.0385, got 0.01",
        ),
        ("prices: constant", "prices: current", 2, "missing 'nominal'"),
        ("prices: constant", "prices: real", 7, "expected one of 'constant' or 'current'"),
        ("confidence: low\n", "confidence: low\nsource: x\n", 11, "source: unknown key 'source'"),
    ],
)
def test_bad_entries_name_file_line_and_key(tmp_path, old, new, line, message):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ObservationError) as error:
        load_observations(path, 30)
    text = str(error.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text, text


def test_a_current_price_figure_deflated_once_reads(tmp_path):
    text = GOOD.replace("value: 0.01", "value: 0.0385").replace("prices: constant", CURRENT)
    assert load_observations(write(tmp_path, text), 30)[0].value == 0.0385


def test_prices_are_refused_for_a_series_not_in_money(tmp_path):
    text = GOOD.replace("series: spending\n    actor: rok", "series: troops").replace(
        "measure: growth", "measure: level"
    )
    with pytest.raises(ObservationError, match="'prices' is for series measured in money"):
        load_observations(write(tmp_path, text), 30)


def test_growth_of_a_count_is_refused(tmp_path):
    text = GOOD.replace("series: spending\n    actor: rok", "series: clashes").replace(
        "    prices: constant\n", ""
    )
    with pytest.raises(ObservationError, match="does not support 'growth'"):
        load_observations(write(tmp_path, text), 30)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("obs.txt", GOOD, "an observation file's name ends in .yaml or .yml"),
        ("big.yaml", GOOD + "#" * 1_000_001, "the limit is 1,000,000"),
        ("list.yaml", "- 1\n", "a mapping with one key, 'observations:'"),
        ("empty.yaml", "observations: []\n", "observations: expected a longer list"),
    ],
)
def test_a_bad_observation_file_is_refused_with_its_name(tmp_path, name, content, message):
    path = write(tmp_path, content, name)
    with pytest.raises(ObservationError) as error:
        load_observations(path, 30)
    assert str(error.value).startswith(str(path)) and message in str(error.value)


EVENT = """\
events:
  - series: clashes
    by: "2025-06"
    happened: false
    base_rate: 0.25
    base_rate_from: record
    source: test
    published: 2025-07-01
    confidence: high
"""


def read_events(path: Path, horizon: int = 30) -> list:
    return read_observation_file(path, horizon).events


def test_events_read_and_are_judged_at_the_end_of_their_month(tmp_path):
    (event,) = read_events(write(tmp_path, GOOD + EVENT))
    assert (event.series, event.by, event.month, event.happened, event.base_rate) == (
        "clashes",
        "2025-06",
        12,
        False,
        0.25,
    )


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("series: clashes", "series: spending", 12, "events[0].series: an event is a counted"),
        ('by: "2025-06"', "by: 2025", 13, 'events[0].by: expected a month ("2026-12")'),
        ('by: "2025-06"', 'by: "2031-01"', 13, "events[0].by: 2031-01 is outside the run"),
        (
            "base_rate: 0.25",
            "base_rate: 1.5",
            15,
            "events[0].base_rate: expected a value below 1.0, got 1.5",
        ),
        ("happened: false", "happened: maybe", 14, "events[0].happened: expected true or false"),
        ("confidence: high", "confidence: high\n    odds: 3", 20, "events[0].odds: unknown key"),
    ],
)
def test_bad_events_name_file_line_and_key(tmp_path, old, new, line, message):
    path = write(tmp_path, GOOD + EVENT.replace(old, new))
    with pytest.raises(ObservationError) as error:
        read_events(path)
    text = str(error.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text, text


def test_an_unknown_event_key_lists_the_event_keys_not_the_observation_keys(tmp_path):
    path = write(
        tmp_path, GOOD + EVENT.replace("confidence: high", "confidence: high\n    odds: 3")
    )
    with pytest.raises(ObservationError, match="base_rate") as error:
        read_events(path)
    assert "prices" not in str(error.value)


def test_events_score_the_share_of_replicates_in_which_the_count_rose_by_their_month(tmp_path):
    """3 of 7 replicates clash by month 12 (one only later, at month 20): probability
    (3 + 1/2) / 8; the event did not happen, so Brier = p^2 and log = -ln(1 - p)."""
    (event,) = read_events(write(tmp_path, GOOD + EVENT))
    clashes = np.zeros((31, 7, 1))
    clashes[5:, 0] = 1
    clashes[12:, 1] = 2
    clashes[9:, 2] = 1
    clashes[20:, 3] = 1
    (row,) = score_events({"clashes": clashes}, [event]).to_dict("records")
    p = 3.5 / 8
    assert row["probability"] == pytest.approx(p)
    assert row["brier"] == pytest.approx(p**2)
    assert row["log"] == pytest.approx(-np.log(1 - p))
    assert row["brier_reference"] == pytest.approx(0.25**2)
    assert row["brier_skill"] == pytest.approx(1 - p**2 / 0.25**2)


def test_the_shipped_events_are_a_fatal_clash_and_a_war_by_the_last_full_month():
    events = read_events(ROOT / "observations" / "history.yaml")
    assert {(e.series, e.happened) for e in events} == {("clashes", False), ("wars", False)}
    clash = next(e for e in events if e.series == "clashes")
    assert clash.base_rate == pytest.approx(1 - np.exp(-0.153 * clash.month / 12), abs=0.001)


def test_the_shipped_observations_read():
    assert len(load_observations(ROOT / "observations" / "history.yaml", 30)) >= 10


def test_the_eu_2025_figure_is_in_constant_prices_and_not_deflated_again():
    (eu,) = [
        o
        for o in load_observations(ROOT / "observations" / "history.yaml", 30)
        if (o.series, o.actor, o.period) == ("spending", "eu", "2025")
    ]
    assert eu.prices == "constant"
    assert eu.value == pytest.approx(381 / 343 - 1, abs=0.0005)  # +11.1 %, not +8.8 %


CITED = re.compile(r"(?<![\w./:-])(?:\.{1,2}/|/)?[\w-]+(?:[./][\w-]+)*\.(?:md|ya?ml|py|txt|csv)\b")
"""A file path written in a scenario or observation file (not a web address)."""


@pytest.mark.parametrize(
    "path",
    sorted([*(ROOT / "scenarios").rglob("*.yaml"), *(ROOT / "observations").glob("*.yaml")]),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_path_cited_in_scenarios_and_observations_exists(path):
    missing = [
        cited
        for cited in CITED.findall(path.read_text(encoding="utf-8"))
        if not any(
            (base / cited).resolve().is_file() and (base / cited).resolve().is_relative_to(ROOT)
            for base in (path.parent, ROOT)
        )
    ]
    assert not missing, f"{path.relative_to(ROOT)} cites paths not in the repository: {missing}"


# --- the command ----------------------------------------------------------------------------


def test_hindcast_command_end_to_end(tmp_path, capsys):
    observations = write(
        tmp_path,
        GOOD
        + """\
  - series: troops
    period: 2025-04
    measure: level
    value: 12000
    low: 10000
    high: 14400
    source: test
    published: 2025-04-30
    confidence: low
"""
        + EVENT,
    )
    out = tmp_path / "results"
    argv = ["hindcast", str(HISTORY), "--observations", str(observations), "--replicates", "6"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "80 % band coverage:" in printed and "mean CRPS" in printed
    assert "event 'clashes by 2025-06' (did not happen): model " in printed
    (folder,) = (out / "history").iterdir()
    events = pd.read_csv(folder / "events.csv")
    assert events.loc[0, "reference"] == 0.25 and 0 < events.loc[0, "probability"] < 1
    table = pd.read_csv(folder / "hindcast.csv")
    assert len(table) == 2
    scored = {"observed", "q10", "q50", "q90", "pit", "inside_80", "pit_model", "crps_scaled"}
    assert scored <= set(table.columns)
    assert table["pit"].between(0, 1).all() and table["pit_model"].between(0, 1).all()
    assert "PIT model" in printed and "stated uncertainty" in printed
    assert (table["q10"] <= table["q50"]).all() and (table["q50"] <= table["q90"]).all()
    assert (folder / "plots" / "hindcast.png").stat().st_size > 10_000
    assert (folder / "observations.yaml").read_text() == observations.read_text()


def test_hindcast_command_reports_a_bad_file(tmp_path, capsys):
    bad = write(tmp_path, GOOD.replace("actor: rok", "actor: korea"))
    out = tmp_path / "results"
    argv = ["hindcast", str(HISTORY), "--observations", str(bad), "--out", str(out)]
    assert main(argv) == 2
    assert f"error: {bad}:3: observations[0].actor" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("obs.json", GOOD, "obs.json: an observation file's name ends in .yaml or .yml"),
        ("obs.yaml", GOOD.replace("prices: constant", "prices: nominal"), "prices: expected one"),
        ("obs.yaml", "observations:\n  - series: [\n", "obs.yaml:3: invalid YAML"),
    ],
)
def test_a_bad_observation_file_is_one_line_and_exit_2(tmp_path, capsys, name, text, message):
    bad = write(tmp_path, text, name)
    argv = ["hindcast", str(HISTORY), "--observations", str(bad), "--out", str(tmp_path / "r")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}") and message in err, err

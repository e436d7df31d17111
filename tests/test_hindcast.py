"""Hindcast: PIT and CRPS against hand-computed values, the observation reader's errors, and
the command end to end on a tiny case."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.results.hindcast import crps, load_observations, pit
from sim.scenario.observations import ObservationError

ROOT = Path(__file__).resolve().parents[1]
HISTORY = ROOT / "scenarios" / "history.yaml"


# --- scores -------------------------------------------------------------------------------


def test_pit_counts_members_below_and_ties_half():
    assert pit(np.array([1.0, 2.0, 3.0, 4.0]), 2.5) == 0.5
    assert pit(np.array([1.0, 2.0, 2.0, 3.0]), 2.0) == 0.5  # (1 + 2/2) / 4
    assert pit(np.array([1.0, 2.0, 3.0, 4.0]), 0.0) == 0.0
    assert pit(np.array([1.0, 2.0, 3.0, 4.0]), 9.0) == 1.0


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


# --- the reader's errors ------------------------------------------------------------------

GOOD = """\
observations:
  - series: spending
    actor: rok
    period: 2025
    measure: growth
    value: 0.01
    source: test
    published: 2025-01-01
    confidence: low
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "obs.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_reads(tmp_path):
    (obs,) = load_observations(write(tmp_path, GOOD), 30)
    assert (obs.series, obs.actor, obs.period, obs.measure, obs.value) == (
        "spending",
        "rok",
        "2025",
        "growth",
        0.01,
    )


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
        ("period: 2025", "period: 2025-13", 4, "expected a calendar year (2025) or a month"),
        ("measure: growth", "measure: level\n    color: red", 6, "unknown key 'color'"),
        ("measure: growth", "measure: trend", 5, "unknown measure 'trend'"),
        ("value: 0.01", "value: high", 6, "observations[0].value: expected a number"),
        ("confidence: low", "confidence: sure", 9, "unknown confidence 'sure'"),
        ("    source: test\n", "", 2, "missing 'source'"),
    ],
)
def test_bad_entries_name_file_line_and_key(tmp_path, old, new, line, message):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(ObservationError) as error:
        load_observations(path, 30)
    text = str(error.value)
    assert text.startswith(f"{path}:{line}: "), text
    assert message in text


def test_growth_of_a_count_is_refused(tmp_path):
    text = GOOD.replace("series: spending\n    actor: rok", "series: clashes")
    with pytest.raises(ObservationError, match="does not support 'growth'"):
        load_observations(write(tmp_path, text), 30)


def test_the_shipped_observations_read():
    assert len(load_observations(ROOT / "observations" / "history.yaml", 30)) >= 10


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
""",
    )
    out = tmp_path / "results"
    argv = ["hindcast", str(HISTORY), "--observations", str(observations), "--replicates", "6"]
    assert main([*argv, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "80 % band coverage:" in printed and "mean CRPS" in printed
    (folder,) = (out / "history").iterdir()
    table = pd.read_csv(folder / "hindcast.csv")
    assert len(table) == 2
    assert {"observed", "q10", "q50", "q90", "pit", "inside_80", "crps"} <= set(table.columns)
    assert table["pit"].between(0, 1).all()
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

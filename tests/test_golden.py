"""Golden output: the results of fixed runs, stored in tests/golden/ and compared exactly.

Any change in results fails here. A change that moves results on purpose regenerates the
files with

    make golden          # or: .venv/bin/python tests/test_golden.py

and the diff of tests/golden/ shows in review what moved.

Two cases: the baseline scenario (50 replicates x 36 months) and the same run with a timed
event of every kind (`set:`, and each `trigger:`), so that events are pinned too.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import RunResult, load_scenario, run

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
REPLICATES, MONTHS = 50, 36

SERIES = (
    ("spending", "rok"),
    ("spending", "japan"),
    ("spending", "dprk"),
    ("spending", "russia"),
    ("gdp", "russia"),
    ("peninsula_tension", None),
    ("isolation_index", None),
    ("lifeline_index", None),
    ("china_alignment", None),
    ("dialogue_progress", None),
    ("support", "russia"),
    ("tech", "dprk"),
)
"""Series pinned month by month, for every replicate (floats written in their shortest
round-trip form, so equal text is equal values)."""

EVENTS = [
    {"month": 3, "set": {"usa.sanction_tightening.russia": 0.2, "ukraine.intensity": 1.3}},
    {"month": 6, "trigger": "provocation"},
    {"month": 9, "trigger": "armed_clash", "between": ["dprk", "rok"]},
    {"month": 12, "trigger": "leadership_change"},
]


def case(name: str) -> RunResult:
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").with_params(
        replicates=REPLICATES, horizon_months=MONTHS
    )
    if name == "events":
        scenario = scenario.with_params(events=EVENTS, name="baseline_events")
    return run(scenario, progress=False)


def outcomes_csv(result: RunResult) -> str:
    return result.outcomes.to_csv(index=False)


def series_csv(result: RunResult) -> str:
    columns = {
        "month": np.repeat(np.arange(MONTHS + 1), REPLICATES),
        "replicate": np.tile(result.replicate_ids, MONTHS + 1),
    }
    for name, column in SERIES:
        label = f"{name}_{column}" if column else name
        columns[label] = result.series(name, column).reshape(-1)
    return pd.DataFrame(columns).to_csv(index=False)


FILES = {"outcomes": outcomes_csv, "series": series_csv}


@pytest.fixture(scope="module", params=["baseline", "events"])
def result(request: pytest.FixtureRequest) -> tuple[str, RunResult]:
    return request.param, case(request.param)


@pytest.mark.parametrize("kind", list(FILES))
def test_results_match_the_golden_files_exactly(result: tuple[str, RunResult], kind: str) -> None:
    name, run_result = result
    path = GOLDEN / f"{name}_{kind}.csv"
    expected = path.read_text(encoding="utf-8")
    actual = FILES[kind](run_result)
    if actual != expected:
        old = pd.read_csv(path)
        new = pd.read_csv(pd.io.common.StringIO(actual))
        moved = (
            [c for c in old.columns if c not in new.columns or not old[c].equals(new[c])]
            if old.shape == new.shape
            else ["shape"]
        )
        pytest.fail(
            f"{path.name} changed in {moved[:8]}; if on purpose, regenerate with "
            "`make golden` and explain the change"
        )


def test_the_event_case_differs_from_the_baseline() -> None:
    """The golden event case exercises the events: it cannot equal the plain baseline."""
    base = (GOLDEN / "baseline_series.csv").read_text(encoding="utf-8")
    events = (GOLDEN / "events_series.csv").read_text(encoding="utf-8")
    assert base != events


def regenerate() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name in ("baseline", "events"):
        result = case(name)
        for kind, render in FILES.items():
            (GOLDEN / f"{name}_{kind}.csv").write_text(render(result), encoding="utf-8")
            print(f"wrote {GOLDEN / f'{name}_{kind}.csv'}")


if __name__ == "__main__":
    sys.exit(regenerate())

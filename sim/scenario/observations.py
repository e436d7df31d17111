"""Observation files: observed values a hindcast scores a scenario against.

An observation file is YAML with one key, `observations:`, a list of entries:

    observations:
      - series: spending          # a recorded series (README, "Recorded series")
        actor: rok                # one of its columns (actor, member, or its scope label)
        period: 2025              # a calendar year, or a month "2025-04"
        measure: growth           # level (the series' unit) | growth (year-on-year, 0.03 = 3 %)
        value: -0.010
        low: -0.018               # optional range the source or the conversion allows
        high: 0.021
        source: "..."             # who published it, where it was seen
        published: 2025-12-03     # when
        confidence: medium        # high | medium | low
        conversion: "..."         # optional: how the figure became the model's basis

Bad entries get the same one-line errors as scenario files (file:line: key path: message):
unknown keys, series or actors, malformed periods, a period outside the run, a measure the
series does not support. The recorded series live in the model layer, so the caller passes
their columns and which of them support growth (sim.results.hindcast does).
"""

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.calendar import month_of
from sim.errors import UserError, unknown_key_message
from sim.scenario.yaml_source import YamlDoc, dotted, read_yaml

MEASURES = ("level", "growth")
CONFIDENCE = ("high", "medium", "low")
REQUIRED = ("series", "period", "measure", "value", "source", "published", "confidence")
KEYS = (
    "series",
    "actor",
    "period",
    "measure",
    "value",
    "low",
    "high",
    "source",
    "published",
    "confidence",
    "conversion",
    "note",
)


class ObservationError(UserError):
    """A bad observation file: file, line, key path and what is allowed."""


@dataclass(frozen=True)
class Observation:
    """One observed value. `period` is "2025" (a calendar year) or "2025-04" (a month)."""

    series: str
    actor: str
    period: str
    measure: str
    value: float
    low: float | None
    high: float | None
    source: str
    published: str
    confidence: str
    conversion: str = ""
    line: int | None = None

    @property
    def is_year(self) -> bool:
        return len(self.period) == 4

    @property
    def year(self) -> int:
        return int(self.period[:4])

    def months(self) -> list[int]:
        """Model months (0 = June 2024) the period covers: a month, or a year's twelve."""
        if self.is_year:
            return [month_of(f"{self.year}-{m:02d}") for m in range(1, 13)]
        return [month_of(self.period)]

    def base_months(self) -> list[int]:
        """Months of the period a year before (what growth is measured against)."""
        return [m - 12 for m in self.months()]


_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")


def read_observations(
    path: str | Path,
    columns: Mapping[str, tuple[str, ...]],
    growth: Collection[str],
    horizon_months: int,
) -> list[Observation]:
    """Read and check an observation file against the recorded series and the run's length.

    columns: each series' columns (its actors, members or scope label); growth: the series
    whose year-on-year change is meaningful; horizon_months: the run's last month (a period
    must have at least one month in 0 .. horizon_months, and so must its base year for
    growth). Raises ObservationError naming the file, line and key of the first problem.
    """
    path = Path(path)
    doc = _read(path)
    data = doc.data
    if not isinstance(data, dict) or "observations" not in data:
        raise ObservationError(
            path, 1, "", "an observation file is a mapping with one key, 'observations:' (a list)"
        )
    extra = [k for k in data if k != "observations"]
    if extra:
        raise ObservationError(
            path,
            doc.line_of((extra[0],)),
            str(extra[0]),
            unknown_key_message(extra[0], ["observations"]),
        )
    entries = data["observations"]
    if not isinstance(entries, list) or not entries:
        raise ObservationError(
            path, doc.line_of(("observations",)), "observations", "expected a non-empty list"
        )
    return [
        _entry(doc, i, entry, columns, growth, horizon_months) for i, entry in enumerate(entries)
    ]


def _read(path: Path) -> YamlDoc:
    try:
        return read_yaml(path)
    except UserError as error:  # read_yaml raises ScenarioError; re-label it
        raise ObservationError(error.path, error.line, error.key, error.message) from None


def _entry(
    doc: YamlDoc,
    i: int,
    entry: Any,
    columns: Mapping[str, tuple[str, ...]],
    growth: Collection[str],
    horizon: int,
) -> Observation:
    base = ("observations", i)

    def fail(key: str | None, message: str) -> ObservationError:
        where = (*base, key) if key else base
        return ObservationError(doc.path, doc.line_of(where), dotted(where), message)

    if not isinstance(entry, dict):
        raise fail(None, "expected a mapping with keys " + ", ".join(REQUIRED))
    for key in entry:
        if key not in KEYS:
            raise fail(key, unknown_key_message(key, KEYS))
    for key in REQUIRED:
        if key not in entry:
            raise fail(None, f"missing '{key}' (every observation needs {', '.join(REQUIRED)})")

    series = entry["series"]
    if series not in columns:
        raise fail("series", unknown_key_message(str(series), columns, "series"))
    allowed = columns[series]
    actor = entry.get("actor", allowed[0] if len(allowed) == 1 else None)
    if actor is None:
        raise fail(None, f"missing 'actor': series '{series}' has columns {', '.join(allowed)}")
    if actor not in allowed:
        raise fail("actor", unknown_key_message(str(actor), allowed, f"actor for '{series}'"))

    measure = entry["measure"]
    if measure not in MEASURES:
        raise fail("measure", unknown_key_message(str(measure), MEASURES, "measure"))
    if measure == "growth" and series not in growth:
        raise fail(
            "measure",
            f"series '{series}' does not support 'growth' (a count, share or index); use "
            f"'level'. Growth is supported by: {', '.join(sorted(growth))}",
        )

    period = str(entry["period"])
    if not (_YEAR.match(period) or _MONTH.match(period)):
        raise fail(
            "period", f'expected a calendar year (2025) or a month ("2025-04"), got {period!r}'
        )
    numbers = {}
    for key in ("value", "low", "high"):
        value = entry.get(key)
        if value is None and key != "value":
            numbers[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise fail(key, f"expected a number, got {value!r}")
        numbers[key] = float(value)
    low, high = numbers["low"], numbers["high"]
    if (low is not None and low > numbers["value"]) or (
        high is not None and high < numbers["value"]
    ):
        raise fail(
            "value", f"expected low <= value <= high, got {low} <= {numbers['value']} <= {high}"
        )

    confidence = entry["confidence"]
    if confidence not in CONFIDENCE:
        raise fail("confidence", unknown_key_message(str(confidence), CONFIDENCE, "confidence"))
    published = entry["published"]
    if not isinstance(published, dt.date | str):
        raise fail("published", f"expected a date (2025-05-29), got {published!r}")
    for key in ("source", "conversion", "note"):
        if key in entry and not isinstance(entry[key], str):
            raise fail(key, f"expected text, got {entry[key]!r}")

    observation = Observation(
        str(series),
        str(actor),
        period,
        str(measure),
        numbers["value"],
        low,
        high,
        entry["source"],
        str(published),
        str(confidence),
        entry.get("conversion", ""),
        doc.line_of(base),
    )
    _check_period(observation, horizon, fail)
    return observation


def _check_period(observation: Observation, horizon: int, fail: Any) -> None:
    def covered(months: list[int]) -> bool:
        return any(0 <= m <= horizon for m in months)

    last = month_of("2024-06") + horizon
    run = f"the run covers June 2024 to month {horizon} ({_month_text(last)})"
    if not covered(observation.months()):
        raise fail("period", f"{observation.period} is outside the run: {run}")
    if observation.measure == "growth" and not covered(observation.base_months()):
        raise fail(
            "period",
            f"growth in {observation.period} is measured against a year before, which is "
            f"outside the run: {run}",
        )


def _month_text(month: int) -> str:
    year, index = divmod(2024 * 12 + 5 + month, 12)
    return f"{year}-{index + 1:02d}"

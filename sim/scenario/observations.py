"""Observation files: observed values a hindcast scores a scenario against.

An observation file is YAML (.yaml or .yml, at most yaml_source.MAX_BYTES) with one key,
`observations:`, a list of entries:

    observations:
      - series: spending          # a recorded series (docs/reference.md)
        actor: rok                # one of its columns (actor, member, or its scope label)
        period: 2025              # a calendar year, or a month "2025-04"
        measure: growth           # level (the series' unit) | growth (year-on-year, 0.03 = 3 %)
        value: -0.010             # on the model's basis: constant 2024 prices, real growth
        low: -0.018               # optional range the source or the conversion allows, or
        high: 0.021               #   sd: a standard error (one or the other, not both)
        prices: current           # money series: the published figure's prices
        nominal: 0.031            #   current prices: the published (nominal) change
        deflator: 0.041           #   and the price change it was deflated by
        source: "..."             # who published it, where it was seen
        published: 2025-12-03     # when
        confidence: medium        # high | medium | low
        conversion: "..."         # optional: how the figure became the model's basis

`prices` is required for the series measured in money (unit "... US$ ...") and says what the
publisher's figure was in, so that a figure is deflated exactly once: `constant` (already in
constant prices or a real change; `value` is that figure, and a `deflator` is refused) or
`current` (nominal; the growth `value` must be (1 + nominal) / (1 + deflator) - 1, to the
rounding of ROUNDING). A level in current prices is refused: convert it to constant 2024 US$
and say how in `conversion`.

An optional second key, `events:`, lists events that did or did not happen, scored as
probabilities (Brier and log scores) beside a reference forecast from the record:

    events:
      - series: clashes           # a counted series (clashes, wars): it rose above June 2024's
        by: "2026-12"             # by the end of this month
        happened: false
        base_rate: 0.327          # the reference forecast's probability of the same event
        base_rate_from: "..."     # how the record gives it
        source: "..."             # what shows whether it happened
        published: 2026-12-01
        confidence: high

The file is read once (sim.scenario.yaml_source: a regular file, no aliases or tags), its
structure checked by the pydantic model ObservationFileSpec, and pydantic's first error
translated by the scenario files' translator (sim.scenario.checks: file:line: key: message).
Checks against the model (series, actors, which series support growth, the run's months) and
between keys (low <= value <= high, prices) follow, as scenario checks follow their schema.
The recorded series live in the model layer, so the caller passes their columns, units and
which of them support growth (sim.results.hindcast does).
"""

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, Strict, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from sim.calendar import month_of
from sim.errors import UserError, unknown_key_message
from sim.scenario.checks import Origin, first_error
from sim.scenario.schema import STRICT
from sim.scenario.yaml_source import KeyPath, YamlDoc, dotted, read_yaml

SUFFIXES = (".yaml", ".yml")

ROUNDING = 0.0015
"""How far a current-price growth `value` may sit from (1 + nominal) / (1 + deflator) - 1:
the rounding of a published per cent to one decimal, twice."""

_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
PERIOD_RULE = 'a calendar year (2025) or a month ("2025-04")'


class ObservationError(UserError):
    """A bad observation file: file, line, key path and what is allowed."""


class ObservationSpec(BaseModel):
    """One entry of an observation file, as written."""

    model_config = STRICT

    series: str
    actor: str | None = None
    period: str
    measure: Literal["level", "growth"]
    value: float
    low: float | None = None
    high: float | None = None
    sd: Annotated[float, Field(gt=0.0)] | None = None
    prices: Literal["constant", "current"] | None = None
    nominal: float | None = None
    deflator: Annotated[float, Field(gt=-1.0)] | None = None
    source: str
    published: Annotated[dt.date, Strict()] | str
    confidence: Literal["high", "medium", "low"]
    conversion: str = ""
    note: str = ""

    @field_validator("period", mode="before")
    @classmethod
    def _period(cls, period: Any) -> str:
        text = str(period) if isinstance(period, int) and not isinstance(period, bool) else period
        if not isinstance(text, str) or not (_YEAR.match(text) or _MONTH.match(text)):
            raise PydanticCustomError("period", PERIOD_RULE)
        return text


class EventSpec(BaseModel):
    """One entry of an observation file's `events:`, as written: whether a counted series
    (clashes, wars) rose above its June 2024 value by the end of a month, and the reference
    forecast of the same event (a base rate from the record) to score the model against."""

    model_config = STRICT

    series: str
    by: str
    happened: bool
    base_rate: Annotated[float, Field(gt=0.0, lt=1.0)]
    base_rate_from: str
    source: str
    published: Annotated[dt.date, Strict()] | str
    confidence: Literal["high", "medium", "low"]
    note: str = ""

    @field_validator("by", mode="before")
    @classmethod
    def _by(cls, by: Any) -> str:
        if not isinstance(by, str) or not _MONTH.match(by):
            raise PydanticCustomError("by", 'a month ("2026-12")')
        return by


class ObservationFileSpec(BaseModel):
    """An observation file: a non-empty list of observed values and, optionally, events."""

    model_config = STRICT

    observations: Annotated[list[ObservationSpec], Field(min_length=1)]
    events: list[EventSpec] = []


@dataclass(frozen=True)
class Observation:
    """One observed value. `period` is "2025" (a calendar year) or "2025-04" (a month).

    low / high: the range the source or the conversion allows around `value`; sd: a standard
    error instead. Either is the observation's own uncertainty, which PIT and coverage allow
    for (sim.results.hindcast). prices: the published figure's prices (money series)."""

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
    sd: float | None = None
    prices: str | None = None

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


@dataclass(frozen=True)
class Event:
    """An event that did or did not happen by the end of month `by` ("2026-12"): the counted
    series `series` rose above its June 2024 value. `base_rate` is the reference forecast's
    probability of it (from the record, `base_rate_from` says how)."""

    series: str
    by: str
    happened: bool
    base_rate: float
    base_rate_from: str
    source: str
    published: str
    confidence: str
    line: int | None = None

    @property
    def month(self) -> int:
        """The model month (0 = June 2024) the event is judged at."""
        return month_of(self.by)


@dataclass(frozen=True)
class ObservationFile:
    """An observation file as read: its entries, its events and its text (for a copy beside
    results)."""

    path: Path
    observations: list[Observation]
    text: str
    events: list[Event] = field(default_factory=list)


@dataclass(frozen=True)
class RecordedSeries:
    """What the model records, for checking observations against it: each series' columns
    and unit, and the series whose year-on-year change is meaningful."""

    columns: Mapping[str, tuple[str, ...]]
    units: Mapping[str, str]
    growth: Collection[str]

    def is_money(self, series: str) -> bool:
        return "US$" in self.units.get(series, "")


def read_observations(
    path: str | Path, recorded: RecordedSeries, horizon_months: int
) -> ObservationFile:
    """Read and check an observation file against the recorded series and the run's length.

    horizon_months: the run's last month (a period must have at least one month in
    0 .. horizon_months, and so must its base year for growth). Raises ObservationError
    naming the file, line and key of the first problem.
    """
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise ObservationError(path, None, "", "an observation file's name ends in .yaml or .yml")
    doc = _read(path)
    origin = Origin(path, (path,), {kp: (path, line) for kp, line in doc.lines.items() if kp})
    data = doc.data
    if not isinstance(data, dict):
        raise ObservationError(
            path, 1, "", "an observation file is a mapping with one key, 'observations:' (a list)"
        )
    try:
        spec = ObservationFileSpec.model_validate(data)
    except ValidationError as exc:
        raise _translate(exc, origin) from None
    observations = [
        _observation(doc, i, entry, recorded, horizon_months)
        for i, entry in enumerate(spec.observations)
    ]
    events = [
        _event(doc, i, entry, recorded, horizon_months) for i, entry in enumerate(spec.events)
    ]
    return ObservationFile(path, observations, doc.text, events)


def _read(path: Path) -> YamlDoc:
    try:
        return read_yaml(path, noun="an observation file")
    except UserError as error:  # read_yaml raises ScenarioError; re-label it
        raise ObservationError(error.path, error.line, error.key, error.message) from None


def _translate(exc: ValidationError, origin: Origin) -> ObservationError:
    """pydantic's first error in file order, through the scenario translator; an unknown key
    lists the keys an observation file allows."""
    error = first_error(exc, origin)
    extra = [e["loc"] for e in exc.errors() if e["type"] == "extra_forbidden"]
    loc = next((loc for loc in extra if dotted(loc) == error.key), None)
    if loc is not None:
        entries = {"observations": ObservationSpec, "events": EventSpec}
        allowed = (entries[loc[0]] if len(loc) > 1 else ObservationFileSpec).model_fields
        message = unknown_key_message(str(loc[-1]), allowed)
        return ObservationError(error.path, error.line, error.key, message)
    return ObservationError(error.path, error.line, error.key, error.message)


Fail = Callable[[str | None, str], ObservationError]


def _observation(
    doc: YamlDoc, i: int, entry: ObservationSpec, recorded: RecordedSeries, horizon: int
) -> Observation:
    base: KeyPath = ("observations", i)

    def fail(key: str | None, message: str) -> ObservationError:
        where = (*base, key) if key else base
        return ObservationError(doc.path, doc.line_of(where), dotted(where), message)

    actor = _check_series(entry, recorded, fail)
    _check_range(entry, fail)
    _check_prices(entry, recorded, fail)
    observation = Observation(
        entry.series,
        actor,
        entry.period,
        entry.measure,
        entry.value,
        entry.low,
        entry.high,
        entry.source,
        str(entry.published),
        entry.confidence,
        entry.conversion,
        doc.line_of(base),
        entry.sd,
        entry.prices,
    )
    _check_period(observation, horizon, fail)
    return observation


def _event(doc: YamlDoc, i: int, entry: EventSpec, recorded: RecordedSeries, horizon: int) -> Event:
    where: KeyPath = ("events", i)

    def fail(key: str, message: str) -> ObservationError:
        return ObservationError(
            doc.path, doc.line_of((*where, key)), dotted((*where, key)), message
        )

    counted = sorted(name for name, unit in recorded.units.items() if unit == "count")
    if entry.series not in counted:
        raise fail("series", f"an event is a counted series: one of {', '.join(counted)}")
    event = Event(
        entry.series,
        entry.by,
        entry.happened,
        entry.base_rate,
        entry.base_rate_from,
        entry.source,
        str(entry.published),
        entry.confidence,
        doc.line_of(where),
    )
    if not 0 < event.month <= horizon:
        raise fail(
            "by",
            f"{entry.by} is outside the run: the run covers July 2024 to month {horizon} "
            f"({_month_text(horizon)})",
        )
    return event


def _check_series(entry: ObservationSpec, recorded: RecordedSeries, fail: Fail) -> str:
    """The series is recorded, the actor one of its columns, growth meaningful for it."""
    if entry.series not in recorded.columns:
        raise fail("series", unknown_key_message(entry.series, recorded.columns, "series"))
    allowed = recorded.columns[entry.series]
    actor = entry.actor if entry.actor is not None else allowed[0] if len(allowed) == 1 else None
    if actor is None:
        raise fail(
            None, f"missing 'actor': series '{entry.series}' has columns {', '.join(allowed)}"
        )
    if actor not in allowed:
        raise fail("actor", unknown_key_message(actor, allowed, f"actor for '{entry.series}'"))
    if entry.measure == "growth" and entry.series not in recorded.growth:
        raise fail(
            "measure",
            f"series '{entry.series}' does not support 'growth' (a count, share or index); use "
            f"'level'. Growth is supported by: {', '.join(sorted(recorded.growth))}",
        )
    return actor


def _check_range(entry: ObservationSpec, fail: Fail) -> None:
    """low <= value <= high, and a range or an sd, not both."""
    low, high, value = entry.low, entry.high, entry.value
    if (low is not None and low > value) or (high is not None and high < value):
        raise fail("value", f"expected low <= value <= high, got {low} <= {value} <= {high}")
    if entry.sd is not None and (low is not None or high is not None):
        raise fail("sd", "give the observation's uncertainty as low/high or as sd, not both")


def _check_prices(entry: ObservationSpec, recorded: RecordedSeries, fail: Fail) -> None:
    """A money series states its published prices; a figure is deflated once."""
    money = recorded.is_money(entry.series)
    if not money:
        for key in ("prices", "nominal", "deflator"):
            if getattr(entry, key) is not None:
                raise fail(key, f"'{key}' is for series measured in money; '{entry.series}' is not")
        return
    if entry.prices is None:
        raise fail(
            None,
            f"missing 'prices': '{entry.series}' is in money; say whether the published figure "
            "is in constant prices (or a real change) or current prices",
        )
    if entry.prices == "constant":
        if entry.deflator is not None or entry.nominal is not None:
            key = "deflator" if entry.deflator is not None else "nominal"
            raise fail(
                key,
                "a figure in constant prices is not deflated again; drop 'nominal' and "
                "'deflator' or say prices: current",
            )
        return
    if entry.measure == "level":
        raise fail(
            "prices",
            "a level in current prices is not converted here; give it in constant 2024 US$ "
            "(prices: constant) and say how in 'conversion'",
        )
    if entry.nominal is None or entry.deflator is None:
        missing = "nominal" if entry.nominal is None else "deflator"
        raise fail(None, f"missing '{missing}': prices: current needs nominal and deflator")
    real = (1.0 + entry.nominal) / (1.0 + entry.deflator) - 1.0
    if not math.isclose(entry.value, real, abs_tol=ROUNDING):
        raise fail(
            "value",
            f"expected (1 + nominal) / (1 + deflator) - 1 = (1 + {entry.nominal}) / "
            f"(1 + {entry.deflator}) - 1 = {real:.4f}, got {entry.value}",
        )


def _check_period(observation: Observation, horizon: int, fail: Fail) -> None:
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

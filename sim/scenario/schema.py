"""The scenario file's schema: pydantic models generated from the parameter tables.

Strict types (a number is not text, a whole number is not 2.5), no unknown keys, and each
parameter's declared range. Checks that span keys (events, sweeps, symmetric relations) are
in sim/scenario/checks.py; loading and `extends:` in sim/scenario/scenario.py.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, create_model

from sim.actors import ACTORS, BLOC, RIVALS, SANCTIONERS
from sim.calendar import month_of
from sim.scenario.outcome_settings import OUTCOMES, OutcomeSettings
from sim.scenario.parameters import ACTOR_PARAMS, MECHANISMS, THEATRE_PARAMS, WORLD_PARAMS, Param

TRIGGERS = ("provocation", "leadership_change", "armed_clash", "war")
NAME_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$"
"""A scenario's name names its results folder: one safe path component (no separator, not
'.' or '..', no control character), 1 to 100 characters."""
NAME_RULE = (
    "a name of 1 to 100 letters, digits, '_', '.' or '-', not starting with '.' "
    "(it names the results folder)"
)
STRICT = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


def _number(p: Param) -> Any:
    return Annotated[float, Field(ge=p.low, le=p.high)]


def _param_type(p: Param, owner: str) -> Any:
    if p.keys is not None:
        keys = tuple(k for k in p.keys if k != owner)
        return dict[Literal[keys], _number(p)]  # type: ignore[valid-type]
    return _number(p)


Share = Annotated[float, Field(ge=0.0, le=1.0)]
Growth = Annotated[float, Field(ge=-0.5, le=1.0)]
Amount = Annotated[float, Field(ge=0.0, le=1e6)]
Gdp = Annotated[float, Field(ge=0.001, le=1e6)]
"""GDP, constant 2024 US$ bn a year: at least US$ 1 million, as the burden (spending / GDP)
divides by it (a GDP of 0 made the burden infinite or NaN)."""


def initial_model(actor: str) -> type[BaseModel]:
    others = Literal[tuple(a for a in ACTORS if a != actor)]  # type: ignore[valid-type]
    fields: dict[str, Any] = {
        "spending": (Amount | None, None),
        "gdp": (Gdp | None, None),
        "gdp_growth": (Growth | None, None),
        "tension": (dict[others, Share], {}),
    }
    if actor in BLOC:
        fields |= {
            "support": (Share | None, None),
            "tech": (Share | None, None),
            "cyber": (Share | None, None),
            "ties": (dict[others, Share], {}),
            "trade": (dict[others, Amount], {}),
        }
    if actor in SANCTIONERS:
        fields["sanctions"] = (dict[Literal[BLOC], Share], {})  # type: ignore[valid-type]
    return create_model(f"Initial_{actor}", __config__=STRICT, **fields)


FIRST_ENACTED_YEAR = 2025
"""The first calendar year an enacted budget can be given for: 2024 is the data file's."""
LAST_ENACTED_YEAR = 2030
"""The last: each year of each actor has its own once-per-run draw within the stated range
(sim.model.randomness, `budgets`), so the years are bounded."""
ENACTED_YEARS = LAST_ENACTED_YEAR - FIRST_ENACTED_YEAR + 1


class EnactedBudget(BaseModel):
    """An enacted (or, once published, actual) budget of one calendar year as data: its real
    growth over the year before, in constant 2024 US$, with its source (`enacted_budgets:`;
    the year's budget plan, sim.model.mechanisms.budgets.budget_plan). `low` and `high`
    (both or neither): the range the sources and the deflator allow; each replicate then
    draws the year's growth from a triangular distribution with its mode at real_growth."""

    model_config = STRICT

    year: Annotated[int, Field(ge=FIRST_ENACTED_YEAR, le=LAST_ENACTED_YEAR)]
    real_growth: Growth
    low: Growth | None = None
    high: Growth | None = None
    source: Annotated[str, Field(min_length=1)]


def actor_model(actor: str) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_param_type(p, actor) | None, None)
        for name, p in ACTOR_PARAMS.items()
        if actor in p.owners
    }
    fields["initial"] = (initial_model(actor) | None, None)
    fields["enacted_budgets"] = (list[EnactedBudget] | None, None)
    return create_model(f"Actor_{actor}", __config__=STRICT, **fields)


ActorsSpec = create_model(
    "ActorsSpec", __config__=STRICT, **{a: (actor_model(a) | None, None) for a in ACTORS}
)
WorldSpec = create_model(
    "WorldSpec",
    __config__=STRICT,
    **{name: (_number(p) | None, None) for name, p in WORLD_PARAMS.items()},
)
UkraineSpec = create_model(
    "UkraineSpec",
    __config__=STRICT,
    **{name: (_number(p) | None, None) for name, p in THEATRE_PARAMS.items()},
)
MechanismsSpec = create_model(
    "MechanismsSpec", __config__=STRICT, **dict.fromkeys(MECHANISMS, (bool, True))
)


class EventSpec(BaseModel):
    """A timed event: at a month (or date), set parameters or trigger a step."""

    model_config = STRICT

    month: Annotated[int, Field(ge=1, le=1200)] | None = None
    date: str | Annotated[dt.date, Strict()] | None = None  # YAML reads 2025-03-01 as a date
    set: dict[str, Any] | None = None
    trigger: Literal[TRIGGERS] | None = None  # type: ignore[valid-type]
    between: Annotated[
        tuple[Literal[BLOC], Literal[RIVALS]] | None,  # type: ignore[valid-type]
        Field(strict=False),  # YAML gives a list
    ] = None
    note: str | None = None

    @property
    def at_month(self) -> int:
        """The month the event happens (its `month:`, or its `date:` counted from June 2024);
        ValueError on a malformed date."""
        return self.month if self.month is not None else month_of(self.date or "")


class ChangeSpec(BaseModel):
    """A change from a date on (`changes:`): parameters set (or a step triggered) in the month
    `from:` names, by default the month after the scenario's present, and kept to the horizon;
    every month before it is the scenario it extends, unchanged. Run as a timed event
    (sim.model.events) of that month, after the month's own events."""

    model_config = STRICT | ConfigDict(validate_by_name=True, serialize_by_alias=True)

    from_: Annotated[str | Annotated[dt.date, Strict()] | None, Field(alias="from")] = None
    set: dict[str, Any] | None = None
    trigger: Literal[TRIGGERS] | None = None  # type: ignore[valid-type]
    between: Annotated[
        tuple[Literal[BLOC], Literal[RIVALS]] | None,  # type: ignore[valid-type]
        Field(strict=False),
    ] = None
    note: str | None = None

    def at_month(self, present: int | None) -> int:
        """The month the change starts: its `from:`, else the month after `present`;
        ValueError on a malformed date or when neither is known."""
        if self.from_ is not None:
            return month_of(self.from_)
        if present is None:
            raise ValueError("no present")
        return present + 1


class SweepSpec(BaseModel):
    """A parameter sweep (`run.py sweep`): a design over parameter ranges, `replicates` runs
    per point. See docs/exploring.md, Sweep parameters."""

    model_config = STRICT

    design: Literal["grid", "lhs", "sobol", "morris"] = "lhs"
    points: Annotated[int, Field(ge=1, le=10_000_000)] = 100
    levels: Annotated[int, Field(ge=2, le=1000)] = 5
    seed: Annotated[int, Field(ge=0, le=2**32 - 1)] | None = None
    parameters: Annotated[
        dict[str, Annotated[tuple[float, float], Strict(False)]], Field(min_length=1)
    ]
    outcomes: list[Literal[tuple(OUTCOMES)]] | None = None  # type: ignore[valid-type]
    heatmaps: list[Annotated[tuple[str, str], Strict(False)]] | None = None
    min_coverage: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5


class UncertainSpec(BaseModel):
    """A distribution for one parameter (`uncertain:`), drawn once per replicate from the
    replicate's own stream: uniform on [low, high]; triangular with its mode; normal (mean,
    sd) truncated to [low, high]; beta(a, b) stretched over [low, high]."""

    model_config = STRICT

    dist: Literal["uniform", "triangular", "normal", "beta"] = "uniform"
    low: float
    high: float
    mode: float | None = None
    mean: float | None = None
    sd: Annotated[float, Field(gt=0.0)] | None = None
    a: Annotated[float, Field(gt=0.0)] | None = None
    b: Annotated[float, Field(gt=0.0)] | None = None


class ScenarioSpec(BaseModel):
    """A resolved scenario. See docs/scenarios.md and docs/reference.md for every key."""

    model_config = STRICT

    name: Annotated[str, Field(pattern=NAME_PATTERN)] = "scenario"
    description: str = ""
    seed: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    replicates: Annotated[int, Field(ge=1, le=10_000_000)] = 1
    horizon_months: Annotated[int, Field(ge=1, le=1200)] = 120
    substeps: Annotated[int, Field(ge=1, le=1000)] = 1
    mechanisms: MechanismsSpec = Field(default_factory=MechanismsSpec)  # type: ignore[valid-type]
    world: WorldSpec = Field(default_factory=WorldSpec)  # type: ignore[valid-type]
    ukraine: UkraineSpec = Field(default_factory=UkraineSpec)  # type: ignore[valid-type]
    actors: ActorsSpec = Field(default_factory=ActorsSpec)  # type: ignore[valid-type]
    events: list[EventSpec] = Field(default_factory=list)
    present: str | Annotated[dt.date, Strict()] | None = None
    counterfactual: bool = False
    changes: list[ChangeSpec] = Field(default_factory=list)
    outcomes: OutcomeSettings = Field(default_factory=OutcomeSettings)
    sweep: SweepSpec | None = None
    uncertain: dict[str, UncertainSpec] | None = None
    ensemble: Annotated[str, Field(max_length=200)] = "priors"

    @property
    def present_month(self) -> int | None:
        """The last observed month (`present:`, months after June 2024), None without one;
        ValueError on a malformed date."""
        return None if self.present is None else month_of(self.present)


TOP_LEVEL_KEYS = ("extends", *ScenarioSpec.model_fields)

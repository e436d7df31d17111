"""What a run records each month, with units, and the preallocated recorder.

Each series is read off the world after every step into a preallocated array of shape
(months + 1, R, width): width N for per-actor series, 2 for per-member series, 1 for
region-wide ones. Nothing goes through Mesa's DataCollector (it would double a run's cost).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.actors import (
    ACTORS,
    BLOC,
    CHINA,
    USA,
)
from sim.model.state import Reference, World, energy_shortfall, isolation_index, lifeline_index
from sim.model.sums import means_over_middle

Getter = Callable[[World, Reference], np.ndarray]


@dataclass(frozen=True)
class Field:
    """The getter of a series that records a World array as it is."""

    name: str

    def __call__(self, w: World, r: Reference) -> np.ndarray:
        return getattr(w, self.name)


@dataclass(frozen=True)
class Series:
    """One recorded variable."""

    name: str
    label: str
    unit: str
    scope: str  # "actor" (N wide), "bloc" (2 wide) or the actor/region label of a scalar
    get: Getter

    @property
    def columns(self) -> tuple[str, ...]:
        if self.scope == "actor":
            return ACTORS
        if self.scope == "bloc":
            return BLOC
        return (self.scope,)


SERIES: tuple[Series, ...] = (
    Series(
        "spending",
        "Military spending",
        "constant 2024 US$ bn/yr",
        "actor",
        Field("spending"),
    ),
    Series(
        "capability",
        "Military capability",
        "US$ bn/yr, 2024-equivalent",
        "actor",
        Field("capability"),
    ),
    Series("gdp", "GDP", "constant 2024 US$ bn/yr", "actor", Field("gdp")),
    Series(
        "spending_plan",
        "Military spending plan",
        "constant 2024 US$ bn/yr",
        "actor",
        Field("plan"),
    ),
    Series("burden", "Military burden", "share of GDP", "actor", lambda w, r: w.spending / w.gdp),
    Series(
        "sanctions_on",
        "Western sanctions on member",
        "mean intensity 0-1",
        "bloc",
        lambda w, r: means_over_middle(w.sanctions),
    ),
    Series(
        "trade_access", "Member's total trade", "2024 = 1", "bloc", lambda w, r: w.access / r.access
    ),
    Series(
        "trade_china",
        "Member's trade with China",
        "US$ bn/yr",
        "bloc",
        lambda w, r: w.trade[:, :, CHINA],
    ),
    Series("support", "Domestic support", "share 0-1", "bloc", Field("support")),
    Series(
        "commitment",
        "Effective commitment to the pact",
        "probability",
        "bloc",
        Field("commitment"),
    ),
    Series("hardship", "Economic hardship vs 2024", "share of output", "bloc", Field("hardship")),
    Series("tech", "Military technology", "US = 1", "bloc", Field("tech")),
    Series("cyber", "Cyber capability", "index 0-1", "bloc", Field("cyber")),
    Series("war_intensity", "War in Ukraine", "2024 = 1", "ukraine", Field("war_intensity")),
    Series(
        "cooperation",
        "Pact cooperation",
        "share of full capacity 0-1",
        "bloc_pact",
        Field("cooperation"),
    ),
    Series(
        "exercises",
        "Joint exercise intensity",
        "index 0-1",
        "bloc_pact",
        Field("exercise_intensity"),
    ),
    Series(
        "munitions",
        "DPRK munitions to Russia",
        "million rounds/yr",
        "dprk_to_russia",
        Field("munitions"),
    ),
    Series(
        "troops",
        "DPRK troops deployed with Russia",
        "troops",
        "dprk_to_russia",
        Field("troops"),
    ),
    Series(
        "troop_deaths",
        "DPRK troops killed so far",
        "troops",
        "dprk_to_russia",
        Field("troop_deaths"),
    ),
    Series(
        "munitions_stock",
        "DPRK munitions stock for export",
        "million rounds",
        "dprk",
        Field("munitions_stock"),
    ),
    Series(
        "dprk_revenue",
        "DPRK revenue from munitions and cyber theft",
        "constant 2024 US$ bn/yr",
        "dprk",
        Field("dprk_revenue"),
    ),
    Series(
        "energy_supply",
        "DPRK oil supply",
        "million barrels/yr",
        "dprk",
        Field("energy_supply"),
    ),
    Series(
        "energy_shortfall",
        "DPRK energy shortfall",
        "share of pre-2017 supply",
        "dprk",
        energy_shortfall,
    ),
    Series(
        "china_alignment",
        "China's alignment with the bloc",
        "0 grip - 1 coalition",
        "china",
        Field("china_alignment"),
    ),
    Series(
        "china_engagement",
        "China's engagement with Pyongyang",
        "index 0-1",
        "china",
        Field("china_engagement"),
    ),
    Series(
        "dialogue_effort",
        "China's dialogue effort",
        "index 0-1",
        "china",
        Field("dialogue_effort"),
    ),
    Series(
        "dialogue_progress",
        "Dialogue progress",
        "index 0-1",
        "region",
        Field("dialogue_progress"),
    ),
    Series("us_buildup", "US regional build-up", "index 0-1", "usa", Field("us_buildup")),
    Series(
        "peninsula_tension",
        "Tension: DPRK vs ROK, Japan, US",
        "index 0-1",
        "region",
        lambda w, r: w.peninsula_tension(),
    ),
    Series(
        "bloc_tension",
        "Tension: bloc vs rivals",
        "index 0-1",
        "region",
        lambda w, r: w.bloc_tension(),
    ),
    Series(
        "us_china_tension",
        "Tension: US vs China",
        "index 0-1",
        "region",
        lambda w, r: w.tension[:, USA, CHINA],
    ),
    Series(
        "isolation_index", "Bloc's ties with the West", "2024 = 1", "bloc_pact", isolation_index
    ),
    Series("lifeline_index", "Bloc's economic lifeline", "2024 = 1", "bloc_pact", lifeline_index),
    Series("provocations", "DPRK provocations", "events/month", "dprk", Field("provocations")),
    Series("clashes", "Armed clashes so far", "count", "region", Field("clashes")),
    Series("wars", "Clashes escalated to war so far", "count", "region", Field("wars")),
    Series(
        "reciprocity",
        "Reciprocity clause fired so far",
        "count",
        "bloc_pact",
        Field("reciprocity"),
    ),
    Series(
        "leader_changed",
        "Leadership change in Pyongyang",
        "0/1",
        "dprk",
        Field("leader_changed"),
    ),
    Series(
        "us_engagement",
        "US engagement with Pyongyang",
        "0 pressure - 1 engagement",
        "usa",
        Field("us_engagement"),
    ),
    Series(
        "talks_progress",
        "US-DPRK talks progress",
        "index 0-1",
        "region",
        Field("talks_progress"),
    ),
    Series(
        "russia_presence",
        "Russia's military presence in East Asia",
        "2024 = 1",
        "russia",
        Field("russia_presence"),
    ),
    Series(
        "eu_support",
        "EU military support to Ukraine",
        "constant 2024 US$ bn/yr",
        "eu",
        Field("eu_support"),
    ),
    Series(
        "implementation",
        "Pact implementation (new channels built)",
        "share 0-1",
        "bloc_pact",
        Field("implementation"),
    ),
)
SERIES_BY_NAME = {s.name: s for s in SERIES}


KEY_SERIES: tuple[tuple[str, str | None], ...] = (
    ("spending", "rok"),
    ("spending", "japan"),
    ("spending", "dprk"),
    ("peninsula_tension", None),
    ("isolation_index", None),
    ("lifeline_index", None),
)
"""The series fans and comparisons show by default: the regional arms race (L15), tension,
and isolation (L8, L25), as (series, column)."""


class Recorder:
    """Preallocated (months + 1, R, width) arrays, one per series; month 0 is June 2024.

    `names` limits recording to some series (a sweep keeps only what its outcomes read,
    sim.results.outcomes.OUTCOME_SERIES).
    """

    def __init__(self, months: int, replicates: int, names: tuple[str, ...] | None = None) -> None:
        self.series = [s for s in SERIES if names is None or s.name in names]
        self.arrays = {
            s.name: np.empty((months + 1, replicates, len(s.columns))) for s in self.series
        }

    def record(self, month: int, world: World, reference: Reference) -> None:
        for s in self.series:
            value = s.get(world, reference)
            self.arrays[s.name][month] = value if value.ndim == 2 else value[:, None]

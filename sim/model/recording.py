"""What a run records each month, with units, and the preallocated recorder.

Each series is read off the world after every month into a preallocated array of shape
(months + 1, R, width): width N for per-actor series, 2 for per-member series, 1 for
region-wide ones. The values are computed and written by compiled code while each
replicate's state is in cache (sim/model/mechanisms/record.py, which holds every series'
formula); nothing goes through Mesa's DataCollector (it would double a run's cost).
"""

from dataclasses import dataclass

import numpy as np

from sim.actors import ACTORS, BLOC
from sim.model.mechanisms.record import RECORDED, record_month
from sim.model.state import ReferenceArrays, World


@dataclass(frozen=True)
class Series:
    """One recorded variable (its formula: sim/model/mechanisms/record.py)."""

    name: str
    label: str
    unit: str
    scope: str  # "actor" (N wide), "bloc" (2 wide) or the actor/region label of a scalar

    @property
    def columns(self) -> tuple[str, ...]:
        if self.scope == "actor":
            return ACTORS
        if self.scope == "bloc":
            return BLOC
        return (self.scope,)


SERIES: tuple[Series, ...] = (
    Series("spending", "Military spending", "constant 2024 US$ bn/yr", "actor"),
    Series("capability", "Military capability", "US$ bn/yr, 2024-equivalent", "actor"),
    Series("gdp", "GDP", "constant 2024 US$ bn/yr", "actor"),
    Series("spending_plan", "Military spending plan", "constant 2024 US$ bn/yr", "actor"),
    Series("burden", "Military burden", "share of GDP", "actor"),
    Series("sanctions_on", "Western sanctions on member", "mean intensity 0-1", "bloc"),
    Series("trade_access", "Member's total trade", "2024 = 1", "bloc"),
    Series("trade_china", "Member's trade with China", "US$ bn/yr", "bloc"),
    Series("support", "Domestic support", "share 0-1", "bloc"),
    Series("commitment", "Effective commitment to the pact", "probability", "bloc"),
    Series("hardship", "Economic hardship vs 2024", "share of output", "bloc"),
    Series("tech", "Military technology", "US = 1", "bloc"),
    Series("cyber", "Cyber capability", "index 0-1", "bloc"),
    Series("war_intensity", "War in Ukraine", "2024 = 1", "ukraine"),
    Series("cooperation", "Pact cooperation", "share of full capacity 0-1", "bloc_pact"),
    Series("exercises", "Joint exercise intensity", "index 0-1", "bloc_pact"),
    Series("munitions", "DPRK munitions to Russia", "million rounds/yr", "dprk_to_russia"),
    Series("troops", "DPRK troops deployed with Russia", "troops", "dprk_to_russia"),
    Series("troop_deaths", "DPRK troops killed so far", "troops", "dprk_to_russia"),
    Series("munitions_stock", "DPRK munitions stock for export", "million rounds", "dprk"),
    Series(
        "dprk_revenue",
        "DPRK revenue from munitions and cyber theft",
        "constant 2024 US$ bn/yr",
        "dprk",
    ),
    Series("energy_supply", "DPRK oil supply", "million barrels/yr", "dprk"),
    Series("energy_shortfall", "DPRK energy shortfall", "share of pre-2017 supply", "dprk"),
    Series("china_alignment", "China's alignment with the bloc", "0 grip - 1 coalition", "china"),
    Series("china_engagement", "China's engagement with Pyongyang", "index 0-1", "china"),
    Series("dialogue_effort", "China's dialogue effort", "index 0-1", "china"),
    Series("dialogue_progress", "Dialogue progress", "index 0-1", "region"),
    Series("us_buildup", "US regional build-up", "index 0-1", "usa"),
    Series("peninsula_tension", "Tension: DPRK vs ROK, Japan, US", "index 0-1", "region"),
    Series("bloc_tension", "Tension: bloc vs rivals", "index 0-1", "region"),
    Series("us_china_tension", "Tension: US vs China", "index 0-1", "region"),
    Series("isolation_index", "Bloc's ties with the West", "2024 = 1", "bloc_pact"),
    Series("lifeline_index", "Bloc's economic lifeline", "2024 = 1", "bloc_pact"),
    Series("provocations", "DPRK provocations", "events/month", "dprk"),
    Series("clashes", "Armed clashes so far", "count", "region"),
    Series("wars", "Clashes escalated to war so far", "count", "region"),
    Series("reciprocity", "Reciprocity clause fired so far", "count", "bloc_pact"),
    Series("leader_changed", "Leadership change in Pyongyang", "0/1", "dprk"),
    Series("us_engagement", "US engagement with Pyongyang", "0 pressure - 1 engagement", "usa"),
    Series("talks_progress", "US-DPRK talks progress", "index 0-1", "region"),
    Series("russia_presence", "Russia's military presence in East Asia", "2024 = 1", "russia"),
    Series("eu_support", "EU military support to Ukraine", "constant 2024 US$ bn/yr", "eu"),
    Series("implementation", "Pact implementation (new channels built)", "share 0-1", "bloc_pact"),
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
    """The recorded months, (months + 1, R, width) arrays, one per series; month 0 is June
    2024.

    A month's values of every recorded series sit side by side, one row per replicate, in
    one (months + 1, R, total width) block (`values`), which the compiled month fills while
    each replicate's state is in cache; `arrays[name]` is the series' view of that block.
    `names` limits recording to some series (a sweep keeps only what its outcomes read,
    sim.results.outcomes.OUTCOME_SERIES).
    """

    def __init__(self, months: int, replicates: int, names: tuple[str, ...] | None = None) -> None:
        self.series = [s for s in SERIES if names is None or s.name in names]
        self.at = np.full(len(SERIES), -1, dtype=np.int64)  # where each series starts, -1: not
        self.values = np.empty((months + 1, replicates, sum(len(s.columns) for s in self.series)))
        self.arrays: dict[str, np.ndarray] = {}
        start = 0
        for s in self.series:
            self.at[SERIES.index(s)] = start
            self.arrays[s.name] = self.values[:, :, start : start + len(s.columns)]
            start += len(s.columns)

    def record(self, month: int, world: World, reference: ReferenceArrays) -> None:
        """Record every replicate's month (the month's own loop records as it goes:
        month.month_step; this is for June 2024 and after a month's forced steps)."""
        record_month(world.arrays(), reference, self.values[month], self.at)


assert tuple(s.name for s in SERIES) == RECORDED, "SERIES must follow record.RECORDED's order"

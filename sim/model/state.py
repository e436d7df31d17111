"""The shared state of the world: numpy arrays with a leading replicate axis.

Shapes: per-actor (R, N) in ACTORS order; per pact member (R, 2) in BLOC order; tension
(R, N, N) indexed [replicate, actor, other]; the members' trade and ties (R, 2, N) indexed
[replicate, member, other]; sanctions (R, 4, 2) indexed [replicate, sanctioner, member];
region-wide (R,).

June 2024 is the reference: `Reference` holds the 2024 values the mechanisms measure change
against, and the calibration that makes the 2024 state consistent with the declared
defaults (computed in sim/model/calibration.py). The derived measures outcomes and plots read
besides the raw arrays (isolation, lifeline, energy shortfall, ...) are computed as they are
recorded (sim/model/mechanisms/record.py).
"""

from collections import namedtuple
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from sim.scenario.parameters import MECHANISMS


@dataclass
class World:
    """Everything that changes during a run. Mechanisms read and write these arrays.

    Money is constant 2024 US$ (SIPRI's convention); growth is real.
    """

    # per actor (R, N)
    spending: np.ndarray  # US$ bn/yr, constant 2024 US$
    plan: np.ndarray  # the budget plan's path, US$ bn/yr (0 with budget_plans off)
    committed: np.ndarray  # level changes of the budget (build-up, war, revenue), US$ bn/yr
    plan_base: np.ndarray  # the plan's level over its 2024 course, re-based by enacted budgets
    spending_trend: np.ndarray  # real spending growth over about the past year, log per yr
    capability: np.ndarray  # US$ bn/yr of June-2024-equivalent military effort
    capability_factor: np.ndarray  # capability per US$ of spending, 1 in 2024
    potential_gdp: np.ndarray  # US$ bn/yr, before sanction and energy losses
    gdp: np.ndarray  # US$ bn/yr, constant 2024 US$
    isolation_effort: np.ndarray  # 0-1, decided by sanctioners
    # per pact member (R, 2)
    tech: np.ndarray  # military technology, US = 1
    cyber: np.ndarray  # cyber capability, 0-1
    support: np.ndarray  # domestic support, 0-1
    commitment: np.ndarray  # effective commitment to the pact, 0-1
    hardship: np.ndarray  # economic hardship relative to 2024 (share of output lost)
    access: np.ndarray  # total trade, US$ bn/yr (the economic lifeline)
    rerouted_abroad: np.ndarray  # trade rerouted through countries outside the model
    trade_outside: np.ndarray  # trade with countries outside the model, US$ bn/yr
    china_trade_shock: np.ndarray  # log of the random factor on the members' trade with China
    # relations
    tension: np.ndarray  # (R, N, N) 0-1, symmetric
    trade: np.ndarray  # (R, 2, N) the members' trade with each actor, US$ bn/yr
    ties: np.ndarray  # (R, 2, N) the members' diplomatic ties with each actor, 0-1
    sanctions: np.ndarray  # (R, 4, 2) intensity each sanctioner imposes on each member, 0-1
    sanction_target: np.ndarray  # (R, 4, 2) desired intensity, decided by sanctioners
    # region-wide (R,)
    war_intensity: np.ndarray  # Ukraine theatre, 2024 = 1
    cooperation: np.ndarray  # pact cooperation, share of its full capacity, 0-1
    capacity: np.ndarray  # cooperation relative to 2024 (what transfers scale with)
    exercise_intensity: np.ndarray  # 0-1
    munitions: np.ndarray  # million rounds/yr to Russia
    munitions_stock: np.ndarray  # DPRK munitions stock available for export, million rounds
    troops: np.ndarray  # DPRK troops deployed with Russia (a stock)
    troop_deaths: np.ndarray  # DPRK troops killed so far
    dprk_revenue: np.ndarray  # munitions payments and cyber theft, US$ bn/yr
    transfer_draw: np.ndarray  # (R, 4) lognormal multipliers: technology, munitions, troops, losses
    transfer_shock: np.ndarray  # (R, 2) log of the random factors on munitions and troop losses
    energy_supply: np.ndarray  # DPRK oil, million barrels/yr
    trade_expansion: np.ndarray  # multiplier on 2024 Russia-DPRK trade
    china_alignment: np.ndarray  # 0 = keeps its grip, 1 = coalition with the bloc
    china_engagement: np.ndarray  # China's engagement with Pyongyang, 0-1
    dialogue_effort: np.ndarray  # China's effort, 0-1
    dialogue_progress: np.ndarray  # 0-1
    us_buildup: np.ndarray  # 0-1
    provocation_rate: np.ndarray  # expected DPRK provocations this month
    provocations: np.ndarray  # DPRK provocations this month
    clashes: np.ndarray  # armed clashes so far
    wars: np.ndarray  # clashes that escalated to war so far
    reciprocity: np.ndarray  # times the reciprocity clause fired so far
    leader_changed: np.ndarray  # bool: leadership change in Pyongyang has happened
    # responses to the pact (sim/model/mechanisms/responses.py), (R,)
    us_engagement: np.ndarray  # US choice: 0 = pressure, 1 = engagement with Pyongyang
    talks_progress: np.ndarray  # US-DPRK talks, 0-1
    russia_presence: np.ndarray  # Russia's military presence in East Asia, 2024 = 1
    eu_support: np.ndarray  # EU military support to Ukraine, US$ bn/yr
    war_demand: np.ndarray  # Russia's war demand from Western support beyond 2024, 2024 = 1
    implementation: np.ndarray  # share of the treaty's new channels built, 0-1

    @property
    def replicates(self) -> int:
        return self.spending.shape[0]

    def arrays(self) -> "WorldArrays":
        """The arrays as the compiled rules take them (a named tuple of the same arrays:
        what a rule writes, this World holds)."""
        return WorldArrays(*(getattr(self, name) for name in WorldArrays._fields))


@dataclass(frozen=True)
class Reference:
    """June 2024: values change is measured against, and the calibration to the defaults.

    The declared defaults describe 2024 behaviour; calibration (sim/model/calibration.py)
    makes June 2024 their steady state, so that a baseline without shocks holds its 2024
    state or follows its documented trend, and a scenario's departures act from month 1.
    """

    spending: np.ndarray  # (N,) 2024 spending, the start of each budget plan
    tension: np.ndarray  # (N, N)
    tension_rest: np.ndarray  # (N, N)
    trade: np.ndarray  # (2, N)
    ties: np.ndarray  # (2, N)
    sanctions: np.ndarray  # (4, 2)
    access: np.ndarray  # (2,)
    trade_outside: np.ndarray  # (2,)
    coalition_trade: float  # the members' trade with the US, the EU, Japan, South Korea
    coalition_ties: float  # their ties with the four, summed (isolation's 2024 base)
    dependence: np.ndarray  # (2,) the members' 2024 trade / GDP
    support: np.ndarray  # (2,)
    rival_tension: np.ndarray  # (2,) the members' mean tension with their rivals
    gdp_trend: np.ndarray  # (N,) continuous trend growth rate, log(1 + annual growth)
    tech: np.ndarray  # (2,)
    cyber: np.ndarray  # (2,)
    clash_rates: np.ndarray  # (2, n_rivals) clashes a year at 2024 tension (data file)
    energy_need: float
    energy_non_russian: float
    energy_shortfall: float
    exercise_intensity: float
    buildup: float
    provocation_rate: float
    dialogue_progress: float  # the 2024 steady state of the dialogue track
    cooperation: float  # the pact's 2024 cooperation share
    dprk_threat: np.ndarray  # (R,)
    dprk_revenue: np.ndarray  # (R,) 2024 munitions payments and cyber revenue
    china_alignment: float
    china_engagement: float
    us_engagement: float  # the US engagement with Pyongyang in 2024
    talks_progress: float  # the 2024 steady state of the US-DPRK talks
    eu_support: float  # the EU's 2024 military support to Ukraine, US$ bn/yr
    enacted_budgets: np.ndarray  # (R, years, N) enacted spending of 2025 + y over 2024's, NaN: none
    present: float  # the scenario's last observed month (steps up to it replay it), -1: none

    def arrays(self) -> "ReferenceArrays":
        """The values as the compiled rules take them (a named tuple; floats as floats)."""
        return ReferenceArrays(
            *(
                value if isinstance(value, np.ndarray) else float(value)
                for value in (getattr(self, name) for name in ReferenceArrays._fields)
            )
        )


WorldArrays = namedtuple("WorldArrays", [f.name for f in fields(World)])


def packed(world: World) -> tuple[World, np.ndarray]:
    """The same state with each replicate's values side by side in memory, and all its
    floating-point values as one (R, words) array.

    Every World array becomes a view into one buffer with a row per replicate (a numpy
    structured array, aligned), so the compiled month, which runs one replicate after
    another, reads one contiguous row of about 1.7 kB a replicate instead of a few values
    from each of ~50 arrays R long (too many streams for the CPU's prefetchers once R
    outgrows the cache). The floats come first: the month's state check reads them as one
    block (`floats`, a view of the same memory). Same values, same arithmetic, same bits.
    """
    arrays = {name: getattr(world, name) for name in WorldArrays._fields}
    floats = [name for name, array in arrays.items() if array.dtype == np.float64]
    others = [name for name in arrays if name not in floats]
    layout = np.dtype(
        [(name, arrays[name].dtype, arrays[name].shape[1:]) for name in floats + others],
        align=True,
    )
    words = np.empty((world.replicates, layout.itemsize // 8))  # aligned: 8-byte multiple
    rows = words.view(layout)[:, 0]
    for name, array in arrays.items():
        rows[name] = array
    float_words = layout.fields[others[0]][1] // 8 if others else words.shape[1]
    return World(**{name: rows[name] for name in arrays}), words[:, :float_words]


ReferenceArrays = namedtuple("ReferenceArrays", [f.name for f in fields(Reference)])


Switches = namedtuple("Switches", list(MECHANISMS))
"""Which mechanisms are on (all by default; a scenario's `mechanisms:` block): a rule reads
`on.provocations`."""


class Settings(NamedTuple):
    """A run's numeric settings the rules read."""

    substeps: int  # Euler sub-steps a month of Richardson's equation (scenario `substeps`)

"""The shared state of the world: numpy arrays with a leading replicate axis.

Shapes: per-actor (R, N) in ACTORS order; per pact member (R, 2) in BLOC order; tension
(R, N, N) indexed [replicate, actor, other]; the members' trade and ties (R, 2, N) indexed
[replicate, member, other]; sanctions (R, 4, 2) indexed [replicate, sanctioner, member];
region-wide (R,).

June 2024 is the reference: `Reference` holds the 2024 values the mechanisms measure change
against, and the calibration that makes the 2024 state consistent with the declared
defaults (computed in sim/model/calibration.py). The derived measures at the end (isolation,
lifeline, energy shortfall) are what outcomes and plots read besides the raw arrays.
"""

from collections import namedtuple
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from sim.actors import BLOC_IDX, DPRK, PENINSULA_IDX, RIVAL_IDX, SANCTIONER_IDX
from sim.model.sums import block_sums, picked_means
from sim.scenario.parameters import MECHANISMS

_BLOC, _RIVALS, _PENINSULA, _SANCTIONERS = (
    np.array(idx, dtype=np.int64) for idx in (BLOC_IDX, RIVAL_IDX, PENINSULA_IDX, SANCTIONER_IDX)
)
_MEMBERS = np.arange(len(BLOC_IDX), dtype=np.int64)


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

    def peninsula_tension(self) -> np.ndarray:
        """Mean tension of the DPRK with ROK, Japan and the US (L15), (R,)."""
        return picked_means(self.tension, DPRK, _PENINSULA)

    def bloc_tension(self) -> np.ndarray:
        """Mean tension of the pact members with their rivals, (R,)."""
        return block_sums(self.tension, _BLOC, _RIVALS) / (len(_BLOC) * len(_RIVALS))


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
ReferenceArrays = namedtuple("ReferenceArrays", [f.name for f in fields(Reference)])


def isolation_index(w: World, ref: Reference) -> np.ndarray:
    """The bloc's trade and diplomatic ties with the sanctioning coalition (the US, the EU,
    Japan, South Korea: L25's "the United States and its allies"), 2024 = 1, (R,).

    The mean of a trade index and a ties index, each summed over both members (the DPRK
    trades next to nothing with the coalition, so Russia's trade carries the trade index).
    Trade rerouted through China or countries outside the model does not count: the lifeline
    index judges whether evasion restores the bloc's economy (L8, L24).
    """
    trade = block_sums(w.trade, _MEMBERS, _SANCTIONERS)
    ties = block_sums(w.ties, _MEMBERS, _SANCTIONERS)
    trade_2024 = ref.trade[:, SANCTIONER_IDX].sum()
    ties_2024 = ref.ties[:, SANCTIONER_IDX].sum()
    return 0.5 * (trade / trade_2024 + ties / ties_2024)


def lifeline_index(w: World, ref: Reference) -> np.ndarray:
    """The bloc's total trade, evasion routes and each other included, 2024 = 1, (R,)."""
    return (w.access / ref.access).mean(axis=1)


def energy_shortfall(w: World, ref: Reference) -> np.ndarray:
    """Share of the DPRK's pre-2017 oil supply it lacks, (R,)."""
    return np.maximum(0.0, 1.0 - w.energy_supply / ref.energy_need)


Switches = namedtuple("Switches", list(MECHANISMS))
"""Which mechanisms are on (all by default; a scenario's `mechanisms:` block): a rule reads
`on.provocations`."""


class Settings(NamedTuple):
    """A run's numeric settings the rules read."""

    substeps: int  # Euler sub-steps a month of Richardson's equation (scenario `substeps`)

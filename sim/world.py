"""The shared state of the world: numpy arrays with a leading replicate axis.

Shapes: per-actor (R, N) in ACTORS order; per pact member (R, 2) in BLOC order; tension
(R, N, N) indexed [replicate, actor, other]; the members' trade and ties (R, 2, N) indexed
[replicate, member, other]; sanctions (R, 4, 2) indexed [replicate, sanctioner, member];
region-wide (R,).

June 2024 is the reference: `Reference` holds the 2024 values the mechanisms measure change
against, and the calibration that makes the 2024 state consistent with the declared
defaults (see `Reference.build`).
"""

from dataclasses import dataclass

import numpy as np

from sim.actors import (
    BLOC_IDX,
    CHINA,
    DPRK,
    N_ACTORS,
    NON_BLOC_IDX,
    PENINSULA_IDX,
    RIVAL_IDX,
    RUSSIA,
    SANCTIONER_IDX,
    USA,
)
from sim.calibration import InitialState
from sim.param_arrays import Params

DT = 1.0 / 12.0
"""One month, in years: every rate parameter is per year."""


@dataclass
class World:
    """Everything that changes during a run. Mechanisms read and write these arrays."""

    # per actor (R, N)
    spending: np.ndarray  # US$ bn/yr
    capability: np.ndarray  # US$ bn/yr of June-2024-equivalent military effort
    capability_factor: np.ndarray  # capability per US$ of spending, 1 in 2024
    potential_gdp: np.ndarray  # US$ bn/yr, before sanction and energy losses
    gdp: np.ndarray  # US$ bn/yr
    isolation_effort: np.ndarray  # 0-1, decided by sanctioners
    # per pact member (R, 2)
    tech: np.ndarray  # military technology, US = 1
    cyber: np.ndarray  # cyber capability, 0-1
    support: np.ndarray  # domestic support, 0-1
    commitment: np.ndarray  # effective commitment to the pact, 0-1
    hardship: np.ndarray  # economic hardship relative to 2024 (share of output lost)
    access: np.ndarray  # total trade, US$ bn/yr (the economic lifeline)
    rerouted_abroad: np.ndarray  # trade rerouted through countries outside the model
    # relations
    tension: np.ndarray  # (R, N, N) 0-1, symmetric
    trade: np.ndarray  # (R, 2, N) the members' trade with each actor, US$ bn/yr
    ties: np.ndarray  # (R, 2, N) the members' diplomatic ties with each actor, 0-1
    sanctions: np.ndarray  # (R, 4, 2) intensity each sanctioner imposes on each member, 0-1
    sanction_target: np.ndarray  # (R, 4, 2) desired intensity, decided by sanctioners
    # region-wide (R,)
    war_intensity: np.ndarray  # Ukraine theatre, 2024 = 1
    cooperation: np.ndarray  # pact cooperation, 2024 = 1
    exercise_intensity: np.ndarray  # 0-1
    munitions: np.ndarray  # million rounds/yr to Russia
    troops: np.ndarray  # troops/yr to Russia
    energy_supply: np.ndarray  # DPRK oil, million barrels/yr
    trade_expansion: np.ndarray  # multiplier on 2024 Russia-DPRK trade
    china_alignment: np.ndarray  # 0 = keeps its grip, 1 = coalition with the bloc
    dialogue_effort: np.ndarray  # China's effort, 0-1
    dialogue_progress: np.ndarray  # 0-1
    us_buildup: np.ndarray  # 0-1
    provocation_rate: np.ndarray  # expected DPRK provocations this month
    provocations: np.ndarray  # DPRK provocations this month
    clashes: np.ndarray  # armed clashes so far
    reciprocity: np.ndarray  # times the reciprocity clause fired so far
    leader_changed: np.ndarray  # bool: leadership change in Pyongyang has happened

    @property
    def replicates(self) -> int:
        return self.spending.shape[0]

    def peninsula_tension(self) -> np.ndarray:
        """Mean tension of the DPRK with ROK, Japan and the US (L15), (R,)."""
        return self.tension[:, DPRK, PENINSULA_IDX].mean(axis=1)

    def bloc_tension(self) -> np.ndarray:
        """Mean tension of the pact members with their rivals, (R,)."""
        dyads = self.tension[:, BLOC_IDX][:, :, RIVAL_IDX]
        return dyads.reshape(self.replicates, -1).mean(axis=1)


@dataclass(frozen=True)
class Reference:
    """June 2024: values change is measured against, and the calibration to the defaults.

    The declared defaults describe 2024 behaviour. Calibration makes June 2024 consistent
    with them: Richardson's grievance reproduces each actor's observed spending growth,
    tension's resting level makes 2024 tension the steady state of 2024 pressures, and
    cooperation is 1. A scenario's departures from the defaults then act from month 1.
    """

    tension: np.ndarray  # (N, N)
    tension_rest: np.ndarray  # (N, N)
    trade: np.ndarray  # (2, N)
    ties: np.ndarray  # (2, N)
    sanctions: np.ndarray  # (4, 2)
    access: np.ndarray  # (2,)
    trade_rest: np.ndarray  # (2,) the members' trade with non-members
    ties_rest: np.ndarray  # (2,)
    dependence: np.ndarray  # (2,) the members' 2024 trade / GDP
    support: np.ndarray  # (2,)
    rival_tension: np.ndarray  # (2,) the members' mean tension with their rivals
    gdp_trend: np.ndarray  # (N,) continuous trend growth rate, log(1 + annual growth)
    tech: np.ndarray  # (2,)
    cyber: np.ndarray  # (2,)
    energy_need: float
    energy_non_russian: float
    energy_shortfall: float
    exercise_intensity: float
    buildup: float
    provocation_rate: float
    cooperation_raw: float
    dprk_threat: np.ndarray  # (R,)
    grievance: np.ndarray  # (R, N) US$ bn/yr per yr
    china_alignment: float


def richardson_drive(params: Params, capability: np.ndarray, tension: np.ndarray,
                     tension_2024: np.ndarray, buildup: np.ndarray,
                     buildup_2024: float) -> np.ndarray:
    """Sum over rivals of k_ij(t) * C_j: the reaction term of Richardson's equation, (R, N).

    k_ij(t) = k_ij * (1 + s * (tension_ij - tension_ij(2024))) (threat = hostility x
    capability, Dunne, Perlo-Freeman & Smith 2008), and a US build-up above its 2024 level
    replaces part of ROK's and Japan's reaction to the DPRK (reassurance, L17).
    """
    factor = tension - tension_2024
    factor *= params.tension_sensitivity[:, None, None]
    factor += 1.0
    np.maximum(factor, 0.0, out=factor)
    factor *= params.reactivity
    relief = 1.0 - params.reassurance * (buildup - buildup_2024)[:, None]
    factor[:, :, DPRK] *= np.maximum(0.0, relief)
    factor *= capability[:, None, :]
    return factor.sum(axis=2)


def dprk_threat(params: Params, capability: np.ndarray, tension: np.ndarray,
                tension_2024: np.ndarray) -> np.ndarray:
    """The DPRK's row of richardson_drive: the threat it perceives, (R,)."""
    factor = 1.0 + params.tension_sensitivity[:, None] * (tension[:, DPRK] - tension_2024[DPRK])
    k = params.reactivity[:, DPRK] * np.maximum(0.0, factor)
    return (k * capability).sum(axis=1)


def create_world(initial: InitialState, params: Params) -> tuple[World, Reference]:
    """The June 2024 world for R replicates, and its reference and calibration."""
    r = params.fatigue.shape[0]
    defaults = Params.defaults(r)

    def per_replicate(vector: np.ndarray) -> np.ndarray:
        return np.broadcast_to(vector, (r, *vector.shape)).copy()

    spending = per_replicate(initial.spending)
    tension = per_replicate(initial.tension)
    bloc_trade = initial.trade[BLOC_IDX]
    bloc_ties = initial.ties[BLOC_IDX]
    sanctions = initial.sanctions[np.ix_(SANCTIONER_IDX, BLOC_IDX)]
    access = bloc_trade.sum(axis=1)
    exercise_2024 = float(defaults.exercises[0, BLOC_IDX].mean())
    buildup_2024 = float(defaults.buildup[0, USA])
    provocation_2024 = float(defaults.provocation_rate[0, DPRK])
    cooperation_raw = float(np.min(defaults.commitment[0, BLOC_IDX] * np.minimum(
        1.0, initial.support / defaults.opposition_threshold[0, BLOC_IDX])))
    energy_2024 = initial.energy_non_russian + float(defaults.energy_aid[0, RUSSIA])
    buildup = np.full(r, buildup_2024)

    drive = richardson_drive(defaults, spending, tension, tension, buildup, buildup_2024)
    observed_growth = initial.spending_growth * initial.spending
    calibrated = observed_growth + defaults.fatigue * spending - drive
    grievance = np.where(np.isnan(params.grievance), calibrated, params.grievance)

    reference = Reference(
        tension=initial.tension,
        tension_rest=_tension_rest(initial.tension, defaults, exercise_2024, buildup_2024,
                                   provocation_2024),
        trade=bloc_trade,
        ties=bloc_ties,
        sanctions=sanctions,
        access=access,
        trade_rest=bloc_trade[:, NON_BLOC_IDX].sum(axis=1),
        ties_rest=bloc_ties[:, NON_BLOC_IDX].sum(axis=1),
        dependence=access / initial.gdp[BLOC_IDX],
        support=initial.support,
        rival_tension=initial.tension[BLOC_IDX][:, RIVAL_IDX].mean(axis=1),
        gdp_trend=np.log1p(initial.gdp_growth),
        tech=initial.tech,
        cyber=initial.cyber,
        energy_need=initial.energy_need,
        energy_non_russian=initial.energy_non_russian,
        energy_shortfall=max(0.0, 1.0 - energy_2024 / initial.energy_need),
        exercise_intensity=exercise_2024,
        buildup=buildup_2024,
        provocation_rate=provocation_2024,
        cooperation_raw=cooperation_raw,
        dprk_threat=dprk_threat(defaults, spending, tension, initial.tension),
        grievance=grievance,
        china_alignment=float(defaults.coalition_bias[0, CHINA]),
    )
    alignment = params.coalition_bias[:, CHINA].copy()
    world = World(
        spending=spending,
        capability=spending.copy(),
        capability_factor=np.ones((r, N_ACTORS)),
        potential_gdp=per_replicate(initial.gdp),
        gdp=per_replicate(initial.gdp),
        isolation_effort=np.zeros((r, N_ACTORS)),
        tech=per_replicate(initial.tech),
        cyber=per_replicate(initial.cyber),
        support=per_replicate(initial.support),
        commitment=params.commitment[:, BLOC_IDX].copy(),
        hardship=np.zeros((r, 2)),
        access=per_replicate(access),
        rerouted_abroad=np.zeros((r, 2)),
        tension=tension,
        trade=per_replicate(bloc_trade),
        ties=per_replicate(bloc_ties),
        sanctions=per_replicate(sanctions),
        sanction_target=per_replicate(sanctions),
        war_intensity=params.intensity.copy(),
        cooperation=np.ones(r),
        exercise_intensity=np.full(r, exercise_2024),
        munitions=params.munitions[:, DPRK] * params.intensity,
        troops=params.troops[:, DPRK] * params.intensity,
        energy_supply=np.full(r, energy_2024),
        trade_expansion=np.ones(r),
        china_alignment=alignment,
        dialogue_effort=params.dialogue[:, CHINA] * (1.0 - alignment),
        dialogue_progress=np.zeros(r),
        us_buildup=buildup,
        provocation_rate=np.full(r, provocation_2024),
        provocations=np.zeros(r),
        clashes=np.zeros(r),
        reciprocity=np.zeros(r),
        leader_changed=np.zeros(r, dtype=bool),
    )
    return world, reference


def _tension_rest(tension: np.ndarray, defaults: Params, exercise: float, buildup: float,
                  provocation_rate: float) -> np.ndarray:
    """Resting tension: the level toward which tension decays once 2024 pressures stop.

    2024 tension is the steady state of 2024 pressures (exercises, the US posture, the
    provocation rate) under the default decay: rest = tension - pressure / decay.
    """
    pressure = np.zeros_like(tension)
    exercise_rate = float(defaults.exercise_tension[0]) * exercise
    for member in BLOC_IDX:
        pressure[member, PENINSULA_IDX] += exercise_rate
    for other in (DPRK, RUSSIA, CHINA):
        pressure[USA, other] += float(defaults.buildup_tension[0]) * buildup
    provocation = provocation_rate * 12.0 * float(defaults.provocation_size[0, DPRK])
    pressure[DPRK, PENINSULA_IDX] += provocation
    pressure = pressure + pressure.T
    decay = float(defaults.tension_decay[0])
    return np.maximum(0.0, tension - pressure / decay)

"""Calibration: the June 2024 world of a scenario, consistent with the declared defaults.

The declared defaults describe 2024 behaviour. Calibration makes June 2024 their steady state:
Richardson's grievance reproduces each actor's observed spending growth (from the data file),
tension's resting level makes 2024 tension the steady state of 2024 pressures, the DPRK's
2024 threat is what its provocation rate responds to, and pact cooperation is 1. A
scenario's departures from the defaults then act from month 1.
"""

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
from sim.model.mechanisms.escalation import dprk_threat, richardson_drive
from sim.model.params import Params
from sim.model.state import Reference, World
from sim.scenario.initial import InitialState


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
    cooperation_raw = float(
        np.min(
            defaults.commitment[0, BLOC_IDX]
            * np.minimum(1.0, initial.support / defaults.opposition_threshold[0, BLOC_IDX])
        )
    )
    energy_2024 = initial.energy_non_russian + float(defaults.energy_aid[0, RUSSIA])
    buildup = np.full(r, buildup_2024)

    drive = richardson_drive(defaults, spending, tension, tension, buildup, buildup_2024)
    observed_growth = initial.spending_growth * initial.spending
    calibrated = observed_growth + defaults.fatigue * spending - drive
    grievance = np.where(np.isnan(params.grievance), calibrated, params.grievance)

    reference = Reference(
        tension=initial.tension,
        tension_rest=_tension_rest(
            initial.tension, defaults, exercise_2024, buildup_2024, provocation_2024
        ),
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


def _tension_rest(
    tension: np.ndarray, defaults: Params, exercise: float, buildup: float, provocation_rate: float
) -> np.ndarray:
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

"""Calibration: the June 2024 world of a scenario, consistent with the declared defaults.

The declared defaults describe 2024 behaviour. Calibration makes June 2024 their steady state:
budgets follow their plans (parameters plan_growth, plan_years) and Richardson's reactions are
departures from them; tension's resting level makes 2024 tension the steady state of 2024
pressures; the dialogue track starts at the progress where 2024's effort and provocations
balance; the DPRK's 2024 threat and revenue are what its provocations and budget respond to.
A scenario's departures from the defaults then act from month 1.
"""

import numpy as np

from sim.actors import (
    BLOC_IDX,
    CHINA,
    DPRK,
    EU,
    N_ACTORS,
    PENINSULA_IDX,
    RIVAL_IDX,
    RUSSIA,
    SANCTIONER_IDX,
    USA,
)
from sim.model.mechanisms.escalation import dprk_threats
from sim.model.mechanisms.responses import talks_steady_state
from sim.model.params import Params
from sim.model.state import Reference, World
from sim.model.uncertainty import quantile
from sim.scenario.initial import InitialState
from sim.scenario.schema import UncertainSpec


def enacted_levels(growth: np.ndarray, normals: np.ndarray) -> np.ndarray:
    """(R, years, N): each replicate's enacted budget of calendar year 2025 + y as a multiple
    of 2024 spending. A year given with a range draws its growth from the triangular
    distribution over (low, stated, high) (`growth`, (years, N, 3)) at the quantile of its own
    standard normal (`normals`, (R, ENACTED_YEARS * N), year-major), as an `uncertain:`
    parameter draws (sim.model.uncertainty.quantile); a year without one takes the stated
    growth; the growths are compounded; NaN where no budget is given."""
    low, stated, high = growth[..., 0], growth[..., 1], growth[..., 2]
    drawn = np.broadcast_to(stated, (len(normals), *stated.shape)).copy()
    ranged = np.argwhere(high > low)
    if len(ranged):
        from scipy import special  # loaded on first use, as in sim.model.uncertainty

        q = special.ndtr(normals.reshape(len(normals), -1, N_ACTORS)[:, : growth.shape[0]])
        for y, j in ranged:
            spec = UncertainSpec(
                dist="triangular", low=low[y, j], high=high[y, j], mode=stated[y, j]
            )
            drawn[:, y, j] = quantile(spec, q[:, y, j])
    return np.cumprod(1.0 + drawn, axis=1)


def create_world(
    initial: InitialState,
    params: Params,
    draws: np.ndarray,
    budget_draws: np.ndarray,
    present: int | None = None,
    plans: bool = True,
) -> tuple[World, Reference]:
    """The June 2024 world for R replicates, and its reference and calibration.

    `draws` (R, 4) are each replicate's standard normals for the transfer multipliers
    (technology, munitions, troops deployed, troop losses: sim.model.randomness);
    `budget_draws` its standard normals for the enacted budgets' growths (enacted_levels);
    `present` is the scenario's last observed month (None: none); `plans` says whether
    budgets follow their plans.
    """
    r = params.fatigue.shape[0]
    defaults = Params.defaults(r)

    def per_replicate(vector: np.ndarray) -> np.ndarray:
        return np.broadcast_to(vector, (r, *vector.shape)).copy()

    spending = per_replicate(initial.spending)
    tension = per_replicate(initial.tension)
    bloc_trade = initial.trade[BLOC_IDX]
    bloc_ties = initial.ties[BLOC_IDX]
    sanctions = initial.sanctions[np.ix_(SANCTIONER_IDX, BLOC_IDX)]
    access = bloc_trade.sum(axis=1) + initial.trade_outside
    exercise_2024 = float(defaults.exercises[0, BLOC_IDX].mean())
    buildup_2024 = float(defaults.buildup[0, USA])
    provocation_2024 = float(defaults.provocation_rate[0, DPRK])
    cooperation_2024 = float(
        np.min(
            defaults.commitment[0, BLOC_IDX]
            * np.minimum(1.0, initial.support / defaults.opposition_threshold[0, BLOC_IDX])
        )
    )
    energy_2024 = initial.energy_non_russian + float(defaults.energy_aid[0, RUSSIA])
    gdp_trend = np.log1p(initial.gdp_growth)
    alignment_2024 = float(defaults.coalition_bias[0, CHINA])
    spread = np.stack(
        [
            params.transfer_uncertainty,
            params.transfer_uncertainty,
            params.troop_uncertainty,
            params.loss_uncertainty,
        ],
        axis=1,
    )
    transfer_draw = np.exp(spread * draws)
    revenue_2024 = (
        defaults.munitions_price[:, DPRK] * defaults.munitions[:, DPRK]
        + defaults.cyber_revenue[:, DPRK]
    )
    dialogue_2024 = _dialogue_steady_state(initial, defaults, alignment_2024, provocation_2024)
    engagement_2024 = float(defaults.talks_engagement[0, USA])
    talks_2024 = _talks_steady_state(initial, defaults, engagement_2024, provocation_2024)
    support_2024 = float(defaults.ukraine_support[0, EU])

    threat_2024 = np.empty(r)  # the DPRK's threat at June 2024, each replicate's
    dprk_threats(defaults.arrays(), spending, tension, initial.tension, threat_2024)

    reference = Reference(
        spending=initial.spending,
        tension=initial.tension,
        tension_rest=_tension_rest(
            initial, defaults, exercise_2024, buildup_2024, provocation_2024
        ),
        trade=bloc_trade,
        ties=bloc_ties,
        sanctions=sanctions,
        access=access,
        trade_outside=initial.trade_outside,
        coalition_trade=float(bloc_trade[:, SANCTIONER_IDX].sum()),
        coalition_ties=float(bloc_ties[:, SANCTIONER_IDX].sum()),
        dependence=access / initial.gdp[BLOC_IDX],
        support=initial.support,
        rival_tension=initial.tension[BLOC_IDX][:, RIVAL_IDX].mean(axis=1),
        gdp_trend=gdp_trend,
        tech=initial.tech,
        cyber=initial.cyber,
        clash_rates=initial.clash_rates,
        energy_need=initial.energy_need,
        energy_non_russian=initial.energy_non_russian,
        energy_shortfall=max(0.0, 1.0 - energy_2024 / initial.energy_need),
        exercise_intensity=exercise_2024,
        buildup=buildup_2024,
        provocation_rate=provocation_2024,
        dialogue_progress=dialogue_2024,
        cooperation=cooperation_2024,
        dprk_threat=threat_2024,
        dprk_revenue=revenue_2024,
        china_alignment=alignment_2024,
        china_engagement=float(defaults.engagement[0, CHINA]),
        us_engagement=engagement_2024,
        talks_progress=talks_2024,
        eu_support=support_2024,
        enacted_budgets=enacted_levels(initial.enacted_growth, budget_draws),
        present=-1.0 if present is None else float(present),
    )
    alignment = params.coalition_bias[:, CHINA].copy()
    plan_rate = np.where(
        np.isnan(params.plan_growth), gdp_trend, np.log1p(np.nan_to_num(params.plan_growth))
    )
    world = World(
        spending=spending,
        plan=spending.copy() if plans else np.zeros_like(spending),
        committed=np.zeros_like(spending),
        plan_base=np.ones_like(spending),
        spending_trend=plan_rate if plans else np.zeros_like(spending),
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
        trade_outside=per_replicate(initial.trade_outside),
        china_trade_shock=np.zeros((r, 2)),
        tension=tension,
        trade=per_replicate(bloc_trade),
        ties=per_replicate(bloc_ties),
        sanctions=per_replicate(sanctions),
        sanction_target=per_replicate(sanctions),
        war_intensity=params.intensity.copy(),
        cooperation=np.full(r, cooperation_2024),
        capacity=np.ones(r),
        exercise_intensity=np.full(r, exercise_2024),
        munitions=params.munitions[:, DPRK] * params.intensity,
        munitions_stock=params.munitions_stock[:, DPRK].copy(),
        troops=np.zeros(r),
        troop_deaths=np.zeros(r),
        dprk_revenue=revenue_2024.copy(),
        transfer_draw=transfer_draw,
        transfer_shock=np.zeros((r, 2)),
        energy_supply=np.full(r, energy_2024),
        trade_expansion=np.ones(r),
        china_alignment=alignment,
        china_engagement=params.engagement[:, CHINA].copy(),
        dialogue_effort=params.dialogue[:, CHINA] * (1.0 - alignment),
        dialogue_progress=np.full(r, dialogue_2024),
        us_buildup=np.full(r, buildup_2024),
        provocation_rate=np.full(r, provocation_2024),
        provocations=np.zeros(r),
        clashes=np.zeros(r),
        wars=np.zeros(r),
        reciprocity=np.zeros(r),
        leader_changed=np.zeros(r, dtype=bool),
        us_engagement=np.full(r, engagement_2024),
        talks_progress=np.full(r, talks_2024),
        russia_presence=np.ones(r),
        eu_support=np.full(r, support_2024),
        war_demand=np.ones(r),
        implementation=params.implementation_start.copy(),
    )
    return world, reference


def _dialogue_steady_state(
    initial: InitialState, defaults: Params, alignment: float, provocation_rate: float
) -> float:
    """The dialogue progress at which 2024's Chinese effort and 2024's provocations balance.

    Progress P grows at speed x effort x (1 - P) x (1 - peninsula tension) and each
    provocation removes a share `setback` of it (sim.model.mechanisms): with provocations at
    rate r a month, P* = A / (A + 12 r setback), A = speed x effort x (1 - tension).
    """
    effort = float(defaults.dialogue[0, CHINA]) * (1.0 - alignment)
    peninsula = float(initial.tension[DPRK, PENINSULA_IDX].mean())
    growth = float(defaults.dialogue_speed[0]) * effort * (1.0 - peninsula)
    setbacks = 12.0 * provocation_rate * float(defaults.dialogue_setback[0])
    return growth / (growth + setbacks) if growth + setbacks > 0 else 0.0


def _talks_steady_state(
    initial: InitialState, defaults: Params, engagement: float, provocation_rate: float
) -> float:
    """The US-DPRK talks progress at which 2024's US engagement, the DPRK's readiness at 2024
    cooperation (1 - pact_leverage), decay and 2024's provocations balance
    (sim.model.mechanisms.responses)."""
    willingness = max(0.0, 1.0 - float(defaults.pact_leverage[0]))
    return talks_steady_state(
        float(defaults.talks_speed[0]),
        engagement,
        willingness,
        float(initial.tension[DPRK, PENINSULA_IDX].mean()),
        float(defaults.talks_decay[0]),
        12.0 * provocation_rate * float(defaults.dialogue_setback[0]),
    )


def _tension_rest(
    initial: InitialState,
    defaults: Params,
    exercise: float,
    buildup: float,
    provocation_rate: float,
) -> np.ndarray:
    """Resting tension: the level toward which tension decays once 2024 pressures stop.

    2024 tension is the steady state of 2024 pressures (exercises, the US posture, US trade
    pressure on China, the provocation rate, the recorded rate of armed clashes) under the
    default decay: rest = tension - pressure / decay.
    """
    tension = initial.tension
    pressure = np.zeros_like(tension)
    clash_rates = float(defaults.clash_hazard[0]) * (
        initial.clash_rates + float(defaults.clash_floor[0])
    )
    for m, member in enumerate(BLOC_IDX):
        pressure[member, RIVAL_IDX] += float(defaults.clash_tension[0]) * clash_rates[m]
    exercise_rate = float(defaults.exercise_tension[0]) * exercise
    for member in BLOC_IDX:
        pressure[member, PENINSULA_IDX] += exercise_rate
    for other in (DPRK, RUSSIA, CHINA):
        pressure[USA, other] += float(defaults.buildup_tension[0]) * buildup
    pressure[USA, CHINA] += float(defaults.trade_tension[0] * defaults.trade_pressure[0, USA])
    provocation = provocation_rate * 12.0 * float(defaults.provocation_size[0, DPRK])
    pressure[DPRK, PENINSULA_IDX] += provocation
    pressure = pressure + pressure.T
    decay = float(defaults.tension_decay[0])
    return np.maximum(0.0, tension - pressure / decay)

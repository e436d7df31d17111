"""Escalation: arms build-up, joint exercises, provocations, US build-up, armed clashes."""

import numpy as np

from sim.actors import BLOC_IDX, CHINA, DPRK, PENINSULA_IDX, RIVAL_IDX, RUSSIA, USA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.kernels.tension import index_array, upper_triangle
from sim.model.mechanisms.budgets import arms_buildup_all, update_capability_all
from sim.model.params import Params
from sim.model.randomness import UNIFORM_SLICES, Month
from sim.model.state import Reference, Settings, Switches, World


def dprk_threat(
    params: Params,
    capability: np.ndarray,
    tension: np.ndarray,
    tension_2024: np.ndarray,
    kernels: bool = False,
) -> np.ndarray:
    """The DPRK's row of richardson_drive: the threat it perceives, (R,). `kernels` (a
    World's w.kernels) runs it compiled (sim.model.kernels), bit for bit."""
    if kernels:
        return kernel("dprk_threat")(
            *contiguous(params.tension_sensitivity, tension, tension_2024),
            *contiguous(params.reactivity, capability),
            DPRK,
        )
    factor = 1.0 + params.tension_sensitivity[:, None] * (tension[:, DPRK] - tension_2024[DPRK])
    k = params.reactivity[:, DPRK] * np.maximum(0.0, factor)
    return (k * capability).sum(axis=1)


def joint_exercises(w: World, p: Params) -> None:
    """Joint exercises, intelligence sharing and common defence strategies (L4).

    Intensity = the members' mean `exercises` x the pact's capacity relative to 2024. It
    raises the members' capability (update_capability) and the tension of both with South
    Korea, Japan and the US, who perceive the threat (L15, L17), by exercise_tension x
    intensity a year.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        w.exercise_intensity = np.empty(w.replicates)
        kernel("joint_exercises")(
            w.tension,
            w.exercise_intensity,
            *contiguous(p.exercises, w.capacity, p.exercise_tension),
            index_array(tuple(BLOC_IDX)),
            index_array(tuple(PENINSULA_IDX)),
            DT,
        )
        return
    w.exercise_intensity = np.clip(p.exercises[:, BLOC_IDX].mean(axis=1) * w.capacity, 0, 1)
    push = DT * p.exercise_tension * w.exercise_intensity
    for member in BLOC_IDX:
        add_tension(w, member, PENINSULA_IDX, push[:, None])


def provocations(w: World, p: Params, shocks: Month) -> None:
    """DPRK military provocations: Poisson events that spike tension (L15).

    L15 "military provocations leading grave repercussions". The monthly rate rises with the
    threat the DPRK perceives (its Richardson reaction term) over 2024 (L21 "threats against
    Kim Jong Un") and falls with dialogue progress (L19). Each event raises tension with
    ROK, Japan and the US by `provocation_size` times an exponential magnitude, and sets the
    dialogue back (dialogue_setback).
    """
    if w.kernels:  # _poisson's inversion and provoke's spike compiled (sim.model.kernels)
        rate = w.provocation_rate
        chance_none = np.exp(-rate)
        size = -np.log(1.0 - shocks.uniform("provocation_size")[:, 0])
        u = shocks.uniform("provocation_count")[:, 0]
        count = kernel("provocations")(
            w.tension,
            *contiguous(rate, chance_none, u, size, p.provocation_size),
            DPRK,
            index_array(tuple(PENINSULA_IDX)),
            30,  # _poisson's max_events
        )
        w.provocations = count
        w.dialogue_progress *= (1.0 - p.dialogue_setback) ** count  # provoke's setback
        return
    count = _poisson(w.provocation_rate, shocks.uniform("provocation_count")[:, 0])
    size = -np.log(1.0 - shocks.uniform("provocation_size")[:, 0])  # Exp(1) magnitude
    w.provocations = count
    provoke(w, p, count, size)


def provoke(w: World, p: Params, count: np.ndarray, size: np.ndarray) -> None:
    """The effect of `count` provocations of magnitude `size` (R,): tension of the DPRK with
    ROK, Japan and the US rises by count x size x provocation_size, and each sets the
    dialogue back by dialogue_setback (L15, L19). A scenario's forced provocation is one of
    magnitude 1."""
    spike = count * size * p.provocation_size[:, DPRK]
    add_tension(w, DPRK, PENINSULA_IDX, spike[:, None])
    w.dialogue_progress *= (1.0 - p.dialogue_setback) ** count


def dprk_provocation_rate(w: World, p: Params, ref: Reference) -> np.ndarray:
    """Expected provocations this month: the DPRK's policy (see NorthKorea.decide).

    The threat is measured against what its rivals' budget plans pose at 2024 tension (their
    2024 threat without plans): provocations answer departures, not the plans themselves.
    """
    if w.kernels:  # the same, dprk_threat included, compiled (sim.model.kernels)
        return kernel("provocation_rate")(
            *contiguous(w.capability, w.tension, ref.tension, p.tension_sensitivity),
            *contiguous(p.reactivity, w.plan, ref.dprk_threat, p.provocation_rate),
            *contiguous(p.threat_response, p.dialogue_effect, w.dialogue_progress),
            float(ref.dialogue_progress),
            DPRK,
        )
    threat = dprk_threat(p, w.capability, w.tension, ref.tension)
    planned = (p.reactivity[:, DPRK] * w.plan).sum(axis=1)
    expected = np.where(planned > 0, planned, ref.dprk_threat)
    ratio = np.divide(threat, expected, out=np.ones_like(threat), where=expected > 0)
    rate = p.provocation_rate[:, DPRK] * (1.0 + p.threat_response[:, DPRK] * (ratio - 1.0))
    progress = w.dialogue_progress - ref.dialogue_progress
    return np.maximum(0.0, rate * (1.0 - p.dialogue_effect * progress))


def us_force_buildup(w: World, p: Params) -> None:
    """US regional force build-up (L25): tension with the bloc and China.

    L25 "a build-up of military forces in the area"; L17 "it will come to the defense of its
    regional allies". The level is the US decision (UnitedStates.decide); here it raises US
    tension with the DPRK, Russia and China by buildup_tension x level a year. Its spending
    cost and the reassurance of allies (above their 2024 levels) act in arms_buildup.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels)
        us_buildup = w.us_buildup.reshape(-1, 1)
        others = index_array((DPRK, RUSSIA, CHINA))
        rate, level = contiguous(p.buildup_tension, us_buildup)
        kernel("push_tension")(w.tension, USA, others, rate, level, 0, DT)
        return
    push = DT * p.buildup_tension * w.us_buildup
    add_tension(w, USA, [DPRK, RUSSIA, CHINA], push[:, None])


def us_china_rivalry(w: World, p: Params) -> None:
    """US trade and technology pressure on China raises their tension (L13).

    L13: China and the US are "already in a sort of trade war". US-China tension rises by
    trade_tension x trade_pressure a year; 2024's pressure is in the resting level
    (calibration), so tariff escalation (April 2025) and truces (Geneva, May 2025; Busan,
    October 2025) move it as events set `usa.trade_pressure`.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels)
        rate, level = contiguous(p.trade_tension, p.trade_pressure)
        kernel("push_tension")(w.tension, USA, index_array((CHINA,)), rate, level, USA, DT)
        return
    push = DT * p.trade_tension * p.trade_pressure[:, USA]
    add_tension(w, USA, [CHINA], push[:, None])


def tension_dynamics(w: World, p: Params, ref: Reference, shocks: Month) -> None:
    """Tension relaxes toward its resting level, with noise; dialogue moves the peninsula's
    (L19, L29).

    d tension / dt = decay * (rest - tension) + tension_noise * dW, rest calibrated so 2024
    tension is the steady state of 2024 pressures (sim.model.calibration). Dialogue progress
    P above its 2024 level lowers the resting tension of the DPRK with ROK, Japan and the US
    by a share dialogue_effect * (P - P_2024) (and raises it when talks fall back).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        upper = upper_triangle(w.tension.shape[1])
        kernel("tension_dynamics")(
            w.tension,
            *contiguous(ref.tension_rest, p.tension_decay, p.dialogue_effect, w.dialogue_progress),
            float(ref.dialogue_progress),
            *contiguous(p.tension_noise),
            shocks.normal("tension"),  # a strided view of the month's block, read in place
            *upper,
            DPRK,
            index_array(tuple(PENINSULA_IDX)),
            DT,
            float(np.sqrt(DT)),
        )
        return
    rate = DT * p.tension_decay
    progress = w.dialogue_progress - ref.dialogue_progress
    w.tension += rate[:, None, None] * (ref.tension_rest - w.tension)
    relief = (rate * p.dialogue_effect * progress)[:, None]
    peninsula = w.tension[:, DPRK, PENINSULA_IDX] - relief * ref.tension_rest[DPRK, PENINSULA_IDX]
    w.tension[:, DPRK, PENINSULA_IDX] = peninsula
    w.tension[:, PENINSULA_IDX, DPRK] = peninsula
    noise = (p.tension_noise * np.sqrt(DT))[:, None] * shocks.normal("tension")
    upper = np.triu_indices(w.tension.shape[1], k=1)
    w.tension[:, upper[0], upper[1]] += noise
    w.tension[:, upper[1], upper[0]] += noise
    np.clip(w.tension, 0.0, 1.0, out=w.tension)


def armed_clashes(w: World, p: Params, ref: Reference, shocks: Month, race_growth: float) -> None:
    """Armed clashes between a pact member and a rival; some escalate to war, and a war
    calls the reciprocity clause (L4, L15).

    A dyad's clash rate is its recorded rate of fatal militarised incidents at 2024 tension
    (data file clash_rates, plus clash_floor) x clash_hazard x exp(clash_slope x (tension -
    2024 tension)): calibrated to the published record of the same quantity, rising with
    hostility. A clash adds clash_tension to the dyad. It escalates to war with chance
    escalation_race when both rivals' spending grew at least race_growth over the past year
    (an arms race under way: Diehl 1983 found 25 % of such disputes became wars), else
    escalation_base. A war sets the dyad's tension to 1 and the partner joins with
    probability equal to its effective commitment (L4 "reciprocity if there is an armed
    conflict"; treaty article 4, armed attack), setting its own tension with the rival to 1.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), transcendentals in numpy
        bloc, rivals = index_array(tuple(BLOC_IDX)), index_array(tuple(RIVAL_IDX))
        tension_2024, slope = contiguous(ref.tension, p.clash_slope)
        exponent = kernel("clash_exponent")(w.tension, tension_2024, slope, bloc, rivals)
        rate_dt = kernel("clash_rate_dt")(
            np.exp(exponent), *contiguous(p.clash_hazard, ref.clash_rates, p.clash_floor), DT
        )
        no_clash = np.expm1(rate_dt).reshape(w.replicates, -1)
        kernel("clash_outcomes")(
            w.tension,
            no_clash,
            *contiguous(shocks.uniforms),  # one copy of the month's draws, then their slots
            UNIFORM_SLICES["clash"].start,
            UNIFORM_SLICES["escalation"].start,
            UNIFORM_SLICES["reciprocity"].start,
            *contiguous(w.spending_trend),
            float(np.log1p(race_growth)),
            *contiguous(p.escalation_race, p.escalation_base, w.commitment, p.clash_tension),
            w.clashes,
            w.wars,
            w.reciprocity,
            bloc,
            rivals,
        )
        return
    dyads = w.tension[:, BLOC_IDX][:, :, RIVAL_IDX]
    dyads_2024 = ref.tension[BLOC_IDX][:, RIVAL_IDX]
    base = p.clash_hazard[:, None, None] * (ref.clash_rates + p.clash_floor[:, None, None])
    rate = base * np.exp(p.clash_slope[:, None, None] * (dyads - dyads_2024))
    n = len(RIVAL_IDX)
    clash = shocks.uniform("clash").reshape(-1, 2, n) < -np.expm1(-rate * DT)
    apply_clashes(w, p, clash, escalates(w, p, shocks, race_growth), partners_join(w, shocks))


def escalates(w: World, p: Params, shocks: Month, race_growth: float) -> np.ndarray:
    """Whether a clash in each dyad this month would escalate to war, (R, 2, n_rivals)."""
    racing_at = np.log1p(race_growth)
    racing = w.spending_trend >= racing_at
    both = racing[:, BLOC_IDX][:, :, None] & racing[:, RIVAL_IDX][:, None, :]
    chance = np.where(both, p.escalation_race[:, None, None], p.escalation_base[:, None, None])
    return shocks.uniform("escalation").reshape(both.shape) < chance


def partners_join(w: World, shocks: Month) -> np.ndarray:
    """Whether the partner of each member would join a war with each rival this month,
    (R, 2, n_rivals): with probability equal to its effective commitment (L4)."""
    u = shocks.uniform("reciprocity").reshape(-1, len(BLOC_IDX), len(RIVAL_IDX))
    return u < w.commitment[:, ::-1, None]


def apply_clashes(
    w: World, p: Params, clash: np.ndarray, escalate: np.ndarray, joins: np.ndarray
) -> None:
    """Record clashes (R, 2, n_rivals), the wars they become and the partners' response."""
    if not clash.any():
        return
    war = clash & escalate
    joined = war & joins
    w.clashes += clash.sum(axis=(1, 2))
    w.wars += war.sum(axis=(1, 2))
    w.reciprocity += joined.sum(axis=(1, 2))
    if w.kernels:  # the same updates in the same order, compiled (sim.model.kernels)
        kernel("apply_clash_tension")(
            w.tension,
            *contiguous(p.clash_tension, clash, war, joined),
            *contiguous(np.asarray(BLOC_IDX), np.asarray(RIVAL_IDX)),
        )
        return
    for m, member in enumerate(BLOC_IDX):
        partner = BLOC_IDX[1 - m]
        for k, rival in enumerate(RIVAL_IDX):
            add_tension(w, member, [rival], (p.clash_tension * clash[:, m, k])[:, None])
            _raise_to_one(w, member, rival, war[:, m, k])
            _raise_to_one(w, partner, rival, joined[:, m, k])


def _raise_to_one(w: World, a: int, b: int, where: np.ndarray) -> None:
    w.tension[where, a, b] = 1.0
    w.tension[where, b, a] = 1.0


def add_tension(w: World, actor: int, others: list[int], amount: np.ndarray) -> None:
    """Add `amount` (broadcast to (R, len(others))) to a symmetric tension, kept in [0, 1]."""
    if w.kernels:  # the same, compiled (sim.model.kernels); amount broadcast in the kernel
        amount = np.asarray(amount, dtype=np.float64)
        np.broadcast_shapes(amount.shape, (w.replicates, len(others)))  # numpy's error if not
        amount = amount.reshape((1,) * (2 - amount.ndim) + amount.shape)
        kernel("add_tension")(w.tension, actor, index_array(tuple(others)), *contiguous(amount))
        return
    value = np.clip(w.tension[:, actor, others] + amount, 0.0, 1.0)
    w.tension[:, actor, others] = value
    w.tension[:, others, actor] = value


def _poisson(rate: np.ndarray, u: np.ndarray, max_events: int = 30) -> np.ndarray:
    """Poisson(rate) counts by inversion of one uniform each (one shock slot per month)."""
    term = np.exp(-rate)
    cumulative = term.copy()
    count = np.zeros_like(rate)
    for k in range(1, max_events + 1):
        below = u >= cumulative
        if not below.any():
            break
        count += below
        term = term * rate / k
        cumulative = cumulative + term
    return count


def escalate(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The month's escalation steps in order, each when its mechanism is on."""
    if on.joint_exercises:
        joint_exercises(w, p)
    update_capability_all(w.arrays(), p.arrays(), ref.arrays())
    if on.provocations:
        provocations(w, p, s)
    if on.us_force_buildup:
        us_force_buildup(w, p)
    if on.us_china_rivalry:
        us_china_rivalry(w, p)
    if on.arms_buildup:
        arms_buildup_all(
            w.arrays(), p.arrays(), ref.arrays(), s, month, settings.substeps, on.budget_plans
        )
    if on.tension_dynamics:
        tension_dynamics(w, p, ref, s)
    if on.armed_clashes:
        armed_clashes(w, p, ref, s, settings.race_growth)

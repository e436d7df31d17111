"""Escalation: arms build-up, joint exercises, provocations, US build-up, armed clashes."""

import numpy as np

from sim.actors import BLOC_IDX, CHINA, DPRK, JAPAN, PENINSULA_IDX, RIVAL_IDX, ROK, RUSSIA, USA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.kernels.tension import index_array, upper_triangle
from sim.model.params import Params
from sim.model.randomness import UNIFORM_SLICES, Month
from sim.model.state import Reference, Settings, Switches, World


def richardson_drive(
    params: Params,
    capability: np.ndarray,
    tension: np.ndarray,
    tension_2024: np.ndarray,
    buildup: np.ndarray,
    buildup_2024: float,
) -> np.ndarray:
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


def update_capability(w: World, p: Params, ref: Reference) -> None:
    """Capability = spending x technology x joint-exercise and cyber gains, all 1 in 2024.

    L5, L10: technology and cyber gains raise the DPRK's and Russia's effective military
    effort; L4: joint exercises and intelligence sharing raise both members'. Measured in
    June-2024-equivalent US$, the unit Richardson's reaction term needs.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), bit for bit
        w.capability = np.empty_like(w.spending)
        kernel("update_capability")(
            w.capability_factor,
            *contiguous(w.tech, ref.tech, w.cyber, ref.cyber, p.cyber_weight, p.exercise_boost),
            *contiguous(w.exercise_intensity),
            float(ref.exercise_intensity),
            np.array(BLOC_IDX),
            *contiguous(w.spending),
            w.capability,
        )
        return
    exercise_gain = (1.0 + p.exercise_boost * w.exercise_intensity) / (
        1.0 + p.exercise_boost * ref.exercise_intensity
    )
    cyber_gain = 1.0 + p.cyber_weight[:, None] * (w.cyber - ref.cyber)
    w.capability_factor[:, BLOC_IDX] = (w.tech / ref.tech) * cyber_gain * exercise_gain[:, None]
    w.capability = w.spending * w.capability_factor


def budget_plan(w: World, p: Params, ref: Reference) -> np.ndarray:
    """Each budget's planned path in constant 2024 US$, (R, N), at the end of this month.

    P_i(t) = P_i(2024) x exp(plan_i x min(t, Y_i) + trend_i x max(0, t - Y_i)): planned real
    growth (plan_growth, its log) for plan_years Y_i, then the economy's trend growth (the
    budget keeps its share of GDP); a null plan_growth keeps the 2024 burden throughout.
    Japan's FY2023-27 programme, South Korea's mid-term plan, China's announced growth,
    NATO's 2025 target for the EU's members, Russia's 2025 budget (parameters' bases).
    """
    years = w.month * DT
    trend = np.broadcast_to(ref.gdp_trend, w.spending.shape)
    planned = np.where(np.isnan(p.plan_growth), trend, np.log1p(np.nan_to_num(p.plan_growth)))
    within = np.minimum(years, p.plan_years)
    return ref.spending * np.exp(planned * within + trend * (years - within))


def budget_levels(w: World, p: Params, ref: Reference) -> np.ndarray:
    """Level changes of budgets from their 2024 course, US$ bn/yr, (R, N).

    The US build-up above its 2024 level costs buildup_cost per unit (L17, L25); the war in
    Ukraine demands war_share of Russia's planned budget per unit of intensity (times the war
    demand from Western support, L18) above 2024 (L6, L8); the DPRK's military gets
    revenue_to_military of its revenue change from munitions sales and cyber theft (L5, L8,
    L10). South Korea and Japan answer Russia's regional presence above 2024 with
    presence_threat of their planned budget per unit (L6).
    """
    target = np.zeros_like(w.spending)
    target[:, USA] = p.buildup_cost[:, USA] * (w.us_buildup - ref.buildup)
    war = w.war_intensity * w.war_demand - 1.0
    target[:, RUSSIA] = p.war_share[:, RUSSIA] * w.plan[:, RUSSIA] * war
    target[:, DPRK] = p.revenue_to_military[:, DPRK] * (w.dprk_revenue - ref.dprk_revenue)
    presence = (w.russia_presence - 1.0)[:, None]
    target[:, [ROK, JAPAN]] = (
        p.presence_threat[:, [ROK, JAPAN]] * w.plan[:, [ROK, JAPAN]] * presence
    )
    return target


def arms_buildup(
    w: World, p: Params, ref: Reference, shocks: Month, substeps: int = 1, plans: bool = True
) -> None:
    """Budgets follow their plans; Richardson's action-reaction moves them off it (L15).

    Spending x_i = plan P_i(t) + levels L_i + departure d_i. The departure follows
    Richardson: dd_i/dt = sum_j k_ij(t) C_j - sum_j k_ij P_j(t) - a_i d_i + g_i, the reaction
    to rivals' capability beyond what their plans posed at 2024 tension, with fatigue a_i
    and a standing grievance g_i (0 by default). L15: the DPRK's improved capabilities
    threaten South Korea and Japan, "possibly spiraling into a regional arm race".
    Richardson (1960), Arms and Insecurity; Euler form, stable for the symmetric dyad only if
    dt < 2 / (a + sqrt(k*l)); `substeps` steps a month converge to the continuous path. With
    `plans` off (mechanism budget_plans), P = 0 and x follows Richardson's equation alone.
    Levels (budget_levels) move toward their targets at budget_adjustment. Budget shocks are
    relative (spending_noise), once a month, so zero spending stays zero.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        plan = w.plan  # budget_plan: its exponent in kernels, log1p and exp in numpy
        if plans:
            plan_growth, plan_years, trend = contiguous(p.plan_growth, p.plan_years, ref.gdp_trend)
            growth = np.empty(plan_growth.shape)
            kernel("plan_nan_to_num")(plan_growth, growth)
            np.log1p(growth, out=growth)
            kernel("plan_exponent")(plan_growth, growth, plan_years, trend, w.month * DT)
            np.exp(growth, out=growth)
            plan = np.empty_like(w.spending)
        else:
            growth = plan
        spending, capability, ratio = (np.empty_like(w.spending) for _ in range(3))
        kernel("arms_buildup")(
            *contiguous(w.spending, w.plan),
            plan,
            growth,
            *contiguous(ref.spending),
            bool(plans),
            w.committed,
            *contiguous(p.budget_adjustment, p.buildup_cost, p.war_share),
            *contiguous(p.revenue_to_military, p.presence_threat, w.war_intensity),
            *contiguous(w.war_demand, w.dprk_revenue, ref.dprk_revenue, w.russia_presence),
            *contiguous(w.capability_factor, w.tension, ref.tension, p.tension_sensitivity),
            *contiguous(p.reactivity, p.reassurance, w.us_buildup),
            float(ref.buildup),
            *contiguous(p.fatigue, p.grievance, p.spending_noise),
            shocks.normal("spending"),  # a strided view of the month's block, read in place
            DT,
            float(np.sqrt(DT)),
            int(substeps),
            np.array([DPRK, RUSSIA, USA, ROK, JAPAN]),
            spending,
            capability,
            ratio,
        )
        w.plan, w.spending, w.capability = plan, spending, capability
        _update_trend(w, None, ratio)
        return
    departure = w.spending - w.plan - w.committed
    if plans:
        w.plan = budget_plan(w, p, ref)
        planned_threat = (p.reactivity * w.plan[:, None, :]).sum(axis=2)
    else:
        planned_threat = 0.0
    w.committed += (DT * p.budget_adjustment)[:, None] * (budget_levels(w, p, ref) - w.committed)
    before = w.spending.copy()
    dt = DT / substeps
    for _ in range(substeps):
        spending = w.plan + w.committed + departure
        capability = spending * w.capability_factor
        drive = richardson_drive(p, capability, w.tension, ref.tension, w.us_buildup, ref.buildup)
        departure += dt * (drive - planned_threat - p.fatigue * departure + p.grievance)
    spending = w.plan + w.committed + departure
    w.spending = spending + spending * p.spending_noise * np.sqrt(DT) * shocks.normal("spending")
    w.capability = w.spending * w.capability_factor
    _update_trend(w, before)


def _update_trend(w: World, before: np.ndarray | None, ratio: np.ndarray | None = None) -> None:
    """Real spending growth over about the past year: an exponential average (time constant
    one year) of the monthly log growth, in log per year.

    `ratio`, spending / before where both are positive and 1 elsewhere, is what arms_buildup's
    kernel computed (then `before` is None); it is overwritten."""
    if ratio is not None:  # the log in numpy, the average compiled (sim.model.kernels)
        np.log(ratio, out=ratio)
        kernel("spending_trend")(w.spending_trend, ratio, DT)
        return
    both = (before > 0) & (w.spending > 0)
    monthly = np.log(np.divide(w.spending, before, out=np.ones_like(before), where=both))
    w.spending_trend += DT * (monthly / DT - w.spending_trend)


def budget_ceiling(w: World, p: Params) -> None:
    """Spending stays between 0 and max_burden x GDP: no state outspends its economy.

    Richardson's linear model has no ceiling; real budgets do (SIPRI burdens in the data file;
    WMEAT puts the DPRK at 15 % of GDP or more). Both are in constant 2024 US$. Applied last
    in the month, against the month's GDP.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), bit for bit
        w.capability = np.empty_like(w.spending)
        kernel("budget_ceiling")(
            w.spending, *contiguous(p.max_burden, w.gdp, w.capability_factor), w.capability
        )
        return
    np.clip(w.spending, 0.0, p.max_burden * w.gdp, out=w.spending)
    w.capability = w.spending * w.capability_factor


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
    update_capability(w, p, ref)
    if on.provocations:
        provocations(w, p, s)
    if on.us_force_buildup:
        us_force_buildup(w, p)
    if on.us_china_rivalry:
        us_china_rivalry(w, p)
    if on.arms_buildup:
        arms_buildup(w, p, ref, s, settings.substeps, on.budget_plans)
    if on.tension_dynamics:
        tension_dynamics(w, p, ref, s)
    if on.armed_clashes:
        armed_clashes(w, p, ref, s, settings.race_growth)

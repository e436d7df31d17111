"""Budgets: plans, Richardson's action-reaction, level changes, capability, the ceiling.

Rules of one replicate `r` (sim.model.mechanisms.compiled): `w` the World's arrays, `p` the
parameters', `ref` June 2024's, `s` the month's shocks. Sums over actors run left to right
from 0.0, as numpy's along a short row; clipping keeps NaN, as numpy's."""

from typing import NamedTuple

import numpy as np

from sim.actors import BLOC_IDX, DPRK, JAPAN, N_ACTORS, ROK, RUSSIA, USA
from sim.calendar import DT, START
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.maths import exp, expm1, log, log1p
from sim.model.randomness import SPENDING_SHOCKS

SQRT_DT = float(np.sqrt(DT))
MONTHS_BEFORE_START = START.month - 1  # month t is in calendar year START.year + (this + t) // 12
LARGEST = float(np.finfo(np.float64).max)
MEMBERS = tuple(BLOC_IDX)  # the pact members' actor indices, in BLOC order (a constant)


@rule
def richardson_drive(r, w, p, ref, k):
    """Richardson's reaction coefficients k_ij(t), written into k[i, j] (N, N), so that the
    reaction term is the sum over rivals of k_ij(t) * C_j (arms_buildup sums it against
    capability in each sub-step; the coefficients are computed once a month).

    k_ij(t) = k_ij * (1 + s * (tension_ij - tension_ij(2024))) (threat = hostility x
    capability, Dunne, Perlo-Freeman & Smith 2008), and a US build-up above its 2024 level
    replaces part of ROK's and Japan's reaction to the DPRK (reassurance, L17). The part of
    the build-up that answers Russia's regional presence (presence_pull, us_buildup_decide)
    relieves nothing: forces sent against Russia do not stand in for the allies' answer to
    the DPRK (issue 17, docs/scenario_stories.md story 3).
    """
    against_russia = p.presence_pull[r, USA] * (w.russia_presence[r] - 1.0)
    against_russia = 0.0 if against_russia < 0.0 else against_russia
    above = w.us_buildup[r] - against_russia - ref.buildup
    for i in range(N_ACTORS):
        relief = 1.0 - p.reassurance[r, i] * above
        relief = 0.0 if relief < 0.0 else relief  # np.maximum(0, x), NaN kept
        for j in range(N_ACTORS):
            factor = (w.tension[r, i, j] - ref.tension[i, j]) * p.tension_sensitivity[r]
            factor = factor + 1.0
            factor = 0.0 if factor < 0.0 else factor
            k[i, j] = factor * p.reactivity[r, i, j]
        k[i, DPRK] = k[i, DPRK] * relief


@rule
def update_capability(r, w, p, ref):
    """Capability = spending x technology x joint-exercise and cyber gains, all 1 in 2024.

    L5, L10: technology and cyber gains raise the DPRK's and Russia's effective military
    effort; L4: joint exercises and intelligence sharing raise the DPRK's. Russia's force,
    mostly committed in Ukraine, is not scaled by exercises with the DPRK: no source sizes
    such a gain, and applying exercise_boost to its whole force made fewer exercises read as
    a smaller Russia to the EU (issue 17, docs/scenario_stories.md). Measured in
    June-2024-equivalent US$, the unit Richardson's reaction term needs.
    """
    exercise_gain = (1.0 + p.exercise_boost[r] * w.exercise_intensity[r]) / (
        1.0 + p.exercise_boost[r] * ref.exercise_intensity
    )
    for m in range(len(MEMBERS)):
        member = MEMBERS[m]
        cyber_gain = 1.0 + p.cyber_weight[r] * (w.cyber[r, m] - ref.cyber[m])
        factor = (w.tech[r, m] / ref.tech[m]) * cyber_gain
        w.capability_factor[r, member] = factor * exercise_gain if member == DPRK else factor
    for j in range(N_ACTORS):
        w.capability[r, j] = w.spending[r, j] * w.capability_factor[r, j]


@rule
def budget_plan(r, w, p, ref, month):
    """Each budget's planned path in constant 2024 US$ at the end of month `month`, written
    into w.plan[r].

    P_i(t) = P_i(2024) x exp(plan_i x min(t, Y_i) + trend_i x s + (plan_i - trend_i) x tau_i x
    (1 - exp(-s / tau_i))), s = max(0, t - Y_i): planned real growth (plan_growth, its log) for
    plan_years Y_i, then growth fading to the economy's trend with time constant plan_taper
    tau_i (incremental budgets, Davis, Dempster & Wildavsky 1966: no cliff at a plan's end;
    tau 0 switches at once; a plan of 0 years has none to fade); a null plan_growth keeps the
    2024 burden throughout.
    Japan's FY2023-27 programme, South Korea's mid-term plan, China's announced growth,
    NATO's 2025 target for the EU's members, Russia's 2025 budget (parameters' bases).
    Enacted budgets are data (`enacted_budgets:`, history), each replicate's drawn within the
    sources' range (calibration.enacted_levels): in a calendar year with one the plan is that
    budget, and after it the path grows on from it (w.plan_base re-bases the
    course: this year's budget is next year's base, Davis, Dempster & Wildavsky 1966), so
    history's budgets (L15's build-up as it happened) carry on without a jump or a cliff.
    Reactions and level changes (arms_buildup) move spending around the plan, enacted or not:
    a what-if's levers act on top of what was decided.
    """
    years = month * DT
    year = (MONTHS_BEFORE_START + month) // 12 - 1  # the month's calendar year - 2025
    enacted_years = ref.enacted_budgets.shape[1]
    for j in range(N_ACTORS):
        growth = p.plan_growth[r, j]
        trend = ref.gdp_trend[j]
        if growth != growth:  # NaN: the plan keeps the 2024 burden
            planned = trend
        else:  # np.log1p(np.nan_to_num(growth))
            growth = LARGEST if growth == np.inf else growth
            growth = -LARGEST if growth == -np.inf else growth
            planned = log1p(growth)
        y = p.plan_years[r, j]
        within = years if years < y else y  # np.minimum(years, y), NaN kept
        after = years - within
        log_path = planned * within + trend * after
        tau = p.plan_taper[r, j]
        if tau > 0.0 and after > 0.0 and y > 0.0:  # a plan of no years has nothing to fade
            log_path = log_path - (planned - trend) * tau * expm1(-after / tau)
        course = ref.spending[j] * exp(log_path)
        enacted = ref.enacted_budgets[r, year, j] if 0 <= year < enacted_years else np.nan
        if enacted == enacted and course > 0.0:  # the year's enacted budget: the new base
            w.plan_base[r, j] = enacted * ref.spending[j] / course
        w.plan[r, j] = course * w.plan_base[r, j]


@rule
def budget_levels(r, w, p, ref, target):
    """Level changes of budgets from their 2024 course, US$ bn/yr, written into target (N,).

    The US build-up above its 2024 level costs buildup_cost per unit (L17, L25); the war in
    Ukraine demands war_share of Russia's planned budget per unit of intensity (times the war
    demand from Western support, L18) above 2024 (L6, L8); the DPRK's military gets
    revenue_to_military of its revenue change from munitions sales and cyber theft (L5, L8,
    L10). South Korea and Japan answer Russia's regional presence above 2024 with
    presence_threat of their planned budget per unit (L6).
    """
    for j in range(N_ACTORS):
        target[j] = 0.0
    target[USA] = p.buildup_cost[r, USA] * (w.us_buildup[r] - ref.buildup)
    war = w.war_intensity[r] * w.war_demand[r] - 1.0
    target[RUSSIA] = p.war_share[r, RUSSIA] * w.plan[r, RUSSIA] * war
    target[DPRK] = p.revenue_to_military[r, DPRK] * (w.dprk_revenue[r] - ref.dprk_revenue[r])
    presence = w.russia_presence[r] - 1.0
    target[ROK] = p.presence_threat[r, ROK] * w.plan[r, ROK] * presence
    target[JAPAN] = p.presence_threat[r, JAPAN] * w.plan[r, JAPAN] * presence


class Scratch(NamedTuple):
    """Working arrays of arms_buildup for one replicate at a time (the compiled rules
    allocate nothing; see compiled.rule)."""

    before: np.ndarray  # (N,) last month's spending
    departure: np.ndarray  # (N,) spending's departure from plan and levels
    planned_threat: np.ndarray  # (N,) the threat the rivals' plans pose at 2024 tension
    target: np.ndarray  # (N,) budget levels' targets
    k: np.ndarray  # (N, N) Richardson's coefficients this month
    capability: np.ndarray  # (N,) capability in a sub-step


def scratch() -> Scratch:
    """Fresh working arrays for a model's months."""
    return Scratch(
        *(np.zeros(N_ACTORS) for _ in range(4)), np.zeros((N_ACTORS, N_ACTORS)), np.zeros(N_ACTORS)
    )


@rule
def arms_buildup(r, w, p, ref, s, month, substeps, plans, work):
    """Budgets follow their plans; Richardson's action-reaction moves them off it (L15).

    Spending x_i = plan P_i(t) + levels L_i + departure d_i. The departure follows
    Richardson: dd_i/dt = sum_j k_ij(t) C_j - sum_j k_ij P_j(t) - a_i d_i + g_i, the reaction
    to rivals' capability beyond what their plans posed at 2024 tension, with fatigue a_i
    and a standing grievance g_i (0 by default). South Korea and Japan read Russia's
    capability net of its war level above 2024 (budget_levels' war term): the war is fought
    in Ukraine, not the Pacific, so a ceasefire or an escalation there does not move their
    threat (issue 17; Walt 1987's balance of threat weighs proximity); the US and the EU read
    the whole. L15: the DPRK's improved capabilities
    threaten South Korea and Japan, "possibly spiraling into a regional arm race".
    Richardson (1960), Arms and Insecurity; Euler form, stable for the symmetric dyad only if
    dt < 2 / (a + sqrt(k*l)); `substeps` steps a month converge to the continuous path. With
    `plans` off (mechanism budget_plans), P = 0 and x follows Richardson's equation alone.
    Levels (budget_levels) move toward their targets at budget_adjustment. Budget shocks are
    relative (spending_noise), once a month, so zero spending stays zero. `work` is a
    Scratch.
    """
    before, departure, planned_threat = work.before, work.departure, work.planned_threat
    for j in range(N_ACTORS):
        before[j] = w.spending[r, j]
        departure[j] = w.spending[r, j] - w.plan[r, j] - w.committed[r, j]
    for j in range(N_ACTORS):
        planned_threat[j] = 0.0
    if plans:
        budget_plan(r, w, p, ref, month)
        for i in range(N_ACTORS):
            total = 0.0
            for j in range(N_ACTORS):
                total = total + p.reactivity[r, i, j] * w.plan[r, j]
            planned_threat[i] = total
    target = work.target
    budget_levels(r, w, p, ref, target)
    rate = DT * p.budget_adjustment[r]
    for j in range(N_ACTORS):
        w.committed[r, j] = w.committed[r, j] + rate * (target[j] - w.committed[r, j])
    k, capability = work.k, work.capability
    richardson_drive(r, w, p, ref, k)
    dt = DT / substeps
    for _ in range(substeps):
        for j in range(N_ACTORS):
            spending = w.plan[r, j] + w.committed[r, j] + departure[j]
            capability[j] = spending * w.capability_factor[r, j]
        war = w.committed[r, RUSSIA] * w.capability_factor[r, RUSSIA]
        for i in range(N_ACTORS):
            drive = 0.0
            for j in range(N_ACTORS):
                drive = drive + k[i, j] * capability[j]
            if i in (ROK, JAPAN):  # Russia's war level is not a Pacific threat
                drive = drive - k[i, RUSSIA] * war
            change = drive - planned_threat[i] - p.fatigue[r, i] * departure[i]
            departure[i] = departure[i] + dt * (change + p.grievance[r, i])
    for j in range(N_ACTORS):
        x = w.plan[r, j] + w.committed[r, j] + departure[j]
        x = x + x * p.spending_noise[r, j] * SQRT_DT * s.normals[r, SPENDING_SHOCKS + j]
        w.spending[r, j] = x
        w.capability[r, j] = x * w.capability_factor[r, j]
    _update_trend(r, w, before)


@rule
def _update_trend(r, w, before):
    """Real spending growth over about the past year: an exponential average (time constant
    one year) of the monthly log growth, in log per year; no growth where last month's or
    this month's spending (`before`, (N,), and w.spending[r]) is not positive."""
    for j in range(N_ACTORS):
        x, last = w.spending[r, j], before[j]
        monthly = log(x / last if (last > 0.0) and (x > 0.0) else 1.0)
        trend = w.spending_trend[r, j]
        w.spending_trend[r, j] = trend + DT * (monthly / DT - trend)


@rule
def budget_ceiling(r, w, p):
    """Spending stays between 0 and max_burden x GDP: no state outspends its economy.

    Richardson's linear model has no ceiling; real budgets do (SIPRI burdens in the data file;
    WMEAT puts the DPRK at 15 % of GDP or more). Both are in constant 2024 US$. Applied last
    in the month, against the month's GDP.
    """
    for j in range(N_ACTORS):
        value = w.spending[r, j]
        ceiling = p.max_burden[r, j] * w.gdp[r, j]
        # np.clip: max then min, each keeping a NaN first operand (-0.0 becomes 0.0)
        value = value if (value != value) or (value > 0.0) else 0.0
        value = value if (value != value) or (value < ceiling) else ceiling
        w.spending[r, j] = value
        w.capability[r, j] = value * w.capability_factor[r, j]

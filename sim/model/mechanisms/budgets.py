"""Budgets: plans, Richardson's action-reaction, level changes, capability, the ceiling."""

import numpy as np

from sim.actors import BLOC_IDX, DPRK, JAPAN, ROK, RUSSIA, USA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, World


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

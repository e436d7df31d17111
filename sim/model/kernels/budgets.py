"""Kernels of the budget side of escalation (sim.model.mechanisms.escalation): capability,
arms_buildup (budget plan, levels, Richardson's sub-steps, the spending shock, the growth
trend), the budget ceiling and the DPRK's perceived threat.

The transcendentals stay in numpy between kernels: arms_buildup runs plan_nan_to_num, log1p,
plan_exponent, np.exp, arms_buildup, np.log of the growth ratio, then spending_trend.
Loops over actors run to N_ACTORS, a compile-time constant, so that numba unrolls them (the
kernels check the arrays' width); sums along a row of N_ACTORS < 8 go left to right, as
numpy's do; elementwise work on (R, N) arrays runs in flat loops, which vectorise."""

import numpy as np

from sim.actors import N_ACTORS

LARGEST = float(np.finfo(np.float64).max)
WIDTH = "budget kernels: arrays must have N_ACTORS columns (numba caches it: clear __pycache__)"


def _update_capability(
    capability_factor: np.ndarray,  # (R, N), the members' entries updated in place
    tech: np.ndarray,  # (R, 2)
    tech_2024: np.ndarray,  # (2,)
    cyber: np.ndarray,  # (R, 2)
    cyber_2024: np.ndarray,  # (2,)
    cyber_weight: np.ndarray,  # (R,)
    exercise_boost: np.ndarray,  # (R,)
    exercise: np.ndarray,  # (R,)
    exercise_2024: float,
    bloc: np.ndarray,  # (2,) actor indices
    spending: np.ndarray,  # (R, N)
    capability: np.ndarray,  # (R, N), written
) -> None:
    """update_capability: the members' capability factors, then capability = spending x
    factor."""
    n_rep, n = spending.shape[0], N_ACTORS
    if spending.shape[1] != n:
        raise ValueError(WIDTH)
    for r in range(n_rep):
        exercise_gain = (1.0 + exercise_boost[r] * exercise[r]) / (
            1.0 + exercise_boost[r] * exercise_2024
        )
        for m in range(bloc.shape[0]):
            cyber_gain = 1.0 + cyber_weight[r] * (cyber[r, m] - cyber_2024[m])
            factor = (tech[r, m] / tech_2024[m]) * cyber_gain
            capability_factor[r, bloc[m]] = factor * exercise_gain
    size = n_rep * n  # flat loops over (R, N) arrays vectorise
    factors, before, after = (
        capability_factor.reshape(size),
        spending.reshape(size),
        capability.reshape(size),
    )
    for k in range(size):
        after[k] = before[k] * factors[k]


def _nan_to_num(values: np.ndarray, out: np.ndarray) -> None:
    """np.nan_to_num for budget_plan's growth (numpy's log1p is slow on NaN): NaN to 0,
    +-inf to the largest finite floats. (R, N) arrays (values may be a shared parameter)."""
    for r in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[r, j]
            v = 0.0 if v != v else v
            v = LARGEST if v == np.inf else v
            out[r, j] = -LARGEST if v == -np.inf else v


def _plan_exponent(
    plan_growth: np.ndarray,  # (R, N), NaN where the plan keeps the 2024 burden
    growth: np.ndarray,  # (R, N) log1p(nan_to_num(plan_growth)), overwritten by the exponent
    plan_years: np.ndarray,  # (R, N)
    gdp_trend: np.ndarray,  # (N,)
    years: float,
) -> None:
    """budget_plan's exponent, planned x min(t, Y) + trend x (t - min(t, Y)), written over
    `growth` (numpy then takes its exp)."""
    n_rep, n = growth.shape[0], N_ACTORS
    if growth.shape[1] != n:
        raise ValueError(WIDTH)
    for r in range(n_rep):
        for j in range(n):
            g = plan_growth[r, j]
            planned = gdp_trend[j] if g != g else growth[r, j]
            y = plan_years[r, j]
            within = years if years < y else y  # np.minimum(years, y), NaN kept
            growth[r, j] = planned * within + gdp_trend[j] * (years - within)


def _arms_buildup(
    spending: np.ndarray,  # (R, N) this month's spending before the build-up
    plan_before: np.ndarray,  # (R, N)
    plan: np.ndarray,  # (R, N) written when `plans` (else the same array as plan_before)
    plan_growth: np.ndarray,  # (R, N) exp(exponent) of budget_plan, read when `plans`
    spending_2024: np.ndarray,  # (N,)
    plans: bool,
    committed: np.ndarray,  # (R, N), updated in place
    adjustment: np.ndarray,  # (R,) budget_adjustment
    buildup_cost: np.ndarray,  # (R, N)
    war_share: np.ndarray,  # (R, N)
    revenue_to_military: np.ndarray,  # (R, N)
    presence_threat: np.ndarray,  # (R, N)
    war_intensity: np.ndarray,  # (R,)
    war_demand: np.ndarray,  # (R,)
    revenue: np.ndarray,  # (R,)
    revenue_2024: np.ndarray,  # (R,)
    presence: np.ndarray,  # (R,)
    capability_factor: np.ndarray,  # (R, N)
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    sensitivity: np.ndarray,  # (R,)
    reactivity: np.ndarray,  # (R, N, N)
    reassurance: np.ndarray,  # (R, N)
    buildup: np.ndarray,  # (R,)
    buildup_2024: float,
    fatigue: np.ndarray,  # (R, N)
    grievance: np.ndarray,  # (R, N)
    noise: np.ndarray,  # (R, N) spending_noise
    normal: np.ndarray,  # (R, N) this month's spending shocks
    month: float,  # DT
    sqrt_month: float,  # np.sqrt(DT)
    substeps: int,
    actors: np.ndarray,  # (5,) indices of the DPRK, Russia, the USA, ROK, Japan
    new_spending: np.ndarray,  # (R, N), written
    capability: np.ndarray,  # (R, N), written
    ratio: np.ndarray,  # (R, N), written: new / old spending where both > 0, else 1
) -> None:
    """arms_buildup after budget_plan's exp, with budget_levels, the committed update,
    richardson_drive's sub-steps, the spending shock, capability and _update_trend's ratio."""
    n_rep, n = spending.shape[0], N_ACTORS
    if spending.shape[1] != n:
        raise ValueError(WIDTH)
    dprk, russia, usa, rok, japan = actors[0], actors[1], actors[2], actors[3], actors[4]
    dt = month / substeps
    departure = np.empty(n)
    threat = np.zeros(n)
    target = np.empty(n)
    current = np.empty(n)
    drive = np.empty(n)
    coefficient = np.empty((n, n))
    for r in range(n_rep):
        for j in range(n):
            departure[j] = spending[r, j] - plan_before[r, j] - committed[r, j]
        if plans:
            for j in range(n):
                plan[r, j] = spending_2024[j] * plan_growth[r, j]
            for i in range(n):
                total = 0.0
                for j in range(n):
                    term = reactivity[r, i, j] * plan[r, j]
                    total = total + term  # numpy's order along a short row, from +0.0
                threat[i] = total
        # budget_levels, then committed moves toward it
        for j in range(n):
            target[j] = 0.0
        target[usa] = buildup_cost[r, usa] * (buildup[r] - buildup_2024)
        war = war_intensity[r] * war_demand[r] - 1.0
        target[russia] = war_share[r, russia] * plan[r, russia] * war
        target[dprk] = revenue_to_military[r, dprk] * (revenue[r] - revenue_2024[r])
        beyond = presence[r] - 1.0
        target[rok] = presence_threat[r, rok] * plan[r, rok] * beyond
        target[japan] = presence_threat[r, japan] * plan[r, japan] * beyond
        rate = month * adjustment[r]
        for j in range(n):
            committed[r, j] = committed[r, j] + rate * (target[j] - committed[r, j])
        # richardson_drive's k_ij(t), once for the month's sub-steps
        for i in range(n):
            relief = 1.0 - reassurance[r, i] * (buildup[r] - buildup_2024)
            relief = 0.0 if relief < 0.0 else relief  # np.maximum(0, x), NaN kept
            for j in range(n):
                f = (tension[r, i, j] - tension_2024[i, j]) * sensitivity[r]
                f = f + 1.0
                f = 0.0 if f < 0.0 else f
                coefficient[j, i] = f * reactivity[r, i, j]  # transposed
            coefficient[dprk, i] = coefficient[dprk, i] * relief
        # Richardson's sub-steps
        for _ in range(substeps):
            for j in range(n):
                current[j] = (plan[r, j] + committed[r, j] + departure[j]) * capability_factor[r, j]
            # drive_i = sum_j k_ij C_j left to right from +0.0, the rows side by side
            c = current[0]
            for i in range(n):
                drive[i] = 0.0 + coefficient[0, i] * c
            for j in range(1, n):
                c = current[j]
                for i in range(n):
                    drive[i] = drive[i] + coefficient[j, i] * c
            for i in range(n):
                change = drive[i] - threat[i] - fatigue[r, i] * departure[i]
                departure[i] = departure[i] + dt * (change + grievance[r, i])
        # the spending shock, capability, and the growth ratio for _update_trend
        for j in range(n):
            x = plan[r, j] + committed[r, j] + departure[j]
            x = x + x * noise[r, j] * sqrt_month * normal[r, j]
            new_spending[r, j] = x
            capability[r, j] = x * capability_factor[r, j]
    size = n_rep * n  # the division in a flat loop, which vectorises
    old, new, out = spending.reshape(size), new_spending.reshape(size), ratio.reshape(size)
    for k in range(size):
        before, x = old[k], new[k]
        out[k] = x / before if (before > 0.0) & (x > 0.0) else 1.0


def _spending_trend(trend: np.ndarray, monthly: np.ndarray, month: float) -> None:
    """_update_trend after np.log: trend += DT x (monthly / DT - trend), in place."""
    n_rep, n = trend.shape[0], N_ACTORS
    if trend.shape[1] != n:
        raise ValueError(WIDTH)
    size = n_rep * n  # a flat loop, which vectorises
    average, growth = trend.reshape(size), monthly.reshape(size)
    for k in range(size):
        average[k] = average[k] + month * (growth[k] / month - average[k])


def _budget_ceiling(
    spending: np.ndarray,  # (R, N), clipped in place
    max_burden: np.ndarray,  # (R, N), a parameter: C-contiguous or shared (stride 0)
    gdp: np.ndarray,  # (R, N)
    capability_factor: np.ndarray,  # (R, N)
    capability: np.ndarray,  # (R, N), written
) -> None:
    """budget_ceiling: np.clip(spending, 0, max_burden x gdp) with numpy's NaN and signed-zero
    rules (max then min, each keeping a NaN first operand), then capability."""
    n_rep, n = spending.shape[0], N_ACTORS
    if spending.shape[1] != n:
        raise ValueError(WIDTH)
    for r in range(n_rep):
        for k in range(n):
            value = spending[r, k]
            ceiling = max_burden[r, k] * gdp[r, k]
            value = value if (value != value) | (value > 0.0) else 0.0
            value = value if (value != value) | (value < ceiling) else ceiling
            spending[r, k] = value
            capability[r, k] = value * capability_factor[r, k]


def _dprk_threat(
    sensitivity: np.ndarray,  # (R,)
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    reactivity: np.ndarray,  # (R, N, N)
    capability: np.ndarray,  # (R, N)
    dprk: int,
) -> np.ndarray:
    """dprk_threat: the DPRK's row of richardson_drive, (R,)."""
    n_rep, n = capability.shape[0], N_ACTORS
    if capability.shape[1] != n:
        raise ValueError(WIDTH)
    out = np.empty(n_rep)
    for r in range(n_rep):
        total = 0.0
        for j in range(n):
            factor = 1.0 + sensitivity[r] * (tension[r, dprk, j] - tension_2024[dprk, j])
            factor = 0.0 if factor <= 0.0 else factor  # np.maximum(0.0, x), NaN kept
            term = reactivity[r, dprk, j] * factor * capability[r, j]
            total = total + term  # from +0.0, as numpy's sum (a row of -0.0 sums to +0.0)
        out[r] = total
    return out


PYTHON_KERNELS = {
    "update_capability": _update_capability,
    "plan_nan_to_num": _nan_to_num,
    "plan_exponent": _plan_exponent,
    "arms_buildup": _arms_buildup,
    "spending_trend": _spending_trend,
    "budget_ceiling": _budget_ceiling,
    "dprk_threat": _dprk_threat,
}

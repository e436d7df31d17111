"""Kernels of the tension side of escalation (sim.model.mechanisms.escalation): joint
exercises, provocations and their rate, the US build-up and rivalry, tension dynamics, armed
clashes and add_tension. Sums start from 0.0 as numpy's do (so -0.0 sums the same)."""

from functools import cache

import numpy as np


@cache
def index_array(indices: tuple[int, ...]) -> np.ndarray:
    """Actor indices as the int64 array a kernel takes (made once per tuple)."""
    out = np.asarray(indices, dtype=np.int64)
    out.setflags(write=False)
    return out


@cache
def upper_triangle(n: int) -> tuple[np.ndarray, np.ndarray]:
    """np.triu_indices(n, k=1) as int64 arrays (made once)."""
    upper = tuple(index_array(tuple(int(i) for i in half)) for half in np.triu_indices(n, k=1))
    return upper[0], upper[1]


def _clip_add(tension: np.ndarray, r: int, actor: int, other: int, amount: float) -> None:
    """add_tension for one replicate and pair: np.clip(t + amount, 0, 1), both halves."""
    value = tension[r, actor, other] + amount
    value = 0.0 if value < 0.0 else value  # np.clip keeps NaN
    value = 1.0 if value > 1.0 else value
    tension[r, actor, other] = value
    tension[r, other, actor] = value


def _add_tension(
    tension: np.ndarray,  # (R, N, N), updated in place
    actor: int,
    others: np.ndarray,  # (m,) actor indices
    amount: np.ndarray,  # (R or 1, m or 1), broadcast as numpy does
) -> None:
    """add_tension: amount added to the actor's tension with each other, clipped to [0, 1],
    written to both halves of the symmetric matrix (others distinct, as every caller's)."""
    rows = amount.shape[0] > 1
    cols = amount.shape[1] > 1
    for r in range(tension.shape[0]):
        for k in range(others.shape[0]):
            _clip_add(tension, r, actor, others[k], amount[r if rows else 0, k if cols else 0])


def _push_tension(
    tension: np.ndarray,  # (R, N, N), updated in place
    actor: int,
    others: np.ndarray,  # (m,) actor indices
    rate: np.ndarray,  # (R,) tension a year per unit of level
    level: np.ndarray,  # (R, L)
    column: int,
    dt: float,
) -> None:
    """us_force_buildup, us_china_rivalry: add_tension of dt * rate * level[:, column]."""
    for r in range(tension.shape[0]):
        push = dt * rate[r] * level[r, column]
        for k in range(others.shape[0]):
            _clip_add(tension, r, actor, others[k], push)


def _joint_exercises(
    tension: np.ndarray,  # (R, N, N), updated in place
    intensity: np.ndarray,  # (R,) out: exercise intensity
    exercises: np.ndarray,  # (R, N)
    capacity: np.ndarray,  # (R,)
    exercise_tension: np.ndarray,  # (R,)
    bloc: np.ndarray,  # (2,) actor indices
    peninsula: np.ndarray,  # (3,) actor indices
    dt: float,
) -> None:
    """joint_exercises: the members' mean exercises x capacity clipped to [0, 1], then its
    tension push on each member's peninsula dyads, member by member."""
    for r in range(tension.shape[0]):
        total = 0.0
        for m in range(bloc.shape[0]):
            total = total + exercises[r, bloc[m]]
        value = total / bloc.shape[0] * capacity[r]
        value = 0.0 if value < 0.0 else value
        value = 1.0 if value > 1.0 else value
        intensity[r] = value
        push = dt * exercise_tension[r] * value
        for m in range(bloc.shape[0]):
            for k in range(peninsula.shape[0]):
                _clip_add(tension, r, bloc[m], peninsula[k], push)


def _provocation_rate(
    capability: np.ndarray,  # (R, N)
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    sensitivity: np.ndarray,  # (R,)
    reactivity: np.ndarray,  # (R, N, N)
    plan: np.ndarray,  # (R, N)
    threat_2024: np.ndarray,  # (R,)
    base_rate: np.ndarray,  # (R, N)
    threat_response: np.ndarray,  # (R, N)
    dialogue_effect: np.ndarray,  # (R,)
    progress: np.ndarray,  # (R,)
    progress_2024: float,
    dprk: int,
) -> np.ndarray:
    """dprk_provocation_rate, with dprk_threat's arithmetic (sums along a row < 8)."""
    n_rep, n = capability.shape
    out = np.empty(n_rep)
    for r in range(n_rep):
        threat = 0.0
        planned = 0.0
        for j in range(n):
            factor = 1.0 + sensitivity[r] * (tension[r, dprk, j] - tension_2024[dprk, j])
            factor = 0.0 if factor < 0.0 else factor
            threat = threat + reactivity[r, dprk, j] * factor * capability[r, j]
            planned = planned + reactivity[r, dprk, j] * plan[r, j]
        expected = planned if planned > 0 else threat_2024[r]
        ratio = threat / expected if expected > 0 else 1.0
        rate = base_rate[r, dprk] * (1.0 + threat_response[r, dprk] * (ratio - 1.0))
        rate = rate * (1.0 - dialogue_effect[r] * (progress[r] - progress_2024))
        out[r] = 0.0 if rate < 0.0 else rate
    return out


def _provocations(
    tension: np.ndarray,  # (R, N, N), updated in place
    rate: np.ndarray,  # (R,) Poisson means
    chance_none: np.ndarray,  # (R,) np.exp(-rate)
    u: np.ndarray,  # (R,) uniforms
    size: np.ndarray,  # (R,) magnitudes
    provocation_size: np.ndarray,  # (R, N)
    dprk: int,
    peninsula: np.ndarray,  # (3,) actor indices
    max_events: int,
) -> np.ndarray:
    """provocations: _poisson's counts by inversion, then provoke's tension spike."""
    n_rep = rate.shape[0]
    count = np.zeros(n_rep)
    monotone = True  # cumulative never falls (rate >= 0 or NaN): each replicate stops alone
    for r in range(n_rep):
        if rate[r] < 0.0:
            monotone = False
    if monotone:
        for r in range(n_rep):
            term = chance_none[r]
            cumulative = term
            for k in range(1, max_events + 1):
                if not u[r] >= cumulative:
                    break
                count[r] += 1.0
                term = term * rate[r] / k
                cumulative = cumulative + term
    else:  # _poisson's loop as it is: all replicates step until none is below
        term_all = chance_none.copy()
        cumulative_all = chance_none.copy()
        for k in range(1, max_events + 1):
            below = False
            for r in range(n_rep):
                if u[r] >= cumulative_all[r]:
                    below = True
            if not below:
                break
            for r in range(n_rep):
                if u[r] >= cumulative_all[r]:
                    count[r] += 1.0
                term_all[r] = term_all[r] * rate[r] / k
                cumulative_all[r] = cumulative_all[r] + term_all[r]
    for r in range(n_rep):
        spike = count[r] * size[r] * provocation_size[r, dprk]
        for k in range(peninsula.shape[0]):
            _clip_add(tension, r, dprk, peninsula[k], spike)
    return count


def _tension_dynamics(
    tension: np.ndarray,  # (R, N, N), updated in place
    rest: np.ndarray,  # (N, N)
    decay: np.ndarray,  # (R,)
    effect: np.ndarray,  # (R,) dialogue_effect
    progress: np.ndarray,  # (R,) dialogue progress
    progress_2024: float,
    noise_sd: np.ndarray,  # (R,) tension_noise
    z: np.ndarray,  # (R, N_DYADS) standard normals, upper triangle row by row
    upper_i: np.ndarray,  # (N_DYADS,) np.triu_indices(N, 1)
    upper_j: np.ndarray,
    dprk: int,
    peninsula: np.ndarray,  # (3,) actor indices
    dt: float,
    sqrt_dt: float,
) -> None:
    """tension_dynamics: relaxation, the dialogue's relief on the peninsula, symmetric noise,
    then the clip to [0, 1], on each replicate's flattened matrix."""
    n_rep, n, _ = tension.shape
    nn = n * n
    flat = tension.reshape((n_rep, nn))
    rest_flat = rest.reshape(nn)
    for r in range(n_rep):
        rate = dt * decay[r]
        relief = rate * effect[r] * (progress[r] - progress_2024)
        scale = noise_sd[r] * sqrt_dt
        for q in range(nn):
            flat[r, q] = flat[r, q] + rate * (rest_flat[q] - flat[r, q])
        for k in range(peninsula.shape[0]):
            p = peninsula[k]
            value = flat[r, dprk * n + p] - relief * rest[dprk, p]
            flat[r, dprk * n + p] = value
            flat[r, p * n + dprk] = value
        for d in range(upper_i.shape[0]):
            noise = scale * z[r, d]
            a = upper_i[d] * n + upper_j[d]
            b = upper_j[d] * n + upper_i[d]
            flat[r, a] = flat[r, a] + noise
            flat[r, b] = flat[r, b] + noise
        for q in range(nn):
            value = flat[r, q]
            value = 0.0 if value < 0.0 else value
            flat[r, q] = 1.0 if value > 1.0 else value


def _clash_exponent(
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    slope: np.ndarray,  # (R,) clash_slope
    bloc: np.ndarray,  # (2,) actor indices
    rivals: np.ndarray,  # (n_rivals,) actor indices
) -> np.ndarray:
    """armed_clashes: clash_slope x (dyad tension - 2024 tension), (R, 2, n_rivals)."""
    n_rep = tension.shape[0]
    out = np.empty((n_rep, bloc.shape[0], rivals.shape[0]))
    for r in range(n_rep):
        for m in range(bloc.shape[0]):
            for k in range(rivals.shape[0]):
                a, b = bloc[m], rivals[k]
                out[r, m, k] = slope[r] * (tension[r, a, b] - tension_2024[a, b])
    return out


def _clash_rate_dt(
    growth: np.ndarray,  # (R, 2, n_rivals) np.exp(exponent), overwritten
    hazard: np.ndarray,  # (R,) clash_hazard
    rates: np.ndarray,  # (2, n_rivals) clash_rates
    floor: np.ndarray,  # (R,) clash_floor
    dt: float,
) -> np.ndarray:
    """armed_clashes: -rate * DT, rate = clash_hazard x (clash_rates + clash_floor) x growth
    (the argument of np.expm1), written over growth."""
    n_rep, n_m, n_k = growth.shape
    for r in range(n_rep):
        for m in range(n_m):
            for k in range(n_k):
                rate = hazard[r] * (rates[m, k] + floor[r]) * growth[r, m, k]
                growth[r, m, k] = -rate * dt
    return growth


def _clash_outcomes(
    tension: np.ndarray,  # (R, N, N), updated in place
    no_clash: np.ndarray,  # (R, 2 * n_rivals) np.expm1(-rate * DT): clash if u < -no_clash
    uniforms: np.ndarray,  # (R, N_UNIFORM) the month's uniforms
    clash_at: int,  # where each 2 * n_rivals slot starts in a row of uniforms
    escalation_at: int,
    reciprocity_at: int,
    spending_trend: np.ndarray,  # (R, N)
    racing_at: float,
    escalation_race: np.ndarray,  # (R,)
    escalation_base: np.ndarray,  # (R,)
    commitment: np.ndarray,  # (R, 2)
    clash_tension: np.ndarray,  # (R,)
    clashes: np.ndarray,  # (R,) updated in place
    wars: np.ndarray,  # (R,) updated in place
    reciprocity: np.ndarray,  # (R,) updated in place
    bloc: np.ndarray,  # (2,) actor indices
    rivals: np.ndarray,  # (n_rivals,) actor indices
) -> None:
    """armed_clashes after its rates: clashes, escalates, partners_join and apply_clashes
    (nothing at all when no dyad clashes in any replicate, as apply_clashes returns)."""
    n_rep = tension.shape[0]
    n_m, n_k = bloc.shape[0], rivals.shape[0]
    any_clash = False
    for r in range(n_rep):
        for d in range(n_m * n_k):
            if uniforms[r, clash_at + d] < -no_clash[r, d]:
                any_clash = True
        if any_clash:
            break
    if not any_clash:
        return
    for r in range(n_rep):
        n_clash = 0
        n_war = 0
        n_joined = 0
        for m in range(n_m):
            member = bloc[m]
            partner = bloc[n_m - 1 - m]
            member_racing = spending_trend[r, member] >= racing_at
            for k in range(n_k):
                rival = rivals[k]
                d = m * n_k + k
                clash = uniforms[r, clash_at + d] < -no_clash[r, d]
                both = member_racing and spending_trend[r, rival] >= racing_at
                chance = escalation_race[r] if both else escalation_base[r]
                war = clash and uniforms[r, escalation_at + d] < chance
                partner_commitment = commitment[r, n_m - 1 - m]
                joined = war and uniforms[r, reciprocity_at + d] < partner_commitment
                n_clash += clash
                n_war += war
                n_joined += joined
                _clip_add(tension, r, member, rival, clash_tension[r] * (1.0 if clash else 0.0))
                if war:
                    tension[r, member, rival] = 1.0
                    tension[r, rival, member] = 1.0
                if joined:
                    tension[r, partner, rival] = 1.0
                    tension[r, rival, partner] = 1.0
        clashes[r] = clashes[r] + n_clash
        wars[r] = wars[r] + n_war
        reciprocity[r] = reciprocity[r] + n_joined


def _apply_clash_tension(
    tension: np.ndarray,  # (R, N, N), updated in place
    clash_tension: np.ndarray,  # (R,)
    clash: np.ndarray,  # (R, 2, n_rivals) bool
    war: np.ndarray,  # (R, 2, n_rivals) bool
    joined: np.ndarray,  # (R, 2, n_rivals) bool
    bloc: np.ndarray,  # (2,) actor indices
    rivals: np.ndarray,  # (n_rivals,) actor indices
) -> None:
    """apply_clashes' tension updates in its order: per member and rival, the clash's
    tension (clipped to [0, 1], symmetric), the war's tension 1, the partner's tension 1."""
    n_rep = tension.shape[0]
    for r in range(n_rep):
        for m in range(bloc.shape[0]):
            member = bloc[m]
            partner = bloc[bloc.shape[0] - 1 - m]
            for k in range(rivals.shape[0]):
                rival = rivals[k]
                _clip_add(tension, r, member, rival, clash_tension[r] * clash[r, m, k])
                if war[r, m, k]:
                    tension[r, member, rival] = 1.0
                    tension[r, rival, member] = 1.0
                if joined[r, m, k]:
                    tension[r, partner, rival] = 1.0
                    tension[r, rival, partner] = 1.0


HELPERS = ("_clip_add",)

PYTHON_KERNELS = {
    "add_tension": _add_tension,
    "push_tension": _push_tension,
    "joint_exercises": _joint_exercises,
    "provocation_rate": _provocation_rate,
    "provocations": _provocations,
    "tension_dynamics": _tension_dynamics,
    "clash_exponent": _clash_exponent,
    "clash_rate_dt": _clash_rate_dt,
    "clash_outcomes": _clash_outcomes,
    "apply_clash_tension": _apply_clash_tension,
}

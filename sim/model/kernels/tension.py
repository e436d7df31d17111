"""Kernels of the tension side of escalation (sim.model.mechanisms.escalation): tension
dynamics, armed clashes and add_tension."""

import numpy as np


def _tension_dynamics(
    tension: np.ndarray,  # (R, N, N), updated in place
    rest: np.ndarray,  # (N, N)
    rate: np.ndarray,  # (R,)
    relief: np.ndarray,  # (R,)
    dprk: int,
    peninsula: np.ndarray,  # (3,) actor indices
    noise: np.ndarray,  # (R, N_DYADS), upper triangle row by row
) -> None:
    """tension_dynamics after its (R,)-sized factors: relaxation, the dialogue's relief on
    the peninsula, symmetric noise, then the clip to [0, 1]."""
    n_rep, n, _ = tension.shape
    for r in range(n_rep):
        for i in range(n):
            for j in range(n):
                tension[r, i, j] = tension[r, i, j] + rate[r] * (rest[i, j] - tension[r, i, j])
        for k in range(peninsula.shape[0]):
            p = peninsula[k]
            value = tension[r, dprk, p] - relief[r] * rest[dprk, p]
            tension[r, dprk, p] = value
            tension[r, p, dprk] = value
        d = 0
        for i in range(n):
            for j in range(i + 1, n):
                tension[r, i, j] = tension[r, i, j] + noise[r, d]
                tension[r, j, i] = tension[r, j, i] + noise[r, d]
                d += 1
        for i in range(n):
            for j in range(n):
                t = tension[r, i, j]
                t = 0.0 if t < 0.0 else t
                tension[r, i, j] = 1.0 if t > 1.0 else t


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
                value = tension[r, member, rival] + clash_tension[r] * clash[r, m, k]
                value = 0.0 if value < 0.0 else value
                value = 1.0 if value > 1.0 else value
                tension[r, member, rival] = value
                tension[r, rival, member] = value
                if war[r, m, k]:
                    tension[r, member, rival] = 1.0
                    tension[r, rival, member] = 1.0
                if joined[r, m, k]:
                    tension[r, partner, rival] = 1.0
                    tension[r, rival, partner] = 1.0


def _add_tension(
    tension: np.ndarray,  # (R, N, N), updated in place
    actor: int,
    others: np.ndarray,  # (m,) actor indices
    amount: np.ndarray,  # (R, m)
) -> None:
    """add_tension: amount added to the actor's tension with each other, clipped to [0, 1],
    written to both halves of the symmetric matrix."""
    for r in range(tension.shape[0]):
        for k in range(others.shape[0]):
            other = others[k]
            value = tension[r, actor, other] + amount[r, k]
            value = 0.0 if value < 0.0 else value
            value = 1.0 if value > 1.0 else value
            tension[r, actor, other] = value
            tension[r, other, actor] = value


PYTHON_KERNELS = {
    "tension_dynamics": _tension_dynamics,
    "apply_clash_tension": _apply_clash_tension,
    "add_tension": _add_tension,
}

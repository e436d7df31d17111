"""Kernels of the budget side of escalation (sim.model.mechanisms.escalation): the
Richardson sub-steps of arms_buildup and the threat the budget plans pose."""

import numpy as np


def _richardson_substeps(
    plan: np.ndarray,  # (R, N)
    committed: np.ndarray,  # (R, N)
    departure: np.ndarray,  # (R, N), updated in place
    capability_factor: np.ndarray,  # (R, N)
    tension: np.ndarray,  # (R, N, N)
    tension_2024: np.ndarray,  # (N, N)
    sensitivity: np.ndarray,  # (R,)
    reactivity: np.ndarray,  # (R, N, N)
    reassurance: np.ndarray,  # (R, N)
    buildup: np.ndarray,  # (R,)
    buildup_2024: float,
    planned_threat: np.ndarray,  # (R, N)
    fatigue: np.ndarray,  # (R, N)
    grievance: np.ndarray,  # (R, N)
    dt: float,
    substeps: int,
    dprk: int,
) -> None:
    """arms_buildup's sub-step loop with richardson_drive, one replicate at a time."""
    n_rep, n = plan.shape
    capability = np.empty(n)
    drive = np.empty(n)
    for r in range(n_rep):
        for _ in range(substeps):
            for j in range(n):
                spending = plan[r, j] + committed[r, j] + departure[r, j]
                capability[j] = spending * capability_factor[r, j]
            for i in range(n):
                relief = 1.0 - reassurance[r, i] * (buildup[r] - buildup_2024)
                relief = 0.0 if relief < 0.0 else relief  # np.maximum(0, x), NaN kept
                total = 0.0
                for j in range(n):
                    f = (tension[r, i, j] - tension_2024[i, j]) * sensitivity[r]
                    f = f + 1.0
                    f = 0.0 if f < 0.0 else f
                    f = f * reactivity[r, i, j]
                    if j == dprk:
                        f = f * relief
                    f = f * capability[j]
                    total = f if j == 0 else total + f  # numpy's order along a short row
                drive[i] = total
            for i in range(n):
                change = drive[i] - planned_threat[r, i] - fatigue[r, i] * departure[r, i]
                departure[r, i] = departure[r, i] + dt * (change + grievance[r, i])


def _planned_threat(reactivity: np.ndarray, plan: np.ndarray) -> np.ndarray:
    """(reactivity * plan[:, None, :]).sum(axis=2), summed along the row left to right."""
    n_rep, n = plan.shape
    out = np.empty((n_rep, n))
    for r in range(n_rep):
        for i in range(n):
            total = 0.0
            for j in range(n):
                term = reactivity[r, i, j] * plan[r, j]
                total = term if j == 0 else total + term
            out[r, i] = total
    return out


PYTHON_KERNELS = {
    "richardson_substeps": _richardson_substeps,
    "planned_threat": _planned_threat,
}

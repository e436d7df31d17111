"""Compiled kernels for the month's hot loops, bit-identical to the numpy path they replace.

The mechanisms (sim/model/mechanisms/) are written in numpy, one vectorised rule at a time:
that is the readable reference and the test oracle. For large batches the hottest of them
(the Richardson sub-steps of arms_buildup, tension_dynamics, the tension updates of armed
clashes) run as numba loops over replicates instead, fusing what numpy does in a dozen
passes over fresh temporaries into one pass. Each kernel does the same IEEE operations in
the same order as its numpy reference (additions along a row left to right, as numpy sums
a row of up to 7 elements; no fused multiply-add, no fast-math), so both paths give the
same bits; tests/test_kernels.py checks it on whole runs.

Which path runs is chosen per model at run time (`use_kernels`): the environment variable
ALLIANCE_SIM_KERNELS = numba | numpy | auto (default auto: numba when it is importable and
the batch has at least KERNEL_MIN_REPLICATES replicates, where compiled loops repay loading
numba). numba is imported and the kernels compiled on first use only, and cached on disk
(cache=True), so a small run or `run.py validate` never loads it.
"""

import os
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

from sim.actors import DPRK

ENV = "ALLIANCE_SIM_KERNELS"
KERNEL_MIN_REPLICATES = 2000
"""Below this many replicates `auto` keeps numpy: importing numba and loading the cached
kernels (about 0.3 s) costs more than they save on a 1,000-replicate run."""

_forced: str | None = None


def set_kernels(mode: str | None) -> None:
    """Force a path for this process: "numba", "numpy", "auto", or None for the environment
    variable's choice (tests use it to compare both paths)."""
    global _forced
    if mode not in (None, "numba", "numpy", "auto"):
        raise ValueError(f"kernels: {mode!r} is not numba, numpy or auto")
    _forced = mode


def kernel_mode() -> str:
    """The path chosen: set_kernels(...), else ALLIANCE_SIM_KERNELS, else "auto"."""
    mode = _forced or os.environ.get(ENV, "auto").strip().lower() or "auto"
    if mode not in ("numba", "numpy", "auto"):
        raise ValueError(f"{ENV}={mode!r}: expected numba, numpy or auto")
    return mode


def numba_available() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def use_kernels(replicates: int) -> bool:
    """Should a model of this many replicates run the compiled kernels?"""
    mode = kernel_mode()
    if mode == "numpy":
        return False
    if mode == "numba":
        if not numba_available():
            raise RuntimeError(f"{ENV}=numba but numba is not installed (pip install numba)")
        return True
    return replicates >= KERNEL_MIN_REPLICATES and numba_available()


# The kernels, as plain Python over replicates: numba compiles them (compiled()); they are
# never called uncompiled except by tests on tiny arrays.


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


PYTHON_KERNELS: dict[str, Callable[..., Any]] = {
    "richardson_substeps": _richardson_substeps,
    "tension_dynamics": _tension_dynamics,
    "apply_clash_tension": _apply_clash_tension,
    "add_tension": _add_tension,
    "planned_threat": _planned_threat,
}


@cache
def compiled() -> dict[str, Callable[..., Any]]:
    """The kernels compiled with numba (on first use; cached on disk between processes)."""
    import numba

    return {
        name: numba.njit(cache=True, nogil=True, error_model="numpy")(func)
        for name, func in PYTHON_KERNELS.items()
    }


def kernel(name: str) -> Callable[..., Any]:
    """A compiled kernel by name."""
    return compiled()[name]


__all__ = ["DPRK", "kernel", "kernel_mode", "set_kernels", "use_kernels"]

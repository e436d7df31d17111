"""Kernels of the monthly recording (sim.model.recording), the derived measures it records
(sim.model.state and the series' getters, the same arithmetic) and the model's scan for
non-finite state (AllianceModel._check_finite)."""

import numpy as np

DERIVED_SERIES = (
    "burden",
    "sanctions_on",
    "trade_access",
    "energy_shortfall",
    "peninsula_tension",
    "bloc_tension",
    "us_china_tension",
    "isolation_index",
    "lifeline_index",
)
"""The series record_derived computes, in the order of its `derived` targets."""

EXPONENT = 0x7FF0000000000000
"""The exponent bits of a float64: all set for inf and NaN only."""


def _record_derived(
    month: int,
    spending: np.ndarray,  # (R, N)
    gdp: np.ndarray,  # (R, N)
    sanctions: np.ndarray,  # (R, 4, 2)
    access: np.ndarray,  # (R, 2)
    access_2024: np.ndarray,  # (2,)
    energy_supply: np.ndarray,  # (R,)
    energy_need: float,
    tension: np.ndarray,  # (R, N, N)
    dprk: int,
    usa: int,
    china: int,
    peninsula: np.ndarray,  # (3,) actor indices
    bloc: np.ndarray,  # (2,) actor indices
    rivals: np.ndarray,  # (4,) actor indices: bloc_tension sums these 8 dyads as numpy does
    trade: np.ndarray,  # (R, 2, N)
    ties: np.ndarray,  # (R, 2, N)
    non_bloc: np.ndarray,  # (5,) actor indices
    trade_rest_2024: np.ndarray,  # (2,)
    ties_rest_2024: np.ndarray,  # (2,)
    derived: tuple,  # the DERIVED_SERIES' arrays (a dummy where not recorded)
    derived_on: np.ndarray,  # bool per DERIVED_SERIES: recorded
) -> None:
    """Recorder.record's derived series, each as its getter computes it (a mean is numpy's
    sum divided by the count), into row `month` of its array."""
    n_rep, n = spending.shape
    if derived_on[0]:  # burden
        out = derived[0]
        for r in range(n_rep):
            for j in range(n):
                out[month, r, j] = spending[r, j] / gdp[r, j]
    n_members = access.shape[1]
    if derived_on[1]:  # sanctions_on: the mean over sanctioners (a non-last axis)
        out = derived[1]
        n_sanctioners = sanctions.shape[1]
        for r in range(n_rep):
            for m in range(n_members):
                total = 0.0
                for s in range(n_sanctioners):
                    total = total + sanctions[r, s, m]
                out[month, r, m] = total / n_sanctioners
    if derived_on[2]:  # trade_access
        out = derived[2]
        for r in range(n_rep):
            for m in range(n_members):
                out[month, r, m] = access[r, m] / access_2024[m]
    if derived_on[3]:  # energy_shortfall
        out = derived[3]
        for r in range(n_rep):
            short = 1.0 - energy_supply[r] / energy_need
            out[month, r, 0] = 0.0 if short < 0.0 else short
    if derived_on[4] or derived_on[5] or derived_on[6]:  # from tension, in one pass
        n_peninsula = peninsula.shape[0]
        for r in range(n_rep):
            if derived_on[4]:  # peninsula_tension
                total = 0.0
                for k in range(n_peninsula):
                    total = total + tension[r, dprk, peninsula[k]]
                derived[4][month, r, 0] = total / n_peninsula
            if derived_on[5]:  # bloc_tension: numpy's mean of the 8 dyads, pairwise
                a, b = bloc[0], bloc[1]
                total = (tension[r, a, rivals[0]] + tension[r, a, rivals[1]]) + (
                    tension[r, a, rivals[2]] + tension[r, a, rivals[3]]
                )
                total = total + (
                    (tension[r, b, rivals[0]] + tension[r, b, rivals[1]])
                    + (tension[r, b, rivals[2]] + tension[r, b, rivals[3]])
                )
                derived[5][month, r, 0] = (0.0 + total) / 8
            if derived_on[6]:  # us_china_tension
                derived[6][month, r, 0] = tension[r, usa, china]
    if derived_on[7]:  # isolation_index
        out = derived[7]
        n_rest = non_bloc.shape[0]
        for r in range(n_rep):
            index = 0.0
            for m in range(n_members):
                trade_rest = 0.0
                ties_rest = 0.0
                for k in range(n_rest):
                    trade_rest = trade_rest + trade[r, m, non_bloc[k]]
                for k in range(n_rest):
                    ties_rest = ties_rest + ties[r, m, non_bloc[k]]
                trade_rest = trade_rest / trade_rest_2024[m]
                ties_rest = ties_rest / ties_rest_2024[m]
                index = index + 0.5 * (trade_rest + ties_rest)
            out[month, r, 0] = index / n_members
    if derived_on[8]:  # lifeline_index
        out = derived[8]
        for r in range(n_rep):
            total = 0.0
            for m in range(n_members):
                total = total + access[r, m] / access_2024[m]
            out[month, r, 0] = total / n_members


def _first_non_finite(arrays: tuple) -> int:
    """The index of the first of these flat float64 arrays holding an inf or a NaN, else -1
    (the largest exponent field of each: all ones only for inf and NaN)."""
    exponent = np.uint64(EXPONENT)
    for k in range(len(arrays)):
        bits = arrays[k].view(np.uint64)
        largest = np.uint64(0)
        for j in range(bits.shape[0]):
            field = bits[j] & exponent
            largest = field if field > largest else largest
        if largest == exponent:
            return k
    return -1


PYTHON_KERNELS = {
    "record_derived": _record_derived,
    "first_non_finite": _first_non_finite,
}

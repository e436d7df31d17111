"""numpy's means and sums of a few numbers per replicate, compiled, with numpy's bits.

The derived measures (sim.model.state) are recorded every month for every replicate; numpy's
reductions over a small axis of a few elements cost more than their arithmetic (about 0.3 us
a replicate-month at 10,000 replicates for the four below, against 0.05 us for copying every
plain series). These loops add in numpy's order, so they give numpy's bits: a reduction
starts from +0.0; along a strided axis it adds the elements one after another; along a
contiguous row (what numpy sums after gathering a block) it adds them pairwise, as numpy's
`pairwise_sum` does (eight accumulators from eight elements on).
"""

import numba
import numpy as np

compiled = numba.njit(cache=True, nogil=True, error_model="numpy")

PAIRWISE_BLOCK = 128
"""numpy sums a contiguous row of up to this many elements in one block (the rows here hold
at most 8)."""


@compiled
def _pairwise(values: np.ndarray, n: int) -> float:
    """numpy's pairwise_sum of values[:n], for n <= PAIRWISE_BLOCK."""
    if n < 8:
        total = -0.0
        for i in range(n):
            total += values[i]
        return total
    r0, r1, r2, r3 = values[0], values[1], values[2], values[3]
    r4, r5, r6, r7 = values[4], values[5], values[6], values[7]
    whole = n - n % 8
    for i in range(8, whole, 8):
        r0 += values[i]
        r1 += values[i + 1]
        r2 += values[i + 2]
        r3 += values[i + 3]
        r4 += values[i + 4]
        r5 += values[i + 5]
        r6 += values[i + 6]
        r7 += values[i + 7]
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    for i in range(whole, n):
        total += values[i]
    return total


@compiled
def block_sums(values: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """values[:, rows][:, :, columns].reshape(R, -1).sum(axis=1) of an (R, A, B) array:
    each replicate's block, row by row, summed pairwise as numpy sums a contiguous row."""
    n = len(rows) * len(columns)
    block = np.empty(n)
    out = np.empty(values.shape[0])
    for r in range(values.shape[0]):
        k = 0
        for i in rows:
            for j in columns:
                block[k] = values[r, i, j]
                k += 1
        out[r] = 0.0 + _pairwise(block, n)
    return out


@compiled
def means_over_middle(values: np.ndarray) -> np.ndarray:
    """values.mean(axis=1) of an (R, K, M) array: numpy adds along the strided middle axis
    one element after another, from +0.0, then divides by K."""
    replicates, count, width = values.shape
    out = np.empty((replicates, width))
    for r in range(replicates):
        for j in range(width):
            total = 0.0
            for i in range(count):
                total += values[r, i, j]
            out[r, j] = total / count
    return out


@compiled
def picked_means(values: np.ndarray, row: int, columns: np.ndarray) -> np.ndarray:
    """values[:, row, columns].mean(axis=1) of an (R, A, B) array: numpy gathers the picked
    values column-major (the picked axis strided) and adds them one after another, from
    +0.0, then divides by their count."""
    out = np.empty(values.shape[0])
    for r in range(values.shape[0]):
        total = 0.0
        for j in columns:
            total += values[r, row, j]
        out[r] = total / len(columns)
    return out

"""One replicate's random stream drawn in place (sim.model.randomness.Shocks).

numba compiles numpy's own Generator algorithms (PCG64's output, `random`'s 53-bit doubles,
the ziggurat of `standard_normal`, whose rare tail uses the C library's log and exp), so a
stream gives numpy's numbers in numpy's order, without numpy's per-draw call through a
function pointer."""

import numpy as np

from sim.model.mechanisms.compiled import counted


@counted
def draw_stream(
    generator: np.random.Generator,
    uniforms: np.ndarray,  # (months, R, N_UNIFORM), row `row` filled in place
    normals: np.ndarray,  # (months, R, N_NORMAL), row `row` filled in place
    static: np.ndarray,  # (R, N_STATIC), row `row` filled in place
    row: int,
) -> None:
    """One replicate's draws: its uniforms, then its normals, each month after month, then
    its static normals."""
    for month in range(uniforms.shape[0]):
        for k in range(uniforms.shape[2]):
            uniforms[month, row, k] = generator.random()
    for month in range(normals.shape[0]):
        for k in range(normals.shape[2]):
            normals[month, row, k] = generator.standard_normal()
    for k in range(static.shape[1]):
        static[row, k] = generator.standard_normal()

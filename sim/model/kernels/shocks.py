"""Kernel of the random shocks (sim.model.randomness): one replicate's stream drawn in place.

numba compiles numpy's own Generator algorithms (PCG64's output, `random`'s 53-bit doubles,
the ziggurat of `standard_normal`, whose rare tail uses libm's log and exp on both paths),
so a stream gives numpy's numbers in numpy's order, about 30 % faster: numpy's fill calls
the bit generator through a function pointer for every draw."""

import numpy as np


def _draw_stream(
    generator: np.random.Generator,
    uniforms: np.ndarray,  # (months, R, N_UNIFORM), row `row` filled in place
    normals: np.ndarray,  # (months, R, N_NORMAL), row `row` filled in place
    static: np.ndarray,  # (R, N_STATIC), row `row` filled in place
    row: int,
) -> None:
    """Shocks.__init__'s draws for one replicate: uniforms, then normals, then static, each
    month after month."""
    for month in range(uniforms.shape[0]):
        for k in range(uniforms.shape[2]):
            uniforms[month, row, k] = generator.random()
    for month in range(normals.shape[0]):
        for k in range(normals.shape[2]):
            normals[month, row, k] = generator.standard_normal()
    for k in range(static.shape[1]):
        static[row, k] = generator.standard_normal()


PYTHON_KERNELS = {"draw_stream": _draw_stream}

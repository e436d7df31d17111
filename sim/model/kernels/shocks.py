"""Kernel of the random shocks (sim.model.randomness): one replicate's stream drawn in place.

numba compiles numpy's own Generator algorithms (PCG64's output, `random`'s 53-bit doubles,
the ziggurat of `standard_normal`, whose rare tail uses libm's log and exp on both paths),
so a stream gives numpy's numbers in numpy's order, about 30 % faster: numpy's fill calls
the bit generator through a function pointer for every draw."""

import numpy as np


def _draw_stream(
    generator: np.random.Generator,
    uniforms: np.ndarray,  # (months, N_UNIFORM), filled in place
    normals: np.ndarray,  # (months, N_NORMAL), filled in place
    static: np.ndarray,  # (N_STATIC,), filled in place
) -> None:
    """Shocks.__init__'s draws for one replicate: uniforms, then normals, then static."""
    flat = uniforms.reshape(-1)
    for i in range(flat.shape[0]):
        flat[i] = generator.random()
    flat = normals.reshape(-1)
    for i in range(flat.shape[0]):
        flat[i] = generator.standard_normal()
    for i in range(static.shape[0]):
        static[i] = generator.standard_normal()


PYTHON_KERNELS = {"draw_stream": _draw_stream}

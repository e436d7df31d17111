"""Compiled kernels for the month's mechanisms, bit-identical to the numpy path they replace.

The mechanisms (sim/model/mechanisms/) are written in numpy, one vectorised rule at a time:
that is the readable reference and the test oracle. For large batches they run as numba
loops over replicates instead (one submodule per group of mechanisms: budgets, tension,
economy, cooperation, decisions, recording), fusing what numpy does in dozens of passes over
fresh temporaries into one pass. Each kernel does the same IEEE operations in the same order
as its numpy reference, so both paths give the same bits; tests/test_kernels*.py check it.

The rules that make that hold:
- + - * / and sqrt are correctly rounded on both paths; transcendental functions are not
  (numpy's SIMD exp, log, expm1, log1p and power differ from libm's, which numba calls, in
  the last bit for a few % of arguments on AVX-512 CPUs). A kernel therefore never calls
  them: the mechanism evaluates them with numpy on the small array that needs them, between
  two kernels.
- numpy sums a row of fewer than 8 elements left to right, and 8 or more pairwise in eight
  interleaved partial sums; a sum over a non-last axis adds whole rows in order. Kernels
  sum in the same order.
- np.maximum / np.minimum / np.clip keep NaN: `0.0 if x < 0.0 else x`, not max().
- No fused multiply-add and no fast-math (numba's defaults).

Which path runs is chosen per model at run time (`use_kernels`): the environment variable
ALLIANCE_SIM_KERNELS = numba | numpy | auto (default auto: numba when it is importable and
the batch has at least KERNEL_MIN_REPLICATES replicates, where compiled loops repay loading
numba). numba is imported and the kernels compiled on first use only, and cached on disk
(cache=True), so a small run or `run.py validate` never loads it.
"""

import importlib
import os
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

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


KERNEL_MODULES = (
    "budgets",
    "tension",
    "economy",
    "cooperation",
    "decisions",
)
"""The submodules. Each defines PYTHON_KERNELS (name -> plain Python function over
replicates, compiled by `compiled()`) and may define HELPERS, names of module-level
functions its kernels call (compiled first, in place, so the kernels can call them)."""


def python_kernels() -> dict[str, Callable[..., Any]]:
    """Every kernel as plain Python, by name (tests run them uncompiled on tiny arrays)."""
    out: dict[str, Callable[..., Any]] = {}
    for module_name in KERNEL_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for name, func in module.PYTHON_KERNELS.items():
            if name in out:
                raise RuntimeError(f"kernel {name!r} is defined twice ({module_name})")
            out[name] = func
    return out


def uncached_modules(folder: Path = Path(__file__).parent) -> list[str]:
    """The kernel submodules with no numba cache beside them yet (their first use compiles
    them: about 10 s for all on a 2-core machine)."""
    cache_folder = folder / "__pycache__"  # glob of a missing folder finds nothing
    return [name for name in KERNEL_MODULES if not any(cache_folder.glob(f"{name}.*.nbi"))]


@cache
def compiled() -> dict[str, Callable[..., Any]]:
    """The kernels compiled with numba (on first use; cached on disk between processes)."""
    import numba

    if uncached_modules():
        print(
            "note: compiling the model's kernels for this machine (once, about 10-20 s; "
            "cached in sim/model/kernels/__pycache__)",
            file=sys.stderr,
            flush=True,
        )

    jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    for module_name in KERNEL_MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        for helper in getattr(module, "HELPERS", ()):
            setattr(module, helper, jit(getattr(module, helper)))
    return {name: jit(func) for name, func in python_kernels().items()}


def kernel(name: str) -> Callable[..., Any]:
    """A compiled kernel by name."""
    return compiled()[name]


def contiguous(*arrays: np.ndarray) -> list[np.ndarray]:
    """The arrays in a layout the kernels are compiled for, copying only where needed: a
    C-contiguous array as it is; a parameter every replicate shares (sim.model.params: a
    read-only view with stride 0 along the replicates, or a column of one) as it is, since
    copying it would stream R copies of one row again; any other array as a C-contiguous
    copy. A kernel compiles once per combination of layouts (C or shared) it is called with,
    and never writes into a parameter (a shared one is read-only, numba refuses)."""
    return [
        a
        if a.flags.c_contiguous or (a.strides[0] == 0 and not a.flags.writeable)
        else np.ascontiguousarray(a)
        for a in arrays
    ]


__all__ = ["contiguous", "kernel", "kernel_mode", "python_kernels", "set_kernels", "use_kernels"]

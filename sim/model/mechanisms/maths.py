"""The C library's exp, log, log1p and expm1 for the rules, compiled or run as plain Python.

Compiled, numba turns numpy's exp, log, log1p and expm1 of a float into calls of the C
library's functions. Run as plain Python (`NUMBA_DISABLE_JIT=1`, or a rule's `.py_func`),
numpy's own would run instead, and where numpy dispatches to its AVX-512 versions they differ
from the C library's in the last bit for 0.2-8.5 % of arguments (by function; an AVX-512 CPU
on 2026-12-05): a rule debugged uncompiled would not give the compiled month's numbers. So the
rules and the random streams call these: as plain Python each is the C library's function
(through ctypes: inf, -inf and NaN where the compiled code gives them, never an exception), and
numba compiles each to numpy's function of a float, which is the C library's."""

import ctypes
import ctypes.util
from collections.abc import Callable

import numpy as np
from numba.extending import overload

_LIBM = ctypes.CDLL(ctypes.util.find_library("m"))  # find_library None: the process's own


def _c_function(name: str) -> Callable[[float], float]:
    function = getattr(_LIBM, name)
    function.restype = ctypes.c_double
    function.argtypes = (ctypes.c_double,)
    return function


_exp, _log, _log1p, _expm1 = (_c_function(name) for name in ("exp", "log", "log1p", "expm1"))


def exp(x: float) -> float:
    """e**x, the C library's."""
    return _exp(x)


def log(x: float) -> float:
    """The natural logarithm, the C library's (-inf at 0, NaN below)."""
    return _log(x)


def log1p(x: float) -> float:
    """log(1 + x), the C library's."""
    return _log1p(x)


def expm1(x: float) -> float:
    """e**x - 1, the C library's."""
    return _expm1(x)


# Compiled: numba types each call with these hooks and compiles numpy's function of a float.
@overload(exp)
def _compiled_exp(x):
    return lambda x: np.exp(x)


@overload(log)
def _compiled_log(x):
    return lambda x: np.log(x)


@overload(log1p)
def _compiled_log1p(x):
    return lambda x: np.log1p(x)


@overload(expm1)
def _compiled_expm1(x):
    return lambda x: np.expm1(x)

"""The state check after each month: the first World array, and replicate, that stopped
being a finite number (the model then stops the run with a clear error)."""

import numpy as np
from numba import literal_unroll, types
from numba.extending import overload

from sim.model.mechanisms.compiled import counted


def first_bad_row(values: np.ndarray) -> int:
    """The first replicate whose part of a World array is NaN or infinite, else -1 (arrays
    of flags are always finite)."""
    if values.dtype.kind != "f":
        return -1
    bad = ~np.isfinite(values.reshape(values.shape[0], -1)).all(axis=1)
    return int(np.argmax(bad)) if bad.any() else -1


@overload(first_bad_row)
def _first_bad_row(values):  # the compiled form, chosen by the array's type
    if not isinstance(values.dtype, types.Float):
        return lambda values: -1

    def first(values):
        rows = values.reshape(values.shape[0], -1)
        for r in range(rows.shape[0]):
            for value in rows[r]:
                if not np.isfinite(value):
                    return r
        return -1

    return first


@counted
def first_non_finite(w) -> tuple[int, int]:
    """(field, replicate) of the first World array (in World's order) holding a NaN or an
    infinity, and its first such replicate; (-1, -1) when every value is finite."""
    found, row, field = -1, -1, 0
    for values in literal_unroll(w):
        if found < 0:
            bad = first_bad_row(values)
            if bad >= 0:
                found, row = field, bad
        field += 1  # noqa: SIM113 (numba cannot enumerate a literal_unroll)
    return found, row

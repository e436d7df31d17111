"""The state check, inside the month: is a replicate's state still finite after its month?

Checked while the replicate's row is in cache (state.packed puts a replicate's floats side
by side), so it costs almost nothing; the model then stops a run whose state stopped being a
finite number, with a clear error (AllianceModel._stop_non_finite).
"""

from sim.model.mechanisms.compiled import rule


@rule
def row_is_finite(floats, r) -> bool:
    """Is every float of replicate r's state (state.packed's `floats`) finite? x - x is 0 for
    a finite x and NaN for an infinite or NaN one; no branch a value, so the loop vectorizes."""
    finite = True
    for k in range(floats.shape[1]):
        value = floats[r, k]
        finite &= value - value == 0.0
    return finite

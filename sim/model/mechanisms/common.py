"""Helpers the rules share, for one replicate: clipping as numpy clips, and a change of the
symmetric tension matrix."""

from sim.model.mechanisms.compiled import rule


@rule
def clip(value: float, low: float, high: float) -> float:
    """np.clip of one number: NaN stays NaN (a NaN state is then caught, not hidden)."""
    value = low if value < low else value
    return high if value > high else value


@rule
def at_least(value: float, low: float) -> float:
    """np.maximum(value, low) of one number, NaN kept."""
    return low if value < low else value


@rule
def at_most(value: float, high: float) -> float:
    """np.minimum(value, high) of one number, NaN kept."""
    return high if value > high else value


@rule
def add_tension(r: int, w, actor: int, other: int, amount: float) -> None:
    """Add `amount` to the tension of `actor` and `other` in replicate r, kept in [0, 1]; the
    matrix stays symmetric."""
    value = clip(w.tension[r, actor, other] + amount, 0.0, 1.0)
    w.tension[r, actor, other] = value
    w.tension[r, other, actor] = value

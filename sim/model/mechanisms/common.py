"""Helpers the rules share, for one replicate: clipping as numpy clips, a change of the
symmetric tension matrix, and a step of a mean-one random factor."""

import numpy as np

from sim.calendar import DT
from sim.model.mechanisms.compiled import rule

SQRT_DT = float(np.sqrt(DT))


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


@rule
def random_walk_step(log_factor: float, sigma: float, normal: float) -> float:
    """The log of a random factor one month on: dz = -sigma^2 / 2 dt + sigma dW (dW = the
    month's standard normal x sqrt(dt)), so exp(z) keeps mean 1 and z's change over a year
    has standard deviation sigma."""
    return log_factor + (sigma * SQRT_DT * normal - 0.5 * sigma * sigma * DT)

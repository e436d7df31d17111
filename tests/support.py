"""What several test files share: the command line as a user runs it, a scenario change that
switches off every shock but the DPRK's provocations, and the bit-for-bit comparison of the
numpy and compiled paths."""

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

from sim.actors import ACTORS, BLOC

ROOT = Path(__file__).resolve().parents[1]


def run_py(*args: str) -> subprocess.CompletedProcess:
    """`python run.py ARGS` from the repository root, its output captured."""
    return subprocess.run(
        [sys.executable, "run.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


QUIET = {
    **{f"{a}.spending_noise": 0.0 for a in ACTORS},
    **{f"{a}.gdp_noise": 0.0 for a in ACTORS},
    "china.alignment_noise": 0.0,
    **{f"{m}.china_trade_noise": 0.0 for m in BLOC},
    "world.tension_noise": 0.0,
    "world.transfer_uncertainty": 0.0,
    "world.troop_uncertainty": 0.0,
    "world.loss_uncertainty": 0.0,
    "dprk.munitions_noise": 0.0,
    "dprk.loss_noise": 0.0,
    "world.clash_hazard": 0.0,
    "world.clash_floor": 0.0,
    "dprk.leadership_hazard": 0.0,
}
"""No shocks but the DPRK's provocations, whose expected effect the calibration holds."""


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """The same shape, NaN where NaN, equal numbers with the same sign (-0.0 is not 0.0)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or not np.array_equal(a, b, equal_nan=a.dtype.kind == "f"):
        return False
    if a.dtype.kind != "f":
        return True
    numbers = ~np.isnan(a)
    return np.array_equal(np.signbit(a[numbers]), np.signbit(b[numbers]))


def assert_same_world(a: object, b: object) -> None:
    """Every array of two Worlds (or any two states) has the same bits, every other field is
    equal; the `kernels` flag, which says which path ran, may differ."""
    for name, value in vars(a).items():
        if isinstance(value, np.ndarray):
            assert same_bits(value, getattr(b, name)), name
        elif name != "kernels":
            assert value == getattr(b, name), name


def copied_state(model: Any) -> tuple:
    """Copies of a model's World and Params, and its Reference (never changed by a rule)."""
    return copy.deepcopy(model.world), copy.deepcopy(model.params), model.reference


ONE_OBSERVATION = """\
observations:
  - series: spending
    actor: rok
    period: 2025
    measure: growth
    value: 0.01
    prices: constant
    source: test
    published: 2025-01-01
    confidence: low
"""
"""An observation file with one valid entry (South Korea's 2025 spending growth)."""

"""What several test files share: the command line as a user runs it, and a scenario change
that switches off every shock but the DPRK's provocations."""

import subprocess
import sys
from pathlib import Path

from sim.actors import ACTORS

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
    "world.tension_noise": 0.0,
    "world.transfer_uncertainty": 0.0,
    "world.clash_hazard": 0.0,
    "world.clash_floor": 0.0,
    "dprk.leadership_hazard": 0.0,
}
"""No shocks but the DPRK's provocations, whose expected effect the calibration holds."""

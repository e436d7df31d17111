"""Sweep designs: which parameter values to run (scenario key `sweep:`).

grid: every combination of `levels` evenly spaced values per parameter. lhs: `points` Latin
hypercube points (scipy.stats.qmc, McKay, Beckman & Conover 1979). sobol: Saltelli's scheme
for Sobol indices (SALib; `points` = base sample N, N x (D + 2) runs). morris: Morris
elementary-effect trajectories (SALib; `points` = trajectories r, r x (D + 1) runs, `levels`
grid levels).
"""

import itertools
from dataclasses import dataclass

import numpy as np
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from sim.schema import SweepSpec


@dataclass(frozen=True)
class Design:
    """The points of a sweep: values (P, D) of the parameters `names`."""

    kind: str
    names: tuple[str, ...]
    values: np.ndarray
    bounds: tuple[tuple[float, float], ...]

    @property
    def problem(self) -> dict:
        """The design as a SALib problem."""
        return {"num_vars": len(self.names), "names": list(self.names),
                "bounds": [list(b) for b in self.bounds]}


def build_design(sweep: SweepSpec, seed: int) -> Design:
    """The design a sweep block asks for, drawn with `seed` (sweep.seed, else the scenario's)."""
    names = tuple(sweep.parameters)
    bounds = tuple(sweep.parameters[n] for n in names)
    low = np.array([b[0] for b in bounds])
    high = np.array([b[1] for b in bounds])
    seed = sweep.seed if sweep.seed is not None else seed % 2**32
    design = Design(sweep.design, names, np.empty((0, len(names))), bounds)
    if sweep.design == "grid":
        axes = [np.linspace(lo, hi, sweep.levels) for lo, hi in bounds]
        values = np.array(list(itertools.product(*axes)))
    elif sweep.design == "lhs":
        unit = qmc.LatinHypercube(d=len(names), seed=seed).random(sweep.points)
        values = qmc.scale(unit, low, high)
    elif sweep.design == "sobol":
        values = sobol_sample.sample(design.problem, sweep.points, calc_second_order=False,
                                     seed=seed)
    else:
        values = morris_sample.sample(design.problem, sweep.points, num_levels=sweep.levels,
                                      seed=seed)
    return Design(sweep.design, names, np.asarray(values, dtype=float), bounds)

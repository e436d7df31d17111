"""Sweep designs: which parameter values to run (scenario key `sweep:`).

grid: every combination of `levels` evenly spaced values per parameter. lhs: `points` Latin
hypercube points (scipy.stats.qmc, McKay, Beckman & Conover 1979). sobol: Saltelli's scheme
for Sobol indices (SALib; `points` = base sample N, N x (D + 2) runs). morris: Morris
elementary-effect trajectories (SALib; `points` = trajectories r, r x (D + 1) runs, `levels`
grid levels).
"""

import itertools

import numpy as np

from sim.results.analysis import Design
from sim.scenario.schema import SweepSpec


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
        from scipy.stats import qmc  # SciPy and SALib load only for the designs that need them

        unit = qmc.LatinHypercube(d=len(names), seed=seed).random(sweep.points)
        values = qmc.scale(unit, low, high)
    elif sweep.design == "sobol":
        from SALib.sample import sobol as sobol_sample

        values = sobol_sample.sample(
            design.problem, sweep.points, calc_second_order=False, seed=seed
        )
    else:
        from SALib.sample import morris as morris_sample

        values = morris_sample.sample(
            design.problem, sweep.points, num_levels=sweep.levels, seed=seed
        )
    return Design(sweep.design, names, np.asarray(values, dtype=float), bounds)

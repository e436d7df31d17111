"""Which parameters drive each outcome: global sensitivity analysis and scenario discovery.

Inputs are a sweep's design points and the share of runs with each outcome at each point.
Sensitivity (SALib, Herman & Usher 2017): Sobol first-order and total indices for a `sobol`
design (Sobol 2001; Saltelli 2002), Morris mu* and sigma for a `morris` design (Morris 1991;
Campolongo et al. 2007), RBD-FAST first-order indices for a Latin hypercube (Tarantola et al.
2006; Plischke 2010), and for a full-factorial grid the main-effect share of variance
(Var(E[Y | X_i]) / Var(Y), the correlation ratio; Saltelli et al. 2008, ch. 1). Scenario discovery:
PRIM (Friedman & Fisher 1999) as implemented in the EMA Workbench (Kwakkel 2017), finding the
box of parameter values where an outcome is most likely (Bryant & Lempert 2010).
"""

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Design:
    """The points of a sweep: values (P, D) of the parameters `names` (dotted paths), drawn
    by a `kind` of design (grid, lhs, sobol, morris; sim.execution.designs) within `bounds`."""

    kind: str
    names: tuple[str, ...]
    values: np.ndarray
    bounds: tuple[tuple[float, float], ...]

    @property
    def problem(self) -> dict:
        """The design as a SALib problem."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }


def sensitivity(
    design: Design, shares: pd.DataFrame, outcomes: list[str], seed: int = 0
) -> pd.DataFrame:
    """One row per outcome, parameter and index: the method suited to the design.

    Outcomes whose share does not vary across the design get no rows (nothing to attribute).
    Where the method cannot compute its indices from the design (an RBD-FAST of a few
    points, say), the outcome gets no rows and the table's attrs["notes"] says why.
    """
    rows = []
    notes: list[str] = []
    x = design.values
    for outcome in outcomes:
        y = shares[outcome].to_numpy(dtype=float)
        if not np.all(np.isfinite(y)) or np.ptp(y) == 0.0:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result, indices = _analyze(design, x, y, seed)
            except (ArithmeticError, ValueError, IndexError, np.linalg.LinAlgError) as exc:
                method = METHODS.get(design.kind, design.kind)
                notes.append(
                    f"{method} could not be computed for {outcome} from {len(x):,} design "
                    f"points ({type(exc).__name__}: {exc}); use more points"
                )
                continue
        for i, name in enumerate(design.names):
            for index, conf in indices.items():
                rows.append(
                    {
                        "outcome": outcome,
                        "parameter": name,
                        "index": index,
                        "value": float(result[index][i]),
                        "conf": float(result[conf][i]) if conf else np.nan,
                    }
                )
    table = pd.DataFrame(rows, columns=["outcome", "parameter", "index", "value", "conf"])
    table.attrs["notes"] = notes
    return table


METHODS = {"sobol": "Sobol analysis", "morris": "Morris analysis", "lhs": "RBD-FAST"}


def _analyze(
    design: Design, x: np.ndarray, y: np.ndarray, seed: int
) -> tuple[dict, dict[str, str | None]]:
    """The design's method on one outcome: (SALib's result, {index: its confidence key})."""
    from SALib.analyze import morris, rbd_fast, sobol

    if design.kind == "sobol":
        result = sobol.analyze(design.problem, y, calc_second_order=False, seed=seed)
        indices: dict[str, str | None] = {"S1": "S1_conf", "ST": "ST_conf"}
    elif design.kind == "morris":
        result = morris.analyze(design.problem, x, y, seed=seed)
        indices = {"mu_star": "mu_star_conf", "sigma": None}
    elif design.kind == "lhs":
        result = rbd_fast.analyze(design.problem, x, y, seed=seed)
        indices = {"S1": "S1_conf"}
    else:
        result = {"S1": _main_effects(x, y)}
        indices = {"S1": None}
    first = np.asarray(result[next(iter(indices))], dtype=float)
    if not np.all(np.isfinite(first)):
        raise ArithmeticError("the indices are not finite numbers")
    return result, indices


def _main_effects(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Var(E[y | x_i]) / Var(y) for each column of a full-factorial design."""
    frame = pd.DataFrame(x).assign(y=y)
    total = y.var()
    return np.array(
        [
            frame.groupby(i)["y"].mean().reindex(frame[i]).to_numpy().var() / total
            for i in range(x.shape[1])
        ]
    )


@dataclass(frozen=True)
class Box:
    """A PRIM box: where an outcome is most likely, with its coverage and density."""

    outcome: str
    limits: dict[str, tuple[float, float]]  # restricted parameters only
    coverage: float  # share of all outcome occurrences inside the box
    density: float  # share of runs inside the box with the outcome
    mass: float  # share of design points inside the box
    base_rate: float  # share of runs with the outcome over the whole design

    def describe(self, bounds: dict[str, tuple[float, float]]) -> str:
        """'regional_arms_race is likely when china.dialogue < 0.31 and usa.buildup > 0.6
        (coverage 62 %, density 81 %, vs 35 % overall)'."""
        terms = []
        for name, (low, high) in self.limits.items():
            full_low, full_high = bounds[name]
            if low > full_low and high < full_high:
                terms.append(f"{low:.3g} < {name} < {high:.3g}")
            elif low > full_low:
                terms.append(f"{name} > {low:.3g}")
            else:
                terms.append(f"{name} < {high:.3g}")
        where = " and ".join(terms) if terms else "anywhere in the design"
        return (
            f"{self.outcome} is likely when {where} (coverage {self.coverage:.0%}, "
            f"density {self.density:.0%}, vs {self.base_rate:.0%} overall)"
        )


def discover(
    design: Design,
    shares: pd.DataFrame,
    outcome: str,
    min_coverage: float = 0.5,
    min_cut: float = 0.1,
) -> Box | None:
    """PRIM on the design points with the outcome's share as the response.

    Of the boxes on the peeling trajectory with coverage >= min_coverage, the densest; then
    any limit that trims less than `min_cut` of a parameter's range is dropped, so the box
    names only the restrictions that matter, and its coverage, density and mass are those
    of the box as described. None when the outcome never occurs or never varies.
    """
    y = shares[outcome].to_numpy(dtype=float)
    if y.sum() == 0.0 or np.ptp(y) == 0.0:
        return None
    x = pd.DataFrame(design.values, columns=list(design.names))
    with warnings.catch_warnings():  # the workbench warns about optional parallel back ends
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim  # slow to import: only sweeps need it

        found = prim.Prim(x, y).find_box()
    trajectory = found.peeling_trajectory
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    chosen = found.box_lims[int(eligible["density"].idxmax()) if len(eligible) else 0]
    limits = {}
    inside = np.ones(len(y), dtype=bool)
    for d, name in enumerate(design.names):
        full_low, full_high = design.bounds[d]
        cut = min_cut * (full_high - full_low)
        low, high = float(chosen[name][0]), float(chosen[name][1])
        low = low if low > full_low + cut else full_low
        high = high if high < full_high - cut else full_high
        if (low, high) != (full_low, full_high):
            limits[name] = (low, high)
            inside &= (design.values[:, d] >= low) & (design.values[:, d] <= high)
    return Box(
        outcome,
        limits,
        coverage=float(y[inside].sum() / y.sum()),
        density=float(y[inside].mean()),
        mass=float(inside.mean()),
        base_rate=float(y.mean()),
    )


def binned_means(
    design: Design, shares: pd.DataFrame, outcome: str, a: str, b: str, bins: int = 8
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean share of `outcome` over a bins x bins grid of parameters a and b: (edges_a,
    edges_b, means), NaN where no point falls. A grid design uses its own levels."""
    i, j = design.names.index(a), design.names.index(b)
    xa, xb = design.values[:, i], design.values[:, j]
    if design.kind == "grid":
        levels_a, levels_b = np.unique(xa), np.unique(xb)
        edges_a = _edges(levels_a)
        edges_b = _edges(levels_b)
    else:
        edges_a = np.linspace(*design.bounds[i], bins + 1)
        edges_b = np.linspace(*design.bounds[j], bins + 1)
    y = shares[outcome].to_numpy(dtype=float)
    total, _, _ = np.histogram2d(xa, xb, bins=[edges_a, edges_b], weights=y)
    count, _, _ = np.histogram2d(xa, xb, bins=[edges_a, edges_b])
    with np.errstate(invalid="ignore", divide="ignore"):
        return edges_a, edges_b, total / count


def _edges(levels: np.ndarray) -> np.ndarray:
    if len(levels) == 1:
        return np.array([levels[0] - 0.5, levels[0] + 0.5])
    mids = (levels[1:] + levels[:-1]) / 2
    return np.concatenate([[2 * levels[0] - mids[0]], mids, [2 * levels[-1] - mids[-1]]])

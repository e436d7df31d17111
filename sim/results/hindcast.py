"""Scoring a run against observed values: quantiles, PIT, the 80 % band and CRPS.

For each observation the run gives one model value per replicate (an ensemble): a calendar
year's `level` is the mean of its monthly values, its `growth` that mean over the previous
year's minus 1; a month's `level` is the month's value, its `growth` the value over the same
month a year before minus 1. The run starts in June 2024 from 2024's annual figures (the data
file: spending, GDP, the 2024 transfer rates), so calendar 2024's value is month 0's, not
the mean of June-December (which would make 2025's growth a growth over nine and a half
months); a year the run covers only in part at its end is the mean of the months it covers.

Against the ensemble x_1..x_m and the observed y:
- quantiles 10 / 50 / 90 % (numpy's default, linear interpolation);
- PIT (probability integral transform) = (#{x_i < y} + #{x_i = y} / 2) / m: where the
  observation falls in the ensemble, 0.5 at the median; over many observations a calibrated
  model gives PITs spread evenly over 0-1;
- inside the 80 % band: q10 <= y <= q90 (a calibrated model: about 8 observations in 10);
- CRPS, the ensemble estimator (Gneiting & Raftery 2007, eq. 21): mean |x_i - y| - 1/(2 m^2)
  sum_ij |x_i - x_j|, in the observation's unit; 0 is a perfect point forecast at y.
  `crps_scaled` puts the rows on one footing: growth rows as they are (a fraction), level
  rows divided by |y|. The summary's mean CRPS is the mean of crps_scaled.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.results.run_result import RunResult
from sim.scenario.observations import Observation, read_observations

GROWTH_SERIES = (
    "spending",
    "capability",
    "gdp",
    "spending_plan",
    "trade_access",
    "munitions",
    "troops",
    "dprk_revenue",
    "energy_supply",
    "isolation_index",
    "lifeline_index",
)
"""Series whose year-on-year change is meaningful (amounts and indices of amounts); counts,
shares, 0-1 indices and switches support `level` only."""

QUANTILES = (0.1, 0.5, 0.9)


def load_observations(path: str | Path, horizon_months: int) -> list[Observation]:
    """Read an observation file, checked against the recorded series and the run's length."""
    columns = {s.name: s.columns for s in SERIES}
    return read_observations(path, columns, GROWTH_SERIES, horizon_months)


def pit(ensemble: np.ndarray, observed: float) -> float:
    """Probability integral transform of `observed` in the ensemble (ties count half)."""
    x = np.asarray(ensemble, dtype=float)
    return float(((x < observed).sum() + 0.5 * (x == observed).sum()) / len(x))


def crps(ensemble: np.ndarray, observed: float) -> float:
    """Continuous ranked probability score of the ensemble's empirical distribution at
    `observed`: mean|x - y| - 1/(2 m^2) sum_ij |x_i - x_j| (lower is better)."""
    x = np.sort(np.asarray(ensemble, dtype=float))
    m = len(x)
    spread = 2.0 * np.sum((2.0 * np.arange(1, m + 1) - m - 1) * x) / m**2  # sum_ij |xi-xj| / m^2
    return float(np.mean(np.abs(x - observed)) - 0.5 * spread)


def observed_ensemble(arrays: dict[str, np.ndarray], observation: Observation) -> np.ndarray:
    """The model's value of the observation in each replicate, shape (R,)."""
    spec = SERIES_BY_NAME[observation.series]
    values = arrays[observation.series][:, :, spec.columns.index(observation.actor)]  # (T+1, R)
    last = values.shape[0] - 1

    def mean_over(months: list[int]) -> np.ndarray:
        if min(months) < 0 <= max(months):  # 2024: the annual figure the run starts from
            return values[0]
        inside = [m for m in months if 0 <= m <= last]
        return values[inside].mean(axis=0)

    now = mean_over(observation.months())
    if observation.measure == "level":
        return now
    before = mean_over(observation.base_months())
    with np.errstate(divide="ignore", invalid="ignore"):
        return now / before - 1.0


def score(arrays: dict[str, np.ndarray], observations: Sequence[Observation]) -> pd.DataFrame:
    """One row per observation: observed, its range, model quantiles, PIT, inside the 80 %
    band, CRPS and scaled CRPS."""
    rows = []
    for obs in observations:
        ensemble = observed_ensemble(arrays, obs)
        ensemble = ensemble[np.isfinite(ensemble)]
        q10, q50, q90 = np.quantile(ensemble, QUANTILES) if len(ensemble) else (np.nan,) * 3
        value = crps(ensemble, obs.value) if len(ensemble) else np.nan
        scale = 1.0 if obs.measure == "growth" else max(abs(obs.value), 1e-12)
        rows.append(
            {
                "series": obs.series,
                "actor": obs.actor,
                "period": obs.period,
                "measure": obs.measure,
                "unit": "real change a year" if obs.measure == "growth" else unit_of(obs),
                "observed": obs.value,
                "low": obs.low,
                "high": obs.high,
                "q10": q10,
                "q50": q50,
                "q90": q90,
                "pit": pit(ensemble, obs.value) if len(ensemble) else np.nan,
                "inside_80": bool(q10 <= obs.value <= q90),
                "crps": value,
                "crps_scaled": value / scale,
                "confidence": obs.confidence,
                "source": obs.source,
                "published": obs.published,
            }
        )
    return pd.DataFrame(rows)


def unit_of(observation: Observation) -> str:
    return SERIES_BY_NAME[observation.series].unit


@dataclass
class HindcastScore:
    """A scored hindcast: the table (one row per observation) and its summary."""

    table: pd.DataFrame

    @property
    def inside(self) -> int:
        return int(self.table["inside_80"].sum())

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def mean_crps(self) -> float:
        """Mean scaled CRPS (growth rows as fractions, level rows relative to the observed)."""
        return float(self.table["crps_scaled"].mean())

    def summary_text(self) -> str:
        coverage = self.inside / self.n if self.n else float("nan")
        return (
            f"80 % band coverage: {self.inside} of {self.n} observations ({coverage:.0%}; "
            f"a calibrated model: about 80 %); mean CRPS {self.mean_crps:.4g} "
            "(growth as a fraction, levels relative to the observed value; lower is better)"
        )


@dataclass
class Hindcast:
    """A run of a scenario scored against observations (sim.hindcast returns one).

    `table` has one row per observation (observed, model q10 / q50 / q90, PIT, inside the
    80 % band, CRPS); `summary_text()` the coverage and mean CRPS; `result` is the run
    (a RunResult: its series, dates and outcomes).
    """

    result: RunResult
    observations: list[Observation]
    source: Path | None = None

    def __post_init__(self) -> None:
        self.score = HindcastScore(score(self.result.arrays, self.observations))

    @property
    def table(self) -> pd.DataFrame:
        return self.score.table

    def summary_text(self) -> str:
        return self.score.summary_text()

    def ensemble(self, observation: Observation) -> np.ndarray:
        """The model's values of one observation, one per replicate."""
        return observed_ensemble(self.result.arrays, observation)

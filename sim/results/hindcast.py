"""Scoring a run against observed values: quantiles, PIT, the 80 % band, CRPS, and the
Brier and log scores of events.

For each observation the run gives one model value per replicate (an ensemble): a calendar
year's `level` is the mean of its monthly values, its `growth` that mean over the previous
year's minus 1; a month's `level` is the month's value, its `growth` the value over the same
month a year before minus 1. The run starts in June 2024 from 2024's annual figures (the data
file: spending, GDP, the 2024 transfer rates), so calendar 2024's value is month 0's, not
the mean of June-December (which would make 2025's growth a growth over nine and a half
months); a year the run covers only in part at its end is the mean of the months it covers.

Against the ensemble x_1..x_m and the observed y:
- quantiles 10 / 50 / 90 % (numpy's default, linear interpolation): the model's own band;
- PIT (probability integral transform): where y falls in the distribution of what would be
  observed, the model's value plus the observation's own error (its stated low-high range or
  sd, see `observation_error_cdf`): PIT = mean_i P(x_i + e <= y). Over many observations a
  calibrated model gives PITs spread evenly over 0-1; near 0 or 1 the observation sits in a
  tail. Without a stated uncertainty the distribution is the ensemble's, and ties are
  randomised (PIT = F(y-) + V (F(y) - F(y-)), V uniform on 0-1, from a seeded stream) so a
  model with no spread at the observed value gets a uniform PIT rather than 0.5 every time;
- inside the 80 % band: y inside the middle 80 % of that same distribution
  (F(y) >= 0.1 and F(y-) <= 0.9); `inside_80_model` and `pit_model` are the same against the
  model's ensemble alone, which separates misses that the observation's noise explains from
  structural ones;
- CRPS, scoringrules' `crps_ensemble` value (the empirical distribution's CRPS, Gneiting &
  Raftery 2007, eq. 21) computed from the sorted ensemble, in the observation's unit; 0 is
  a perfect point forecast at y.
  `crps_scaled` (see `scaled_crps`) makes rows in different units comparable, and the
  summary's mean CRPS is its mean.

Events (an event did or did not happen by a date) are scored by `event_scores`: the Brier and
log scores of the share of replicates in which it happened, beside the same scores of a
reference forecast (a base rate from the record).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import ndtr

from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.results.run_result import RunResult
from sim.scenario.observations import (
    Event,
    Observation,
    ObservationFile,
    RecordedSeries,
    read_observations,
)

GROWTH_SERIES = (
    "spending",
    "capability",
    "gdp",
    "spending_plan",
    "trade_access",
    "trade_china",
    "munitions",
    "troops",
    "dprk_revenue",
    "energy_supply",
    "isolation_index",
    "lifeline_index",
)
"""Series whose year-on-year change is meaningful (amounts and indices of amounts); counts,
shares, 0-1 indices and switches support `level` only."""

RECORDED = RecordedSeries(
    columns={s.name: s.columns for s in SERIES},
    units={s.name: s.unit for s in SERIES},
    growth=GROWTH_SERIES,
)
QUANTILES = (0.1, 0.5, 0.9)
BAND = (0.1, 0.9)
"""The 80 % band: between the distribution's 10 % and 90 % points."""

PIT_NOTE = (
    "PIT: the share of the model's distribution (widened by the observation's own stated "
    "uncertainty) below the observed value; 0.5 is the median, below 0.1 or above 0.9 a miss "
    "in a tail"
)
"""PIT in one sentence, for figures."""


def read_observation_file(path: str | Path, horizon_months: int) -> ObservationFile:
    """Read an observation file (its entries and text), checked against the recorded series
    and the run's length."""
    return read_observations(path, RECORDED, horizon_months)


def load_observations(path: str | Path, horizon_months: int) -> list[Observation]:
    """The entries of an observation file, checked against the recorded series and the
    run's length."""
    return read_observation_file(path, horizon_months).observations


def crps(ensemble: np.ndarray, observed: float) -> float:
    """Continuous ranked probability score of the ensemble's empirical distribution at
    `observed` (lower is better, in the observation's unit): E|X - y| - E|X - X'| / 2, the
    value of scoringrules.crps_ensemble(estimator="nrg"), with E|X - X'| taken from the
    sorted ensemble, sum((2i - m - 1) x_(i)) * 2 / m^2, in memory m, not m^2 (its pairwise
    form asked 19 GB for a hindcast of 49,000 replicates)."""
    x = np.sort(np.asarray(ensemble, dtype=float))
    m = len(x)
    spread = float(np.dot(2.0 * np.arange(1, m + 1) - m - 1, x)) / m**2
    return float(np.mean(np.abs(x - observed))) - spread


def scaled_crps(crps_value: float, ensemble: np.ndarray, observation: Observation) -> float:
    """CRPS on a footing shared by all rows, unit-free.

    growth rows: as they are (already a fraction). level rows: divided by the larger of |y|
    and the ensemble's mean |x|, the probabilistic form of the symmetric relative error.
    Dividing by |y| alone sent an observation of 0 to CRPS / 1e-12; with the larger of the
    two the scaled score lies in 0-2 for any y (CRPS <= E|X - y| <= |y| + E|X|), is 0 for a
    perfect forecast (and for a model and an observation both at 0), and about 1 for a model
    at 10,000 troops against an observed 0. The price: the scale depends on the forecast, so
    the scaled score is not strictly proper; it only averages rows of different units, and
    each row's `crps` (proper, in its unit) is kept beside it.
    """
    if observation.measure == "growth":
        return crps_value
    scale = max(abs(observation.value), float(np.mean(np.abs(ensemble))))
    return crps_value / scale if scale > 0 else 0.0


def finite_scaled_crps(ensemble: np.ndarray, observation: Observation) -> float:
    """scaled_crps of the ensemble's finite values at the observation (NaN with none)."""
    x = ensemble[np.isfinite(ensemble)]
    return scaled_crps(crps(x, observation.value), x, observation) if len(x) else float("nan")


def observation_error_cdf(observation: Observation, error: np.ndarray) -> np.ndarray | None:
    """P(e <= error) for the observation's error e = reported - true, or None when the
    observation states no uncertainty.

    sd: e ~ normal(0, sd). low/high: the true value ~ triangular(low, value, high) (most
    likely the reported value, nothing outside the stated range; a missing side is the value
    itself), e = value - true.
    """
    if observation.sd is not None:
        return ndtr(np.asarray(error, dtype=float) / observation.sd)
    low = observation.low if observation.low is not None else observation.value
    high = observation.high if observation.high is not None else observation.value
    if high == low:
        return None
    true = observation.value - np.asarray(error, dtype=float)
    return 1.0 - _triangular_cdf(true, low, observation.value, high)


def _triangular_cdf(x: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    x = np.clip(x, low, high)
    width = high - low
    left = (x - low) ** 2 / (width * (mode - low)) if mode > low else np.zeros_like(x)
    right = 1.0 - (high - x) ** 2 / (width * (high - mode)) if high > mode else np.ones_like(x)
    return np.where(x <= mode, left, right)


def predictive_cdf(
    ensemble: np.ndarray, observation: Observation, with_error: bool = True
) -> tuple[float, float]:
    """(F(y-), F(y)) of the distribution of what would be observed: the ensemble plus the
    observation's error (the ensemble alone when it states none or with_error is False)."""
    x = np.asarray(ensemble, dtype=float)
    y = observation.value
    cdf = observation_error_cdf(observation, y - x) if with_error else None
    if cdf is None:
        return float(np.mean(x < y)), float(np.mean(x <= y))
    value = float(np.mean(cdf))
    return value, value


def pit(below: float, at: float, rng: np.random.Generator) -> float:
    """Randomised PIT from F(y-) and F(y): a uniform draw between them (ties), else F(y)."""
    return below if at == below else below + float(rng.uniform()) * (at - below)


def inside_band(below: float, at: float) -> bool:
    """y inside the distribution's middle 80 %: F(y) >= 0.1 and F(y-) <= 0.9."""
    return at >= BAND[0] and below <= BAND[1]


@dataclass(frozen=True)
class EventScore:
    """Scores of a probability that an event happens against what happened, and of a
    reference forecast (a base rate) on the same event. Lower is better for both scores."""

    probability: float
    happened: bool
    brier: float
    log: float
    reference: float
    brier_reference: float
    log_reference: float

    @property
    def brier_skill(self) -> float:
        """1 - Brier / Brier of the reference: above 0 beats the reference."""
        return 1.0 - self.brier / self.brier_reference if self.brier_reference else math.nan


def event_probability(occurred: np.ndarray) -> float:
    """The share of replicates in which the event happened, with half a replicate of doubt
    each way ((k + 1/2) / (m + 1)): an ensemble of m cannot tell 0 from under 1/m, and a
    log score must not be infinite because 200 replicates missed a rare event."""
    hits = np.asarray(occurred, dtype=bool)
    return (float(hits.sum()) + 0.5) / (len(hits) + 1.0)


def event_scores(occurred: np.ndarray, happened: bool, base_rate: float) -> EventScore:
    """Brier and log scores of the ensemble's probability that the event happens (one flag
    per replicate) and of `base_rate`: (p - o)^2 and -log of the probability given to what
    happened, as scoringrules' brier_score and log_score define them (tests/test_hindcast.py
    checks them against scoringrules; importing it here would compile its numba kernels,
    4-6 s, in every hindcast)."""
    probability = event_probability(occurred)
    outcome = int(bool(happened))

    def both(p: float) -> tuple[float, float]:
        return (p - outcome) ** 2, -float(np.log(p if outcome else 1.0 - p))

    brier, log = both(probability)
    brier_ref, log_ref = both(base_rate)
    return EventScore(probability, bool(happened), brier, log, base_rate, brier_ref, log_ref)


EVENT_COLUMNS = (
    "series",
    "by",
    "happened",
    "probability",
    "brier",
    "log",
    "reference",
    "brier_reference",
    "log_reference",
    "brier_skill",
    "reference_from",
    "source",
)
"""The event table's columns (an empty table keeps them)."""


def event_occurred(arrays: dict[str, np.ndarray], event: Event) -> np.ndarray:
    """Whether the event happened in each replicate: its counted series above its June 2024
    value at the end of month `event.month`, shape (R,)."""
    counts = arrays[event.series][:, :, 0]
    return counts[min(event.month, counts.shape[0] - 1)] > counts[0]


def score_events(arrays: dict[str, np.ndarray], events: Sequence[Event]) -> pd.DataFrame:
    """One row per event: what happened, the model's probability and the reference's, and
    the Brier and log scores of both (lower is better; brier_skill above 0 beats the
    reference)."""
    rows = []
    for event in events:
        scored = event_scores(event_occurred(arrays, event), event.happened, event.base_rate)
        rows.append(
            {
                "series": event.series,
                "by": event.by,
                "happened": event.happened,
                "probability": scored.probability,
                "brier": scored.brier,
                "log": scored.log,
                "reference": scored.reference,
                "brier_reference": scored.brier_reference,
                "log_reference": scored.log_reference,
                "brier_skill": scored.brier_skill,
                "reference_from": event.base_rate_from,
                "source": event.source,
            }
        )
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


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


def score(
    arrays: dict[str, np.ndarray], observations: Sequence[Observation], seed: int = 0
) -> pd.DataFrame:
    """One row per observation: observed, its range, model quantiles, PIT and the 80 % band
    (with the observation's error and without), CRPS and scaled CRPS. `seed` seeds the
    randomised PIT of ties."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame([_row(arrays, obs, rng) for obs in observations])


def _row(
    arrays: dict[str, np.ndarray], obs: Observation, rng: np.random.Generator
) -> dict[str, object]:
    ensemble = observed_ensemble(arrays, obs)
    ensemble = ensemble[np.isfinite(ensemble)]
    scores: dict[str, object] = dict.fromkeys(
        ("q10", "q50", "q90", "pit", "pit_model", "crps", "crps_scaled"), np.nan
    )
    scores |= {"inside_80": False, "inside_80_model": False}
    if len(ensemble):
        q10, q50, q90 = np.quantile(ensemble, QUANTILES)
        below, at = predictive_cdf(ensemble, obs)
        model_below, model_at = predictive_cdf(ensemble, obs, with_error=False)
        value = crps(ensemble, obs.value)
        scores = {
            "q10": q10,
            "q50": q50,
            "q90": q90,
            "pit": pit(below, at, rng),
            "inside_80": inside_band(below, at),
            "pit_model": pit(model_below, model_at, rng),
            "inside_80_model": bool(q10 <= obs.value <= q90),
            "crps": value,
            "crps_scaled": scaled_crps(value, ensemble, obs),
        }
    return {
        "series": obs.series,
        "actor": obs.actor,
        "period": obs.period,
        "measure": obs.measure,
        "unit": "real change a year" if obs.measure == "growth" else unit_of(obs),
        "observed": obs.value,
        "low": obs.low,
        "high": obs.high,
        "sd": obs.sd,
        **scores,
        "confidence": obs.confidence,
        "prices": obs.prices,
        "source": obs.source,
        "published": obs.published,
    }


def unit_of(observation: Observation) -> str:
    return SERIES_BY_NAME[observation.series].unit


@dataclass
class HindcastScore:
    """A scored hindcast: the table (one row per observation) and its summary."""

    table: pd.DataFrame

    @property
    def inside(self) -> int:
        """Observations inside the 80 % band of the model plus the observation's error."""
        return int(self.table["inside_80"].sum())

    @property
    def inside_model(self) -> int:
        """Observations inside the model's own 80 % band (q10 - q90)."""
        return int(self.table["inside_80_model"].sum())

    @property
    def n(self) -> int:
        return len(self.table)

    @property
    def mean_crps(self) -> float:
        """Mean scaled CRPS (growth rows as fractions, level rows unit-free: scaled_crps)."""
        return float(self.table["crps_scaled"].mean())

    def summary_text(self) -> str:
        return (
            f"80 % band coverage: {self.inside} of {self.n} observations allowing for their "
            f"stated uncertainty, {self.inside_model} of {self.n} in the model's own band "
            f"(a calibrated model: about 80 %); mean CRPS {self.mean_crps:.4g} (growth as a "
            "fraction, levels relative to the larger of the observed and the model's mean; "
            "lower is better)"
        )


@dataclass
class Hindcast:
    """A run of a scenario scored against observations (sim.hindcast returns one).

    `table` has one row per observation (observed, model q10 / q50 / q90, PIT, inside the
    80 % band, CRPS); `event_table` one row per event (the model's probability and a base
    rate's, Brier and log scores of both); `summary_text()` the coverage, mean CRPS and event
    scores; `result` is the run (a RunResult: its series, dates and outcomes). `source_text`
    is the observation file's text as read and checked (written beside the results).
    """

    result: RunResult
    observations: list[Observation]
    source: Path | None = None
    source_text: str | None = None
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        seed = self.result.scenario.spec.seed
        self.score = HindcastScore(score(self.result.arrays, self.observations, seed))
        self.event_table = score_events(self.result.arrays, self.events)

    @classmethod
    def of_file(cls, result: RunResult, file: ObservationFile) -> "Hindcast":
        """A run scored against an observation file as read (its values and its events)."""
        return cls(result, file.observations, file.path, file.text, file.events)

    @property
    def table(self) -> pd.DataFrame:
        return self.score.table

    def summary_text(self) -> str:
        lines = [self.score.summary_text()]
        for row in self.event_table.itertuples():
            verb = "happened" if row.happened else "did not happen"
            lines.append(
                f"event '{row.series} by {row.by}' ({verb}): model {row.probability:.0%}, "
                f"Brier {row.brier:.3f}, log {row.log:.3f}; base rate {row.reference:.0%}, "
                f"Brier {row.brier_reference:.3f}, log {row.log_reference:.3f}"
            )
        return "\n".join(lines)

    def ensemble(self, observation: Observation) -> np.ndarray:
        """The model's values of one observation, one per replicate."""
        return observed_ensemble(self.result.arrays, observation)

    @cached_property
    def mean_crps_error(self) -> float:
        """Monte Carlo standard error of the mean scaled CRPS: its sd over 200 bootstrap
        resamples of the replicates (the same resample for every observation), seeded by the
        run's seed."""
        ensembles = [self.ensemble(o) for o in self.observations]
        if not ensembles:
            return float("nan")
        rng = np.random.default_rng(self.result.scenario.spec.seed)
        m = len(ensembles[0])
        means = []
        for _ in range(200):
            pick = rng.integers(0, m, m)
            rows = [
                finite_scaled_crps(x[pick], obs)
                for x, obs in zip(ensembles, self.observations, strict=True)
            ]
            means.append(np.nanmean(rows))
        return float(np.std(means, ddof=1))

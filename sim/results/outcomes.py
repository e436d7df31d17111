"""The outcomes the article raises, each a documented function of the recorded series.

Every function takes recorded arrays shaped (months + 1, R, width) (sim.model.recording;
month 0 is June 2024) and returns one value per replicate. Thresholds come from
OutcomeSettings (scenario key `outcomes:`), with defaults from the literature. The outcomes'
names and meanings are declared with their settings (sim.scenario.outcome_settings.OUTCOMES);
each measure below declares the series it reads, so a run that only needs outcomes records
only those (OUTCOME_SERIES).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from sim.actors import INDEX
from sim.scenario.outcome_settings import OUTCOMES, OutcomeSettings

Arrays = Mapping[str, np.ndarray]

Z95 = NormalDist().inv_cdf(0.975)
"""The normal quantile of a two-sided 95 % interval (1.95996...)."""


def over_time(values: np.ndarray) -> np.ndarray:
    """(T, R, ...) -> (R, ..., T), contiguous: reductions then run along the last axis.

    NumPy sums a contiguous last axis the same way whatever the other dimensions, but may sum
    other axes in another order; reducing along the last axis keeps each replicate's result
    independent of how many replicates share the array (bit-for-bit reproducibility).
    """
    return np.ascontiguousarray(np.moveaxis(values, 0, -1))


def annual_means(monthly: np.ndarray) -> np.ndarray:
    """Yearly means of a monthly rate (months + 1, R) -> (years, R); year 0 = Jun 2024-May 2025.

    Only whole years are used: a 120-month run gives 10 years, a run of under 11 months none
    (an empty array; measures over years are then NaN, and outcomes needing years false).
    """
    years = monthly.shape[0] // 12
    if years == 0:
        return np.empty((0, *monthly.shape[1:]))
    by_replicate = over_time(monthly[: years * 12])  # (R, years * 12)
    return by_replicate.reshape(-1, years, 12).mean(axis=2).T


def annual_growth(monthly: np.ndarray) -> np.ndarray:
    """Year-on-year growth of the yearly means, (years - 1, R)."""
    annual = annual_means(monthly)
    before = annual[:-1]
    ratio = np.divide(annual[1:], before, out=np.full_like(before, np.nan), where=before > 0)
    return ratio - 1.0


def longest_joint_run(grows: np.ndarray) -> np.ndarray:
    """Longest run of consecutive years (axis 0) in which `grows` is true, per replicate."""
    run = np.zeros(grows.shape[1], dtype=int)
    best = np.zeros_like(run)
    for year in grows:
        run = np.where(year, run + 1, 0)
        best = np.maximum(best, run)
    return best


def builds_up(growth: np.ndarray, settings: OutcomeSettings) -> np.ndarray:
    """Whether yearly real growth (years - 1, R) reached arms_race_growth for arms_race_years
    consecutive years: a military build-up (Diehl & Kingston 1987, J. of Politics 49(3))."""
    return longest_joint_run(growth >= settings.arms_race_growth) >= settings.arms_race_years


def racing(growth_a: np.ndarray, growth_b: np.ndarray, settings: OutcomeSettings) -> np.ndarray:
    """Whether two rivals' yearly real growth (years - 1, R) both reached arms_race_growth
    for arms_race_years consecutive years (arms_race's criterion)."""
    rate = settings.arms_race_growth
    both = (growth_a >= rate) & (growth_b >= rate)
    return longest_joint_run(both) >= settings.arms_race_years


def pair_growth(spending: np.ndarray, a: str, b: str) -> tuple[np.ndarray, np.ndarray]:
    """The yearly real growth of a's and of b's spending, each (years - 1, R)."""
    return annual_growth(spending[:, :, INDEX[a]]), annual_growth(spending[:, :, INDEX[b]])


def arms_race(spending: np.ndarray, a: str, b: str, settings: OutcomeSettings) -> np.ndarray:
    """Whether rivals a and b ran an arms race, per replicate.

    Diehl (1983, J. of Peace Research 20(3)) and Gibler, Rider & Hutchison (2005, JPR 42(2))
    call a mutual military build-up an arms race when both rivals' military spending grows at
    least 8 % a year for three consecutive years (arms_race_growth, arms_race_years). Growth
    is measured on yearly means of the monthly spending rate.
    """
    return racing(*pair_growth(spending, a, b), settings)


def one_sided_buildup(
    growth_a: np.ndarray, growth_b: np.ndarray, settings: OutcomeSettings
) -> np.ndarray:
    """Whether either rival built up (builds_up) while the two did not race (racing), from
    their yearly real growth: the unilateral build-up of Diehl & Kingston (1987), what L15
    describes of Japan and South Korea (Japan's real spending +21 % in 2024, SIPRI) more often
    than a mutual race."""
    alone = builds_up(growth_a, settings) | builds_up(growth_b, settings)
    return alone & ~racing(growth_a, growth_b, settings)


RACE_CURVE_GROWTH = tuple(round(0.01 * g, 2) for g in range(2, 13))
"""Yearly real growth thresholds of the arms-race curve (2-12 %)."""
RACE_CURVE_YEARS = (1, 2, 3)
"""Consecutive years of the arms-race curve."""


def race_curve(spending: np.ndarray, settings: OutcomeSettings) -> pd.DataFrame:
    """Share of futures with a regional arms race (any of settings.rival_pairs) over a range
    of criteria (RACE_CURVE_GROWTH x RACE_CURVE_YEARS), with 95 % Wilson intervals: how far
    the answer rests on the choice of threshold (the 8 % / three-year criterion is one point)."""
    growths = [pair_growth(spending, a, b) for a, b in settings.rival_pairs]
    rows = []
    n = spending.shape[1]
    for years in RACE_CURVE_YEARS:
        for growth in RACE_CURVE_GROWTH:
            criterion = settings.model_copy(
                update={"arms_race_growth": growth, "arms_race_years": years}
            )
            races = np.zeros(n, dtype=bool)
            for growth_a, growth_b in growths:
                races |= racing(growth_a, growth_b, criterion)
            low, high = wilson_interval(int(races.sum()), n)
            rows.append(
                {
                    "growth": growth,
                    "years": years,
                    "share": races.mean(),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pd.DataFrame(rows)


def regional_growth(
    spending: np.ndarray, actors: tuple[str, ...] = ("rok", "japan", "dprk")
) -> np.ndarray:
    """Compound annual real growth of the actors' combined spending over the whole years of
    a run (constant 2024 US$).

    The regional index (docs/outcomes.md): combined South Korean, Japanese and North Korean
    spending growth (L15); with MILITARISATION_ACTORS, the region's militarisation.
    """
    combined = spending[:, :, [INDEX[x] for x in actors]].sum(axis=2)
    annual = annual_means(combined)
    years = annual.shape[0] - 1
    if years < 1:
        return np.full(annual.shape[1], np.nan)
    return (annual[-1] / annual[0]) ** (1.0 / years) - 1.0


def richardson_fit(
    spending: np.ndarray, a: str, b: str, dt: float = 1.0 / 12.0
) -> dict[str, np.ndarray]:
    """Fit Richardson's dyad dx/dt = k y - a x + g, dy/dt = l x - b y + h by least squares.

    Regresses each rival's monthly change (per year) on the other's and its own spending and a
    constant, per replicate (Richardson 1960; the estimation of e.g. Intriligator & Brito
    1984). Returns k, a, g, l, b, h and the stability margin a*b - k*l (stable if > 0). NaN
    where the series are too collinear to separate the terms.
    """
    x, y = spending[:, :, INDEX[a]], spending[:, :, INDEX[b]]
    k, minus_a, g = _ols(np.diff(x, axis=0) / dt, y[:-1], x[:-1])
    l_, minus_b, h = _ols(np.diff(y, axis=0) / dt, x[:-1], y[:-1])
    fit = {"k": k, "a": -minus_a, "g": g, "l": l_, "b": -minus_b, "h": h}
    fit["margin"] = fit["a"] * fit["b"] - fit["k"] * fit["l"]
    return fit


def _ols(
    target: np.ndarray, other: np.ndarray, own: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-replicate OLS of target (T, R) on [other, own, 1]; sums, not BLAS, so that each
    replicate's result does not depend on the batch it is in.

    The normal equations' sums, each once: the Gram matrix is symmetric (x*y and y*x are the
    same double), a product with the constant column is the column itself (x*1 == x), and
    the constant's own entry is the count of months (a sum of ones, exact).
    """
    x, z, y = over_time(other), over_time(own), over_time(target)
    n = np.full(x.shape[0], float(x.shape[1]))
    sx, sz = x.sum(axis=1), z.sum(axis=1)
    sxz = (x * z).sum(axis=1)
    gram = np.stack(
        [
            np.stack([(x * x).sum(axis=1), sxz, sx], axis=1),
            np.stack([sxz, (z * z).sum(axis=1), sz], axis=1),
            np.stack([sx, sz, n], axis=1),
        ],
        axis=1,
    )
    rhs = np.stack([(x * y).sum(axis=1), (z * y).sum(axis=1), y.sum(axis=1)], axis=1)
    scale = np.abs(gram).max(axis=(1, 2))
    ok = np.abs(np.linalg.det(gram / scale[:, None, None])) > 1e-12
    coef = np.full((y.shape[0], 3), np.nan)
    if ok.any():
        coef[ok] = np.linalg.solve(gram[ok], rhs[ok][:, :, None])[:, :, 0]
    return coef[:, 0], coef[:, 1], coef[:, 2]


def final_mean(series: np.ndarray, settings: OutcomeSettings) -> np.ndarray:
    """Mean over the final window (final_window_months) of a (months + 1, R) series."""
    return over_time(series[-settings.final_window_months :]).mean(axis=1)


def isolation(
    isolation_idx: np.ndarray, lifeline: np.ndarray, settings: OutcomeSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Whether isolating the bloc holds, fails, or never happened, per replicate: every
    replicate is in exactly one of the three.

    L25: the West seeks to isolate Pyongyang and Moscow; L8: evasion through each other and
    China. The bloc is isolated when its isolation index (trade and ties with the sanctioning
    coalition, 2024 = 1; sim.model.mechanisms.record.isolation_index) falls to isolation_threshold.
    Holds: it was isolated and its lifeline (all trade, evasion routes and each other
    included, 2024 = 1) ends, averaged over the final window, below lifeline_restored.
    Fails: it was isolated, but evasion restored the lifeline. Never isolated: the index
    never fell that far (the sanctions did not bite; not a failure of isolation, nor a
    success).
    """
    isolated_ever = isolation_idx.min(axis=0) <= settings.isolation_threshold
    restored = final_mean(lifeline, settings) >= settings.lifeline_restored
    return isolated_ever & ~restored, isolated_ever & restored, ~isolated_ever


MILITARISATION_ACTORS = ("dprk", "russia", "usa", "china", "rok", "japan")
"""The region's actors for regional militarisation: East Asia's states and the US (the EU is
not in the region)."""


def de_escalation(tension: np.ndarray, wars: np.ndarray, settings: OutcomeSettings) -> np.ndarray:
    """The dialogue track wins (L19, L29): peninsula tension, averaged over the final window,
    is at least de_escalation_drop below the series' first month (June 2024, or the present
    for outcomes after it), and no war broke out after that month."""
    fell = final_mean(tension, settings) <= (1.0 - settings.de_escalation_drop) * tension[0]
    return fell & (wars[-1] == wars[0])


@dataclass(frozen=True)
class Measure:
    """Columns of the outcome table computed from some recorded series (its `inputs`)."""

    inputs: tuple[str, ...]
    compute: Callable[[Arrays, OutcomeSettings], dict[str, np.ndarray]]


def _arms_races(arrays: Arrays, settings: OutcomeSettings) -> dict[str, np.ndarray]:
    spending = arrays["spending"]
    table: dict[str, np.ndarray] = {}
    nobody = np.zeros(spending.shape[1], dtype=bool)
    races, alone = [nobody], [nobody]
    for a, b in settings.rival_pairs:
        growth_a, growth_b = pair_growth(spending, a, b)
        race = racing(growth_a, growth_b, settings)
        races.append(race)
        alone.append(one_sided_buildup(growth_a, growth_b, settings))
        table[f"arms_race_{a}_{b}"] = race
        table[f"real_growth_{a}_{b}"] = regional_growth(spending, (a, b))
        table[f"richardson_margin_{a}_{b}"] = richardson_fit(spending, a, b)["margin"]
    table["regional_arms_race"] = np.any(races, axis=0)
    table["one_sided_buildup"] = np.any(alone, axis=0)
    table["regional_spending_growth"] = regional_growth(spending)
    table["regional_militarisation"] = regional_growth(spending, MILITARISATION_ACTORS)
    return table


def happened(counter: np.ndarray) -> np.ndarray:
    """Whether a cumulative count (months + 1, R, 1) rose within the series: an event
    occurred after its first month (June 2024, when every count is 0, or the window's start)."""
    return counter[-1, :, 0] > counter[0, :, 0]


def _clashes(arrays: Arrays, settings: OutcomeSettings) -> dict[str, np.ndarray]:
    return {
        "armed_clash": happened(arrays["clashes"]),
        "war": happened(arrays["wars"]),
        "reciprocity_fired": happened(arrays["reciprocity"]),
    }


def _isolation(arrays: Arrays, settings: OutcomeSettings) -> dict[str, np.ndarray]:
    index, lifeline = arrays["isolation_index"][:, :, 0], arrays["lifeline_index"][:, :, 0]
    holds, fails, never = isolation(index, lifeline, settings)
    return {
        "isolation_holds": holds,
        "isolation_fails": fails,
        "never_isolated": never,
        "final_isolation_index": final_mean(index, settings),
        "final_lifeline_index": final_mean(lifeline, settings),
    }


def _de_escalation(arrays: Arrays, settings: OutcomeSettings) -> dict[str, np.ndarray]:
    return {
        "de_escalation": de_escalation(
            arrays["peninsula_tension"][:, :, 0], arrays["wars"][:, :, 0], settings
        )
    }


def _leadership(arrays: Arrays, settings: OutcomeSettings) -> dict[str, np.ndarray]:
    return {"leadership_change": happened(arrays["leader_changed"])}


MEASURES: tuple[Measure, ...] = (
    Measure(("spending",), _arms_races),
    Measure(("clashes", "wars", "reciprocity"), _clashes),
    Measure(("isolation_index", "lifeline_index"), _isolation),
    Measure(("peninsula_tension", "wars"), _de_escalation),
    Measure(("leader_changed",), _leadership),
)
"""The outcome table's columns, in order, each group with the series it reads."""

OUTCOME_SERIES: tuple[str, ...] = tuple(dict.fromkeys(s for m in MEASURES for s in m.inputs))
"""Every series the outcomes read: all a run that keeps only outcomes must record."""


def outcome_table(
    arrays: Arrays, settings: OutcomeSettings, replicate_ids: np.ndarray, start: int = 0
) -> pd.DataFrame:
    """One row per replicate: every outcome, and the measures behind them, judged over the
    months from `start` (the scenario's outcome_start: 0, or its present) to the end.

    Each measure sees only the series it declares, so a missing declaration fails here.
    """
    table: dict[str, np.ndarray] = {"replicate": np.asarray(replicate_ids)}
    for measure in MEASURES:
        inputs = {name: arrays[name][start:] for name in measure.inputs}
        table |= measure.compute(inputs, settings)
    return pd.DataFrame(table)


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial share (Wilson 1927); (nan, nan) when n = 0."""
    if n == 0:
        return float("nan"), float("nan")
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low = 0.0 if successes == 0 else max(0.0, min(share, centre - half))
    high = 1.0 if successes == n else min(1.0, max(share, centre + half))
    return float(low), float(high)


def share_table(hits: Mapping[str, int], n: int, count: str = "replicates") -> pd.DataFrame:
    """Share of `n` with each outcome, its 95 % Wilson interval and its meaning; `count`
    names the column holding n (replicates, or runs of a sweep)."""
    rows = []
    for name, k in hits.items():
        low, high = wilson_interval(k, n)
        rows.append(
            {
                "outcome": name,
                "share": k / n if n else float("nan"),
                "ci_low": low,
                "ci_high": high,
                count: n,
                "meaning": OUTCOMES[name],
            }
        )
    return pd.DataFrame(rows)


def summarize(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Share of replicates with each outcome, with its 95 % Wilson interval."""
    return share_table({name: int(outcomes[name].sum()) for name in OUTCOMES}, len(outcomes))

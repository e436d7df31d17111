"""Scenarios compared on common random numbers: outcome shares and paired differences.

Every scenario runs with the same seed, replicates and horizon, so replicate r of each sees
the same shocks; the difference between two scenarios' replicate r is then the policy's
effect on that history, not noise (paired comparison, common random numbers). Outcomes are
compared as paired binary data: the difference of shares with Newcombe's (1998) hybrid score
interval for paired proportions, and the discordant futures with an exact McNemar test.

Paired, not independent, because the futures are paired: replicate r of every scenario draws
from the same stream (sim.model.randomness), so whether future r has an outcome under A and
under B is correlated, usually strongly. An interval for two independent proportions (e.g.
Newcombe's hybrid score interval for unpaired data, Statistics in Medicine 17: 873-890)
ignores that correlation and would be too wide, hiding real differences; the paired interval
uses the paired table's correlation phi.

Every share carries its 95 % Wilson interval; an outcome the scenarios' events decide
(sim.results.forced) is marked `forced` and never counts as a difference the scenarios made.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.model.recording import KEY_SERIES
from sim.results.forced import forced_outcomes
from sim.results.outcomes import Z95, final_mean, wilson_interval
from sim.results.run_result import RunResult
from sim.scenario.outcome_settings import OUTCOMES


def paired_difference_interval(
    both: int, first_only: int, second_only: int, neither: int, z: float = Z95
) -> tuple[float, float]:
    """Interval for p1 - p2, the difference of two proportions measured on the same units:
    Newcombe (1998, Statistics in Medicine 17: 2635-2650), method 10, the hybrid score
    interval with continuity-corrected phi.

    `both`, `first_only`, `second_only`, `neither` are the four cells of the paired table
    (units with the outcome under both, under the first only, ...); p1 = (both +
    first_only) / n, p2 = (both + second_only) / n. The Wilson intervals (l1, u1), (l2, u2)
    of p1 and p2 are combined with the correlation phi of the paired table:
        lower = d - sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2)
        upper = d + sqrt((u1 - p1)^2 - 2 phi (u1 - p1)(p2 - l2) + (p2 - l2)^2)
    where phi = (AD - BC) / sqrt(EFGH) from the cells and margins, with AD - BC replaced by
    max(AD - BC - n/2, 0) when positive, and phi = 0 when a margin is empty.
    (nan, nan) when n = 0.
    """
    cells = [int(both), int(first_only), int(second_only), int(neither)]
    if min(cells) < 0:
        raise ValueError(f"paired counts must be non-negative, got {cells}")
    a, b, c, d = cells  # Python integers: the product of margins overflows int64 at 10^5
    n = a + b + c + d
    if n == 0:
        return float("nan"), float("nan")
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson_interval(a + b, n, z)
    l2, u2 = wilson_interval(a + c, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        phi = 0.0
    else:
        cross = a * d - b * c
        phi = (max(cross - n / 2, 0.0) if cross > 0 else cross) / math.sqrt(margins)
    delta = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0))
    epsilon = math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0))
    difference = p1 - p2
    return max(-1.0, difference - delta), min(1.0, difference + epsilon)


def mcnemar_exact_p(more: int, fewer: int) -> float:
    """Two-sided exact McNemar test: under 'no effect' each of the more + fewer discordant
    units is equally likely to go either way, so min(more, fewer) is Binomial(more + fewer,
    1/2); p = 2 P(X <= min), capped at 1 (1 when there is no discordant unit)."""
    k = int(more) + int(fewer)
    if k == 0:
        return 1.0
    from scipy.stats import binom  # loaded on first use: scipy.stats takes 0.5 s to import

    return float(min(1.0, 2.0 * binom.cdf(min(int(more), int(fewer)), k, 0.5)))


def headline_candidates(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of Comparison.paired_outcomes() fit to headline: the difference's 95 %
    interval excludes 0 (beyond Monte Carlo error) and no scenario's events force the
    outcome; largest difference first (ties: smaller p-value)."""
    chosen = table[table["differs"].astype(bool) & ~table["forced"].astype(bool)]
    size = chosen["difference"].abs().to_numpy(float)
    return chosen.iloc[np.lexsort((chosen["p_value"].to_numpy(float), -size))]


PAIRED_OUTCOME_COLUMNS = [
    "scenario",
    "versus",
    "outcome",
    "meaning",
    "share_a",
    "share_a_low",
    "share_a_high",
    "share_b",
    "share_b_low",
    "share_b_high",
    "difference",
    "ci_low",
    "ci_high",
    "differs",
    "forced",
    "b_not_a",
    "a_not_b",
    "both",
    "neither",
    "replicates",
    "p_value",
]
"""The columns of Comparison.paired_outcomes() and of a comparison's paired_outcomes.csv."""


@dataclass
class Comparison:
    """Runs of several scenarios on the same seed, replicates and horizon."""

    results: list[RunResult]

    def __post_init__(self) -> None:
        first = self.results[0]
        for other in self.results[1:]:
            if not (
                np.array_equal(other.replicate_ids, first.replicate_ids)
                and other.scenario.spec.seed == first.scenario.spec.seed
                and other.scenario.spec.horizon_months == first.scenario.spec.horizon_months
            ):
                raise ScenarioError(
                    other.scenario.path or other.scenario.name,
                    None,
                    "",
                    "runs compared must share seed, replicates and horizon "
                    f"with '{first.scenario.name}'",
                )

    @property
    def names(self) -> list[str]:
        """Scenario names, made unique (a name used twice gets '#2')."""
        seen: dict[str, int] = {}
        out = []
        for result in self.results:
            name = result.scenario.name
            seen[name] = seen.get(name, 0) + 1
            out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
        return out

    def forced_outcomes(self) -> list[dict[str, bool]]:
        """Per scenario, the outcomes its events decide (sim.results.forced)."""
        return [forced_outcomes(result.scenario) for result in self.results]

    def outcome_table(self) -> pd.DataFrame:
        """Long table: scenario, outcome, share and its 95 % Wilson interval, replicates, and
        forced: whether the scenario's events decide the outcome."""
        frames = []
        for name, result, decided in zip(
            self.names, self.results, self.forced_outcomes(), strict=True
        ):
            summary = result.summary()
            frames.append(
                summary.assign(scenario=name, forced=summary["outcome"].isin(list(decided)))
            )
        table = pd.concat(frames, ignore_index=True)
        return table[["scenario", "outcome", "share", "ci_low", "ci_high", "replicates", "forced"]]

    def outcome_wide(self) -> pd.DataFrame:
        """One row per outcome, one column per scenario: 'share % (low-high)', followed by
        ' forced' where the scenario's events decide the outcome."""
        table = self.outcome_table()
        cells = table.assign(
            cell=[
                f"{s * 100:5.1f} % ({lo * 100:.1f}-{hi * 100:.1f})" + (" forced" if forced else "")
                for s, lo, hi, forced in zip(
                    table["share"], table["ci_low"], table["ci_high"], table["forced"], strict=True
                )
            ]
        )
        wide = cells.pivot(index="outcome", columns="scenario", values="cell")
        return wide.loc[list(dict.fromkeys(table["outcome"])), self.names]

    def paired_outcomes(self) -> pd.DataFrame:
        """Each outcome of each scenario (B) against the first (A), replicate by replicate.

        Columns: scenario, versus, outcome, meaning; share_a, share_b, each with its 95 %
        Wilson interval (share_a_low, share_a_high, ...); difference (B - A) with ci_low,
        ci_high: its 95 % interval for paired binary data (Newcombe 1998, method 10; paired
        because the scenarios run on common random numbers, see the module docstring);
        differs: the interval excludes 0 (a difference beyond Monte Carlo error); forced:
        A's or B's events decide the outcome (sim.results.forced), so the difference is the
        scenario file's, not the dynamics'; b_not_a, a_not_b: futures (replicates) with the
        outcome under B but not A, and under A but not B; both, neither; replicates;
        p_value: exact McNemar test of b_not_a against a_not_b. b_not_a + a_not_b + both +
        neither = replicates, and difference = (b_not_a - a_not_b) / replicates.
        """
        first = self.results[0].outcomes
        forced = self.forced_outcomes()
        rows = []
        for name, result, decided in zip(self.names[1:], self.results[1:], forced[1:], strict=True):
            for outcome, meaning in OUTCOMES.items():
                if outcome not in first or outcome not in result.outcomes:
                    continue
                in_a = first[outcome].to_numpy(bool)
                in_b = result.outcomes[outcome].to_numpy(bool)
                both, b_not_a = int((in_a & in_b).sum()), int((in_b & ~in_a).sum())
                a_not_b, neither = int((in_a & ~in_b).sum()), int((~in_a & ~in_b).sum())
                low, high = paired_difference_interval(both, b_not_a, a_not_b, neither)
                n = len(in_a)
                a_low, a_high = wilson_interval(int(in_a.sum()), n)
                b_low, b_high = wilson_interval(int(in_b.sum()), n)
                rows.append(
                    {
                        "scenario": name,
                        "versus": self.names[0],
                        "outcome": outcome,
                        "meaning": meaning,
                        "share_a": in_a.mean() if n else float("nan"),
                        "share_a_low": a_low,
                        "share_a_high": a_high,
                        "share_b": in_b.mean() if n else float("nan"),
                        "share_b_low": b_low,
                        "share_b_high": b_high,
                        "difference": (b_not_a - a_not_b) / n if n else float("nan"),
                        "ci_low": low,
                        "ci_high": high,
                        "differs": bool(low > 0 or high < 0),
                        "forced": outcome in forced[0] or outcome in decided,
                        "b_not_a": b_not_a,
                        "a_not_b": a_not_b,
                        "both": both,
                        "neither": neither,
                        "replicates": n,
                        "p_value": mcnemar_exact_p(b_not_a, a_not_b),
                    }
                )
        return pd.DataFrame(rows, columns=PAIRED_OUTCOME_COLUMNS)

    def paired_differences(
        self, series: Sequence[tuple[str, str | None]] = KEY_SERIES
    ) -> pd.DataFrame:
        """Per replicate: each scenario's end value (final-window mean) minus the first's."""
        base = self.results[0]
        settings = base.scenario.spec.outcomes
        rows = []
        for name, result in zip(self.names[1:], self.results[1:], strict=True):
            for variable, column in series:
                ours = final_mean(result.series(variable, column), settings)
                theirs = final_mean(base.series(variable, column), settings)
                rows.append(
                    pd.DataFrame(
                        {
                            "replicate": base.replicate_ids,
                            "scenario": name,
                            "variable": variable,
                            "actor": column or "",
                            "value": ours,
                            "baseline_value": theirs,
                            "difference": ours - theirs,
                        }
                    )
                )
        return pd.concat(rows, ignore_index=True)

    def paired_summary(self, series: Sequence[tuple[str, str | None]] = KEY_SERIES) -> pd.DataFrame:
        """Mean paired difference with its 95 % interval, and the share of replicates up."""
        diffs = self.paired_differences(series)
        rows = []
        for (scenario, variable, actor), group in diffs.groupby(
            ["scenario", "variable", "actor"], sort=False
        ):
            d = group["difference"].to_numpy()
            half = Z95 * d.std(ddof=1) / np.sqrt(len(d)) if len(d) > 1 else np.nan
            rows.append(
                {
                    "scenario": scenario,
                    "versus": self.names[0],
                    "variable": variable,
                    "actor": actor,
                    "mean_difference": d.mean(),
                    "ci_low": d.mean() - half,
                    "ci_high": d.mean() + half,
                    "share_higher": float((d > 0).mean()),
                    "replicates": len(d),
                }
            )
        return pd.DataFrame(rows)

"""Scenarios compared on common random numbers: outcome shares and paired differences.

Every scenario runs with the same seed, replicates and horizon, so replicate r of each sees
the same shocks; the difference between two scenarios' replicate r is then the policy's
effect on that history, not noise (paired comparison, common random numbers).
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.model.recording import KEY_SERIES
from sim.results.outcomes import Z95, final_mean
from sim.results.run_result import RunResult


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

    def outcome_table(self) -> pd.DataFrame:
        """Long table: scenario, outcome, share and its 95 % Wilson interval."""
        frames = [
            result.summary().assign(scenario=name)
            for name, result in zip(self.names, self.results, strict=True)
        ]
        table = pd.concat(frames, ignore_index=True)
        return table[["scenario", "outcome", "share", "ci_low", "ci_high", "replicates"]]

    def outcome_wide(self) -> pd.DataFrame:
        """One row per outcome, one column per scenario: 'share % (low-high)'."""
        table = self.outcome_table()
        cells = table.assign(
            cell=[
                f"{s * 100:5.1f} % ({lo * 100:.1f}-{hi * 100:.1f})"
                for s, lo, hi in zip(table["share"], table["ci_low"], table["ci_high"], strict=True)
            ]
        )
        wide = cells.pivot(index="outcome", columns="scenario", values="cell")
        return wide.loc[list(dict.fromkeys(table["outcome"])), self.names]

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

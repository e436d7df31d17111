"""A finished run: recorded arrays, real dates, tidy tables and outcomes."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from sim.calendar import month_starts
from sim.errors import UserError, unknown_key_message
from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.results.outcomes import outcome_table, summarize
from sim.scenario.scenario import Scenario


@dataclass
class RunResult:
    """The recorded series of a run of R replicates, and what follows from them.

    `arrays[name]` has shape (months + 1, R, width) (see sim.model.recording for units and
    columns). `to_frame()` gives the tidy table; `outcomes` one row per replicate;
    `summary()` the share of replicates with each outcome.
    """

    scenario: Scenario
    replicate_ids: np.ndarray
    arrays: dict[str, np.ndarray]
    dates: pd.DatetimeIndex = field(init=False)

    def __post_init__(self) -> None:
        self.dates = pd.DatetimeIndex(month_starts(self.scenario.spec.horizon_months), freq="MS")

    @property
    def replicates(self) -> int:
        return len(self.replicate_ids)

    def series(self, name: str, column: str | None = None) -> np.ndarray:
        """One series as (months + 1, R); `column` picks an actor or member."""
        if name not in SERIES_BY_NAME or name not in self.arrays:
            known = [n for n in SERIES_BY_NAME if n in self.arrays]
            raise UserError(
                "series()", None, "name", unknown_key_message(str(name), known, noun="series")
            )
        spec = SERIES_BY_NAME[name]
        if column is not None and column not in spec.columns:
            raise UserError(
                "series()",
                None,
                "column",
                unknown_key_message(str(column), spec.columns, noun=f"column of {name}"),
            )
        index = spec.columns.index(column) if column is not None else 0
        return self.arrays[name][:, :, index]

    def quantiles(
        self,
        name: str,
        column: str | None = None,
        q: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95),
    ) -> pd.DataFrame:
        """Quantiles over replicates of one series, indexed by date."""
        values = np.quantile(self.series(name, column), q, axis=1).T
        return pd.DataFrame(values, index=self.dates, columns=list(q))

    def to_frame(self, names: list[str] | None = None) -> pd.DataFrame:
        """Tidy table: one row per replicate, month, actor and variable."""
        frames = []
        months = np.arange(len(self.dates))
        for spec in SERIES:
            if names is not None and spec.name not in names:
                continue
            values = self.arrays[spec.name]  # (T, R, k)
            t, r, k = values.shape
            frames.append(
                pd.DataFrame(
                    {
                        "replicate": np.tile(np.repeat(self.replicate_ids, k), t),
                        "month": np.repeat(months, r * k),
                        "actor": np.tile(np.array(spec.columns), t * r),
                        "variable": spec.name,
                        "value": values.reshape(-1),
                    }
                )
            )
        frame = pd.concat(frames, ignore_index=True)
        frame.insert(2, "date", self.dates[frame["month"].to_numpy()])
        for column in ("actor", "variable"):
            frame[column] = frame[column].astype("category")
        return frame

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """One row per replicate: each outcome and the measures behind it."""
        return outcome_table(self.arrays, self.scenario.spec.outcomes, self.replicate_ids)

    def summary(self) -> pd.DataFrame:
        """Share of replicates with each outcome, with 95 % Wilson intervals."""
        return summarize(self.outcomes)


def series_catalog() -> pd.DataFrame:
    """Every recorded series: name, label, unit and columns."""
    return pd.DataFrame(
        [
            {"variable": s.name, "label": s.label, "unit": s.unit, "columns": ", ".join(s.columns)}
            for s in SERIES
        ]
    )

"""A finished run: recorded arrays, real dates, tidy tables and outcomes."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.calendar import month_starts
from sim.errors import UserError, unknown_key_message
from sim.model.recording import SERIES, SERIES_BY_NAME
from sim.results.outcomes import outcome_table, summarize
from sim.scenario.scenario import Scenario

if TYPE_CHECKING:
    import xarray  # optional: only RunResult.to_xarray needs it


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
    conditioned_on: dict[str, Any] | None = field(default=None, kw_only=True)
    """For a run on a conditioning's accepted sets: which (folder, file, its SHA-256, the
    conditioning's scenario and hash; sim.execution.conditioning.Posterior.record)."""

    @property
    def ensemble(self) -> dict[str, Any] | str:
        """Which parameter sets the replicates started from, as the manifest names it: the
        accepted sets of --conditioned-on, the scenario's posterior (`ensemble:`), or
        "priors"."""
        if self.conditioned_on is not None:
            return {"kind": "conditioned_on", **self.conditioned_on}
        return ensemble_record(self.scenario)

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
        """Tidy table: one row per replicate, month, actor and variable.

        Built from integer codes: the actor and variable columns are categoricals made with
        `Categorical.from_codes`, never from millions of strings.
        """
        specs = [s for s in SERIES if names is None or s.name in names]
        actors = sorted({column for s in specs for column in s.columns})
        variables = sorted(s.name for s in specs)
        months = np.arange(len(self.dates))
        parts: dict[str, list[np.ndarray]] = {c: [] for c in ("replicate", "month", "a", "v", "x")}
        for spec in specs:
            values = self.arrays[spec.name]  # (T, R, k)
            t, r, k = values.shape
            codes = np.array([actors.index(c) for c in spec.columns], dtype=np.int16)
            parts["replicate"].append(np.tile(np.repeat(self.replicate_ids, k), t))
            parts["month"].append(np.repeat(months, r * k))
            parts["a"].append(np.tile(codes, t * r))
            parts["v"].append(np.full(t * r * k, variables.index(spec.name), dtype=np.int16))
            parts["x"].append(values.reshape(-1))
        month = np.concatenate(parts["month"])
        return pd.DataFrame(
            {
                "replicate": np.concatenate(parts["replicate"]),
                "month": month,
                "date": self.dates[month],
                "actor": pd.Categorical.from_codes(np.concatenate(parts["a"]), actors),
                "variable": pd.Categorical.from_codes(np.concatenate(parts["v"]), variables),
                "value": np.concatenate(parts["x"]),
            }
        )

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """One row per replicate: each outcome and the measures behind it."""
        return outcome_table(
            self.arrays,
            self.scenario.spec.outcomes,
            self.replicate_ids,
            self.scenario.outcome_start,
        )

    def summary(self) -> pd.DataFrame:
        """Share of replicates with each outcome, with 95 % Wilson intervals."""
        return summarize(self.outcomes)

    def to_xarray(self) -> "xarray.Dataset":
        """One variable per recorded series, dims (date, replicate[, actor | member]), with
        label and unit attributes; month as a coordinate along date."""
        try:
            import xarray as xr
        except ImportError:
            raise ImportError(
                "RunResult.to_xarray needs xarray: pip install xarray (or "
                "pip install -e '.[notebook]')"
            ) from None
        coords = {
            "date": pd.DatetimeIndex(self.dates),
            "replicate": self.replicate_ids,
            "month": ("date", np.arange(len(self.dates))),
        }
        variables = {}
        for spec in SERIES:
            if spec.name not in self.arrays:
                continue
            values = self.arrays[spec.name]
            attrs = {"label": spec.label, "unit": spec.unit}
            if spec.scope == "actor":
                variables[spec.name] = xr.DataArray(
                    values,
                    dims=("date", "replicate", "actor"),
                    coords={"actor": list(spec.columns)},
                    attrs=attrs,
                )
            elif spec.scope == "bloc":
                variables[spec.name] = xr.DataArray(
                    values,
                    dims=("date", "replicate", "member"),
                    coords={"member": list(spec.columns)},
                    attrs=attrs | {"scope": "pact members"},
                )
            else:
                variables[spec.name] = xr.DataArray(
                    values[:, :, 0], dims=("date", "replicate"), attrs=attrs | {"scope": spec.scope}
                )
        scenario = self.scenario
        return xr.Dataset(
            variables,
            coords=coords,
            attrs={
                "scenario": scenario.name,
                "scenario_hash": scenario.hash,
                "seed": scenario.spec.seed,
                "description": scenario.spec.description,
            },
        )


def series_catalog() -> pd.DataFrame:
    """Every recorded series: name, label, unit and columns."""
    return pd.DataFrame(
        [
            {"variable": s.name, "label": s.label, "unit": s.unit, "columns": ", ".join(s.columns)}
            for s in SERIES
        ]
    )


def ensemble_record(scenario: Scenario) -> dict[str, Any] | str:
    """The scenario's ensemble as a manifest names it: the posterior (file, SHA-256, sets, how
    it was made) or "priors"."""
    return "priors" if scenario.ensemble is None else scenario.ensemble.record()

"""A sweep as data: its design points, and the outcome shares and drivers found over them."""

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.results.analysis import Box, Design
from sim.results.parts import read_runs
from sim.scenario.scenario import Scenario


@dataclass
class SweepResult:
    """A finished sweep: per-point outcome shares and what drives them."""

    scenario: Scenario
    design: Design
    folder: Path
    shares: pd.DataFrame  # one row per design point
    summary: pd.DataFrame  # share of all runs with each outcome
    sensitivity: pd.DataFrame
    boxes: dict[str, Box | None] = field(default_factory=dict)

    def runs(self) -> pd.DataFrame:
        """One row per run (read from the folder)."""
        return read_runs(self.folder)

    def discoveries(self) -> list[str]:
        bounds = dict(zip(self.design.names, self.design.bounds, strict=True))
        return [box.describe(bounds) for box in self.boxes.values() if box is not None]

    def boxes_table(self) -> pd.DataFrame:
        """One row per restricted parameter of each outcome's PRIM box."""
        rows = []
        for name, box in self.boxes.items():
            if box is None:
                continue
            for parameter, (low, high) in box.limits.items():
                rows.append(
                    {
                        "outcome": name,
                        "parameter": parameter,
                        "low": low,
                        "high": high,
                        "coverage": box.coverage,
                        "density": box.density,
                        "mass": box.mass,
                        "base_rate": box.base_rate,
                    }
                )
        return pd.DataFrame(
            rows,
            columns=[
                "outcome",
                "parameter",
                "low",
                "high",
                "coverage",
                "density",
                "mass",
                "base_rate",
            ],
        )

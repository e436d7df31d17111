"""The data file (sim/scenario/data/calibration.yaml): every number the model starts from,
with its unit, year and source."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "calibration.yaml"
"""Every number the model starts from, with its source and year."""


@dataclass(frozen=True)
class Datum:
    """One number of the data file with its provenance."""

    value: float
    unit: str
    year: int
    source: str
    note: str = ""


@cache
def load_data(path: Path = DATA_FILE) -> dict[str, dict[str, Datum]]:
    """The data file as {section: {key: Datum}}."""
    raw: dict[str, dict[str, dict[str, Any]]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        section: {key: Datum(**entry) for key, entry in entries.items()}
        for section, entries in raw.items()
    }

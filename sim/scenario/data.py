"""The data file (sim/scenario/data/calibration.yaml): every number the model starts from,
with its unit, year and source."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_FILE = Path(__file__).parent / "data" / "calibration.yaml"
"""Every number the model starts from, with its source and year."""

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""yaml.safe_load's loader on libyaml's parser where PyYAML has it: the same data (tested),
read in 6 ms instead of 120 at every run's start."""


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
    text = path.read_text(encoding="utf-8")
    raw: dict[str, dict[str, dict[str, Any]]] = yaml.load(text, Loader=SAFE_LOADER)
    return {
        section: {key: Datum(**entry) for key, entry in entries.items()}
        for section, entries in raw.items()
    }

"""Time in the model: monthly steps from June 2024, rates per year.

Month 0 is June 2024, when the pact was signed (19 June 2024, L1); month t is t calendar months
later. Every rate parameter is per year, and one step is DT = 1/12 of a year.
"""

from datetime import date
from typing import Final

import numpy as np

START: Final = date(2024, 6, 1)
"""Month 0 of every run: the pact was signed on 19 June 2024 (L1)."""

DT: Final = 1.0 / 12.0
"""One month, in years: every rate parameter is per year."""


def month_of(when: str | date) -> int:
    """'2025-03' (or '2025-03-15', or a date) -> months after June 2024 (9).

    Raises ValueError on a malformed date.
    """
    if isinstance(when, date):
        year, month = when.year, when.month
    else:
        parts = when.split("-")
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
            raise ValueError(when)
        year, month = int(parts[0]), int(parts[1])
        if len(parts) == 3:
            date(year, month, int(parts[2]))  # validates the day
    if not 1 <= month <= 12:
        raise ValueError(when)
    return (year - START.year) * 12 + (month - START.month)


def month_name(month: int) -> str:
    """Months after June 2024 -> 'YYYY-MM' (30 -> '2026-12'); month_of's inverse."""
    year, index = divmod(START.month - 1 + month, 12)
    return f"{START.year + year}-{index + 1:02d}"


def month_starts(months: int) -> np.ndarray:
    """First day of each month from June 2024 (month 0), for months + 1 records."""
    first = np.datetime64(START.strftime("%Y-%m"), "M")
    return (first + np.arange(months + 1)).astype("datetime64[ns]")

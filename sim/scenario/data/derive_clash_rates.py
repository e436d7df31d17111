"""Derive the data file's clash_rates from the dispute record (mid_korea_extract.csv).

Run: `python sim/scenario/data/derive_clash_rates.py` (a script, not `python -m`: the module
sim/scenario/data.py shadows this folder as a package).

The record is the Correlates of War Militarized Interstate Dispute data, version 5.0
(Palmer et al. 2022), cut to the model's dyads (provenance: mid_korea_extract.md).

- **Clash rate** of a dyad: fatal militarised incidents a year, an incident being fatal when
  either state's fatality level is >= 1 (at least one military death). Incidents, not
  disputes, because the model's clash is one incident (a dispute such as 4022, 1993-99, holds
  several fatal ones). Incident data cover 1993-2014 only, so that is the window; incidents of
  unknown fatality (-9, three on the peninsula) count as not fatal, and the count with them is
  printed as an upper bound.
- **Recency weighting**: exponential, half-life 15 years (year y weighs 2^-(2014-y)/15). The
  oldest year keeps 0.38 of the newest's weight, so the whole record informs the rate, but
  practice of the last decade counts most (naval clashes on the Northern Limit Line, 1999-2010).
- **Years after 2014** are not in the dataset. They are counted as years with no fatal
  incident (a judgement, stated as such): MID counts military deaths only, and none between
  these dyads is known for 2015-2024 (the 2015 DMZ mine blast wounded two ROK soldiers; the
  fisheries official shot at sea in 2020 was a civilian). No dataset for those years is
  shipped here; leaving them out (the record as the dataset has it) roughly doubles each
  rate and is printed as a sensitivity.
- **War escalation base rate**: of the fatal dyadic disputes since the 1953 armistice (dispute
  level, 1953-2014), the share that reached war (hostility level 5). Both wars in it are
  one dispute, 611 (the Vietnam War, Soviet Union against the USA and South Korea); the
  peninsula's 24 fatal DPRK disputes include none.
"""

import csv
from collections import Counter
from pathlib import Path

EXTRACT = Path(__file__).with_name("mid_korea_extract.csv")
"""Dyadic MID 5.0 disputes (1953-2014) and incidents (1993-2014) of the model's dyads."""

INCIDENT_YEARS = range(1993, 2015)
"""The years MID 5.0 codes incidents for."""

UNRECORDED_YEARS = range(2015, 2025)
"""Years after the dataset ends, up to the model's 2024 start: counted as zeros."""

HALF_LIFE = 15.0
"""Years over which a year's weight halves."""

DYADS = tuple(
    f"{member}-{rival}" for member in ("dprk", "russia") for rival in ("rok", "japan", "usa")
)
"""The model's pact member - rival dyads that have a COW state code (the EU has none)."""


def read_extract(path: Path = EXTRACT) -> list[dict[str, str]]:
    """The extract's rows as dicts keyed by its header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fatal_incidents(rows: list[dict[str, str]], unknown_as_fatal: bool = False) -> Counter:
    """Fatal incidents by (dyad, year)."""
    fatal = (
        {"-9", "1", "2", "3", "4", "5", "6"} if unknown_as_fatal else {"1", "2", "3", "4", "5", "6"}
    )
    return Counter(
        (f"{row['pact_member']}-{row['rival']}", int(row["year"]))
        for row in rows
        if row["unit"] == "incident" and row["fatality"] in fatal
    )


def weighted_rate(counts: dict[int, int], years: range, last_year: int) -> float:
    """Incidents a year, each year weighted by 2^-(last_year - year)/HALF_LIFE."""
    weights = {year: 0.5 ** ((last_year - year) / HALF_LIFE) for year in years}
    return sum(weights[y] * counts.get(y, 0) for y in years) / sum(weights.values())


def clash_rates(
    rows: list[dict[str, str]], unknown_as_fatal: bool = False, zero_after_2014: bool = True
) -> dict[str, float]:
    """Each dyad's recency-weighted yearly rate of fatal incidents, rounded to 3 decimals."""
    counts = fatal_incidents(rows, unknown_as_fatal)
    years = range(INCIDENT_YEARS.start, UNRECORDED_YEARS.stop if zero_after_2014 else 2015)
    return {
        dyad: round(
            weighted_rate({y: n for (d, y), n in counts.items() if d == dyad}, years, years[-1]), 3
        )
        for dyad in DYADS
    }


def war_base_rate(rows: list[dict[str, str]], member: str | None = None) -> tuple[int, int]:
    """(wars, fatal dyadic disputes) since 1953, for one pact member or both."""
    fatal = [
        row
        for row in rows
        if row["unit"] == "dispute"
        and int(row["fatality"]) >= 1
        and member in (None, row["pact_member"])
    ]
    return sum(row["war"] == "1" for row in fatal), len(fatal)


def main() -> None:
    """Print the derived rates, their sensitivities and the war base rate."""
    rows = read_extract()
    rates = clash_rates(rows)
    upper = clash_rates(rows, unknown_as_fatal=True)
    dataset_only = clash_rates(rows, zero_after_2014=False)
    print(
        f"fatal incidents a year, MID 5.0 1993-2014 and no incident 2015-2024, "
        f"half-life {HALF_LIFE:g} years"
    )
    print(f"{'dyad':14} {'rate':>6} {'unknown=fatal':>14} {'1993-2014 only':>15}")
    for dyad in DYADS:
        print(f"{dyad:14} {rates[dyad]:6.3f} {upper[dyad]:14.3f} {dataset_only[dyad]:15.3f}")
    print(f"{'all dyads':14} {sum(rates.values()):6.3f} per year")
    for member in ("dprk", "russia", None):
        wars, fatal = war_base_rate(rows, member)
        print(f"war: {wars} of {fatal} fatal dyadic disputes 1953-2014 ({member or 'both'})")


if __name__ == "__main__":
    main()

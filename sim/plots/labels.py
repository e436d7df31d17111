"""Words for readers: outcome and parameter names in plain words, generated from their
declarations, and the sentences that state a paired difference.

OUTCOME_LABELS has an entry for every outcome sim/scenario/outcome_settings.py declares: a
few are worded by hand (WORDING), the rest are made from the declared name, so an outcome
added there is labelled at once; a test checks that WORDING names only declared outcomes.
"""

from collections.abc import Mapping, Sequence

import numpy as np

from sim.actors import NAMES
from sim.scenario.outcome_settings import OUTCOMES
from sim.scenario.paths import PathError, parse

WORDING = {
    "regional_arms_race": "Regional arms race (mutual)",
    "one_sided_buildup": "One-sided military build-up",
    "armed_clash": "Armed clash (fatal incident)",
    "war": "A clash escalates to war",
    "reciprocity_fired": "Partner joins a war (reciprocity clause)",
    "isolation_holds": "Isolation of the bloc holds",
    "isolation_fails": "Isolation fails (evasion restores trade)",
    "never_isolated": "Neither: the bloc was never isolated",
    "de_escalation": "De-escalation on the peninsula",
    "leadership_change": "Leadership change in Pyongyang",
}
"""Hand wording of declared outcomes where the name alone reads badly."""


def plain(name: str) -> str:
    """'regional_arms_race' -> 'Regional arms race'."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


OUTCOME_LABELS: dict[str, str] = {name: WORDING.get(name, plain(name)) for name in OUTCOMES}
"""Every declared outcome in plain words."""


def outcome_label(name: str) -> str:
    return OUTCOME_LABELS.get(name, plain(name))


ISOLATION = ("isolation_holds", "isolation_fails", "never_isolated")
"""The isolation outcomes: every future is in exactly one of them ('neither' is the third)."""


def with_isolation_partition(outcomes: Sequence[str]) -> list[str]:
    """The outcomes with all three isolation outcomes wherever one of them is shown, in their
    declared order at the place of the first, so a reader always sees the whole partition."""
    out: list[str] = []
    for name in outcomes:
        if name in ISOLATION:
            out += [o for o in ISOLATION if o not in out]
        elif name not in out:
            out.append(name)
    return out


DESIRABLE = {"de_escalation"}
UNDESIRABLE = {"regional_arms_race", "one_sided_buildup", "armed_clash", "war", "reciprocity_fired"}
"""A judgement, stated in every figure that uses it: from the view of peace and stability on
the peninsula, which outcomes are good and which bad; the others (isolation holding or
failing, a leadership change) are good or bad depending on whose view, and are grey."""

GOOD, BAD, EITHER = "#2166ac", "#b2182b", "#8c8c8c"
DESIRABILITY_NOTE = (
    "Colours are a judgement, for peace and stability on the peninsula: blue desirable, red "
    "undesirable, grey depends on the view."
)


def outcome_color(name: str) -> str:
    """Blue for a desirable outcome, red for an undesirable one, grey otherwise."""
    return GOOD if name in DESIRABLE else BAD if name in UNDESIRABLE else EITHER


def change_color(name: str, difference: float) -> str:
    """Blue for a change for the better (less of an undesirable outcome, more of a desirable
    one), red for the worse, grey where the judgement depends on the view or nothing moved."""
    sign = 1 if name in DESIRABLE else -1 if name in UNDESIRABLE else 0
    better = sign * difference
    return GOOD if better > 0 else BAD if better < 0 else EITHER


def parameter_label(path: str, unit: bool = True) -> str:
    """'rok.reactivity.dprk' -> 'South Korea: reactivity toward North Korea (1/yr)'."""
    try:
        where = parse(path)
    except PathError:
        return path
    parts = path.split(".")
    sections = {"world": "World", "ukraine": "War in Ukraine"}
    who = NAMES[where.actor] if where.actor else sections.get(parts[0], parts[0])
    words = where.name.replace("_", " ")
    if where.key:
        words += f" toward {NAMES[where.key]}"
    return f"{who}: {words}" + (f" ({where.param.unit})" if unit else "")


def _percent(share: float) -> str:
    value = share * 100
    return f"{value:.1f}" if abs(value) < 10 else f"{value:.0f}"


def share_text(share: float) -> str:
    """A share as a percentage: one decimal under 10 %, whole numbers above."""
    return f"{_percent(share)} %"


def share_interval_text(share: float, low: float, high: float) -> str:
    """A share with its 95 % interval, each number as share_text: '14 % (9.9-20)'."""
    return f"{share_text(share)} ({_percent(low)}-{_percent(high)})"


def points_text(*values: float) -> list[str]:
    """Differences in percentage points, all with the same precision: whole points when the
    largest is 10 or more, else one decimal."""
    points = np.asarray(values, dtype=float) * 100
    digits = 0 if np.nanmax(np.abs(points)) >= 10 else 1
    return [f"{p:+.{digits}f}".replace("+0.0", "0.0").replace("-0.0", "0.0") for p in points]


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


NO_DIFFERENCE = (
    "No outcome differs beyond Monte Carlo error: the 95 % interval of every difference contains 0."
)
"""The headline when no outcome (forced ones aside) differs beyond Monte Carlo error."""


def headline(row: Mapping) -> str:
    """One paired outcome difference in words (a row of Comparison.paired_outcomes()), every
    number with its 95 % interval: 'Regional arms race: 21 % (17-25) -> 9.0 % (6.6-12), -12
    points (95 % CI -15 to -9); fewer in 60 of 400 futures, more in 12 (exact McNemar
    p < 0.001)'."""
    difference, low, high = points_text(row["difference"], row["ci_low"], row["ci_high"])
    share_a = share_interval_text(row["share_a"], row["share_a_low"], row["share_a_high"])
    share_b = share_interval_text(row["share_b"], row["share_b_low"], row["share_b_high"])
    return (
        f"{outcome_label(row['outcome'])}: {share_a} -> {share_b}, "
        f"{difference} points (95 % CI {low} to {high}); "
        f"fewer in {row['a_not_b']} of {row['replicates']} futures, more in {row['b_not_a']} "
        f"(exact McNemar {p_text(row['p_value'])})"
    )

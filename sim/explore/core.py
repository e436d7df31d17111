"""The what-if explorer's logic, without widgets: knobs, changes, runs, tables, figures, files.

A what-if is a starting scenario A, a branch month and a set of parameter changes; B is A
with those changes from the branch month on (`Scenario.with_params(changes, from_=...)`), so
every month before it is A's. Both run on common random numbers (same seed, same replicates,
same horizon) with `sim.compare`, so replicate r of B differs from replicate r of A only by
the changes, and only from the branch month.
"""

import errno
import html
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from matplotlib.figure import Figure

from sim import Comparison, Scenario, ScenarioError, compare, load_scenario
from sim.explore.declarations import (
    ACTOR_PARAMS,
    ACTORS,
    BANDS,
    DESIRABILITY_NOTE,
    INK,
    NAMES,
    SANCTIONERS,
    SERIES,
    SERIES_BY_NAME,
    THEATRE_PARAMS,
    WORLD_PARAMS,
    Param,
    UncertainSpec,
    change_color,
    mark_present,
    month_date,
    month_name,
    month_text,
    outcome_label,
    parameter_label,
    scenario_color,
)
from sim.results.forced import FORCED_NOTE

REPOSITORY = Path(__file__).resolve().parents[2]
SCENARIO_DIR = REPOSITORY / "scenarios"


# --- Knobs: what a slider sets ----------------------------------------------------------


@dataclass(frozen=True)
class Knob:
    """A slider: the dotted parameter paths it sets (all to the same value), with the
    declared unit and range of those parameters."""

    key: str
    label: str
    paths: tuple[str, ...]
    unit: str
    low: float
    high: float
    meaning: str

    def step_for(self, *values: float) -> float:
        """A round step of at least about 100 positions over the range, fine enough that
        the given values (the scenario's) sit on it, so a slider never rounds them."""
        span = self.high - self.low
        step = 10 ** math.floor(math.log10(span / 100)) if span > 0 else 0.01
        for value in values:
            while step > 1e-6 and not math.isclose(
                round(value / step) * step, value, rel_tol=1e-9, abs_tol=1e-12
            ):
                step /= 10
        return step

    def value_in(self, scenario: Scenario) -> float:
        """The knob's position for a scenario: the mean of its parameters' values."""
        return float(np.mean([parameter_value(scenario, p) for p in self.paths]))

    def changes(self, value: float) -> dict[str, float]:
        return dict.fromkeys(self.paths, float(value))


def _split(path: str) -> tuple[str, str, str | None]:
    """'rok.reactivity.dprk' -> ('rok', 'reactivity', 'dprk'); 'world.x' -> ('world', 'x',
    None)."""
    parts = path.split(".")
    if len(parts) not in (2, 3):
        raise ScenarioError(
            "<explorer>",
            None,
            path,
            "expected '<actor>.<parameter>', "
            "'<actor>.<parameter>.<actor>', 'world.<parameter>' or "
            "'ukraine.<parameter>'",
        )
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def declaration(path: str) -> Param:
    """The declared parameter behind a dotted path."""
    section, name, key = _split(path)
    table = {"world": WORLD_PARAMS, "ukraine": THEATRE_PARAMS}.get(section, ACTOR_PARAMS)
    param = table.get(name)
    if param is None or (table is ACTOR_PARAMS and section not in param.owners):
        raise ScenarioError(
            "<explorer>", None, path, "no such declared parameter; choose one of parameter_paths()"
        )
    if (key is None) != (param.keys is None) or (key is not None and key not in param.keys):
        raise ScenarioError(
            "<explorer>",
            None,
            path,
            f"'{name}' is "
            + (
                f"a mapping: add one of {', '.join(param.keys)}"
                if param.keys
                else "a number: drop the last part"
            ),
        )
    return param


def parameter_value(scenario: Scenario, path: str) -> float:
    """Effective value of a dotted parameter path in a scenario (defaults included)."""
    declaration(path)
    section, name, key = _split(path)
    if section == "world":
        return float(scenario.world(name))
    if section == "ukraine":
        given = getattr(scenario.spec.ukraine, name)
        return float(THEATRE_PARAMS[name].defaults["ukraine"] if given is None else given)
    value = scenario.param(section, name)
    if key is not None:
        return float(value.get(key, 0.0))
    if value is None:
        raise ScenarioError(
            "<explorer>",
            None,
            path,
            "is null (see its meaning in docs/reference.md); set a number to explore it",
        )
    return float(value)


def parameter_knob(path: str, label: str | None = None) -> Knob:
    """A knob for one declared parameter, labelled in words, with its declared range."""
    param = declaration(path)
    section, name, key = _split(path)
    who = {"world": "World", "ukraine": "War in Ukraine"}.get(section) or NAMES[section]
    words = name.replace("_", " ")
    label = label or f"{who}: {words}" + (f" toward {NAMES[key]}" if key else "")
    return Knob(path, label, (path,), param.unit, param.low, param.high, param.meaning)


SANCTIONS_KNOB = Knob(
    "sanctions.russia",
    "West: sanctions on Russia",
    tuple(f"{s}.sanction_tightening.russia" for s in SANCTIONERS),
    ACTOR_PARAMS["sanction_tightening"].unit,
    ACTOR_PARAMS["sanction_tightening"].low,
    ACTOR_PARAMS["sanction_tightening"].high,
    "Sets sanction_tightening toward Russia of all four sanctioners (United States, European "
    "Union, Japan, South Korea) to one value: the change of their desired sanction intensity "
    "on Russia over the 2024 level (L25; negative = relax). Its position is their mean.",
)

KNOBS: tuple[Knob, ...] = (
    parameter_knob("china.coalition_bias", "China: coalition bias"),
    parameter_knob("rok.reactivity.dprk", "South Korea: reactivity to DPRK"),
    parameter_knob("russia.commitment", "Russia: commitment to the pact"),
    parameter_knob("usa.buildup", "United States: force build-up"),
    SANCTIONS_KNOB,
    parameter_knob("ukraine.intensity", "War in Ukraine: intensity"),
)
"""The sliders shown first: the drivers the sweeps rank highest (docs/exploring.md, sweeps)."""

KNOB_BY_KEY = {knob.key: knob for knob in KNOBS}


def parameter_paths(scenario: Scenario | None = None) -> list[str]:
    """Every declared parameter as a dotted path; mapping parameters give one path per key
    in their defaults. With a scenario, paths whose value is null are left out."""
    paths = []
    for name, param in ACTOR_PARAMS.items():
        for actor in param.owners:
            default = param.defaults[actor]
            if param.keys is not None:
                paths += [f"{actor}.{name}.{key}" for key in (default or {})]
            else:
                paths.append(f"{actor}.{name}")
    paths += [f"world.{name}" for name in WORLD_PARAMS]
    paths += [f"ukraine.{name}" for name in THEATRE_PARAMS]
    if scenario is not None:
        paths = [p for p in paths if _has_value(scenario, p)]
    return paths


def parameter_groups(paths: Iterable[str]) -> dict[str, dict[str, str]]:
    """Parameters by whose they are, in plain words from their declarations:
    {'South Korea': {'reactivity toward Japan (1/yr)': 'rok.reactivity.japan', ...}, ...};
    actors in their declared order, then the world and the war in Ukraine."""
    groups: dict[str, dict[str, str]] = {}
    order = [*ACTORS, "world", "ukraine"]
    for path in sorted(paths, key=lambda p: order.index(p.split(".")[0])):
        who, _, words = parameter_label(path).partition(": ")
        groups.setdefault(who, {})[words] = path
    return groups


def _has_value(scenario: Scenario, path: str) -> bool:
    try:
        parameter_value(scenario, path)
    except ScenarioError:
        return False
    return True


def knob_for(key: str) -> Knob:
    """A named knob ('sanctions.russia') or the knob of a declared parameter path."""
    return KNOB_BY_KEY.get(key) or parameter_knob(key)


def overriding_events(scenario: Scenario, knob: Knob, branch: int = 0) -> list[str]:
    """The scenario's events and changes that set a knob's parameters after the branch
    month (all of them from the start, month 0): the slider sets the value until then, and
    the event still applies at its month. A change in the branch month itself is the
    scenario's and comes before the slider's, so the slider's value wins."""
    notes = []
    for event in scenario.events:
        hit = [p for p in (event.set or {}) if p in knob.paths]
        if hit and (branch == 0 or event.at_month > branch):
            when = event.date or month_name(event.at_month)
            notes.append(
                f"{when}: {', '.join(hit)} = " + ", ".join(f"{event.set[p]:g}" for p in hit)
            )
    return notes


# --- Branch month and uncertain parameters -----------------------------------------------


START = 0
"""The branch month 'from the start' (June 2024): changes are undated keys of the scenario."""


def branch_months(scenario: Scenario) -> list[int]:
    """The months a what-if may branch from, the default first: the months after the
    present to the horizon, then the start (START, rewriting the observed history); for a
    scenario without a present, the start and every month after it."""
    horizon = scenario.spec.horizon_months
    if scenario.present is None:
        return [START, *range(1, horizon + 1)]
    return [*range(scenario.present + 1, horizon + 1), START]


def branch_label(month: int, history: bool = True) -> str:
    """'2027-01 (January 2027)'; the start says that it rewrites the observed history
    (`history`: the scenario has a present)."""
    if month == START:
        return "June 2024, the start" + (" (rewrites the history)" if history else "")
    return f"{month_name(month)} ({month_date(month).astype('datetime64[D]').item():%B %Y})"


def uncertain_spec(scenario: Scenario, path: str) -> UncertainSpec | None:
    """The distribution the scenario's `uncertain:` block draws a parameter from, if any."""
    return (scenario.spec.uncertain or {}).get(path)


def describe_prior(u: UncertainSpec) -> str:
    """'triangular from 0.3 to 2.4, mode 1'."""
    extra = {"triangular": ("mode",), "normal": ("mean", "sd"), "beta": ("a", "b")}
    words = ", ".join(f"{key} {getattr(u, key):g}" for key in extra.get(u.dist, ()))
    return f"{u.dist} from {u.low:g} to {u.high:g}" + (f", {words}" if words else "")


def shifted_prior(u: UncertainSpec, path: str, delta: float) -> dict[str, Any]:
    """The distribution moved by `delta` (low, high, mode, mean), kept inside the declared
    range; a ScenarioError when the move leaves no room inside it."""
    param = declaration(path)
    low = min(max(u.low + delta, param.low), param.high)
    high = min(max(u.high + delta, param.low), param.high)
    if not low < high:
        raise ScenarioError(
            "<explorer>",
            None,
            path,
            f"moving its prior ({describe_prior(u)}) by {delta:+g} leaves nothing inside "
            f"{param.low:g} to {param.high:g}",
        )
    out = u.model_dump(exclude_none=True) | {"low": _tidy(low), "high": _tidy(high)}
    for key in ("mode", "mean"):
        if key in out:
            out[key] = _tidy(min(max(out[key] + delta, low), high))
    return out


def uncertain_note(scenario: Scenario, knob: Knob, branch: int) -> str | None:
    """What a knob does to parameters A draws per future (`uncertain:`), in one sentence;
    None when A draws none of them."""
    drawn = {p: u for p in knob.paths if (u := uncertain_spec(scenario, p)) is not None}
    if not drawn:
        return None
    priors = "; ".join(f"{p}: {describe_prior(u)}" for p, u in drawn.items())
    if branch == START:
        return (
            f"A draws this per future ({priors}). Moving the slider shifts that distribution "
            "by the move (every future's draw moves with it, inside the declared range)."
        )
    return (
        f"A draws this per future ({priors}). Until {month_name(branch)} every future keeps "
        f"its draw; from {month_name(branch)} the slider sets one value in every future "
        "(it replaces the draw)."
    )


# --- What-if: A and B on common random numbers -------------------------------------------


class WhatIf:
    """A starting scenario, the month B branches from, and the knob settings that differ
    from A. The branch defaults to the month after A's present (branch_months)."""

    def __init__(
        self, scenario: Scenario, replicates: int | None = None, branch: int | None = None
    ) -> None:
        self.base = scenario
        self.replicates = replicates or scenario.spec.replicates
        self.settings: dict[str, float] = {}
        self.branch = branch_months(scenario)[0]
        if branch is not None:
            self.set_branch(branch)

    def set_branch(self, month: int) -> None:
        """Branch from this month (one of branch_months(A))."""
        allowed = branch_months(self.base)
        if month not in allowed:
            raise ScenarioError(
                "<explorer>",
                None,
                "branch",
                f"expected a month from {month_name(allowed[0])} to "
                f"{month_name(self.base.spec.horizon_months)} or {START} (the start), got "
                f"{month_name(month)}",
            )
        self.branch = month

    def set(self, key: str, value: float) -> None:
        """Move a knob (a KNOBS key or any parameter path); its start value removes it."""
        knob = knob_for(key)
        if not knob.low <= value <= knob.high:
            raise ScenarioError(
                "<explorer>",
                None,
                key,
                f"expected a number from "
                f"{knob.low:g} to {knob.high:g} ({knob.unit}), got {value:g}",
            )
        if math.isclose(value, knob.value_in(self.base), rel_tol=1e-9, abs_tol=1e-12):
            self.settings.pop(key, None)
        else:
            self.settings[key] = float(value)

    def value(self, key: str) -> float:
        return self.settings.get(key, knob_for(key).value_in(self.base))

    def reset(self) -> None:
        self.settings.clear()

    def _all_changes(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, value in self.settings.items():
            out |= knob_for(key).changes(_tidy(value))
        return out

    def changes(self) -> dict[str, float]:
        """Dotted parameter paths and values for Scenario.with_params, knobs in order; from
        the start, without the parameters A draws (prior_shifts moves those)."""
        changes = self._all_changes()
        if self.branch != START:
            return changes
        return {p: v for p, v in changes.items() if uncertain_spec(self.base, p) is None}

    def prior_shifts(self) -> dict[str, dict[str, Any]]:
        """From the start: A's `uncertain:` distributions of changed parameters, moved by
        the knob's move (slider value - A's value); empty with a branch date."""
        if self.branch != START:
            return {}
        out = {}
        for path, value in self._all_changes().items():
            u = uncertain_spec(self.base, path)
            if u is not None:
                out[path] = shifted_prior(u, path, value - parameter_value(self.base, path))
        return out

    @property
    def from_(self) -> str | None:
        """The branch month as with_params' `from_` ('2027-01'); None from the start."""
        return None if self.branch == START else month_name(self.branch)

    def describe(self) -> str:
        if not self.settings:
            return "no change"
        what = "; ".join(f"{knob_for(k).label} = {_tidy(v):g}" for k, v in self.settings.items())
        return what + (f" from {self.from_}" if self.from_ else "")

    def modified(self) -> Scenario:
        """B: the starting scenario with the changes from the branch month, validated like a
        file."""
        top: dict[str, Any] = {
            "name": f"{self.base.name}_what_if",
            "description": f"{self.base.name} with {self.describe()}",
        }
        shifts = self.prior_shifts()
        if shifts:
            drawn = self.base.spec.uncertain or {}
            top["uncertain"] = {p: u.model_dump(exclude_none=True) for p, u in drawn.items()}
            top["uncertain"] |= shifts
        changes = self.changes()
        return self.base.with_params(changes or None, from_=self.from_ if changes else None, **top)

    def run(self) -> Comparison:
        """A and B on common random numbers (A's seed, the chosen replicates)."""
        return compare(
            [self.base, self.modified()],
            replicates=self.replicates,
            seed=self.base.spec.seed,
            progress=False,
        )


def _tidy(value: float) -> float:
    """A slider value without binary noise (0.30000000000000004 -> 0.3)."""
    return float(f"{value:.10g}")


def outcome_differences(comparison: Comparison) -> pd.DataFrame:
    """Per outcome: share of replicates in A and in B with their 95 % Wilson intervals, B - A
    with its 95 % interval for paired data, whether it differs beyond Monte Carlo error or is
    forced by the scenario's events, and the paired counts: futures (replicates) with the
    outcome in B but not A, and in A but not B (Comparison.paired_outcomes, for B = the
    second scenario)."""
    table = comparison.paired_outcomes()
    return table[table["scenario"] == comparison.names[1]].reset_index(drop=True)


def _interval(low: float, high: float, sign: str = "") -> str:
    return f"({low * 100:{sign}.1f} to {high * 100:{sign}.1f})"


def _outcome_row(row: Any) -> str:
    """One row of the explorer's outcome table, labelled in words: every share and the
    difference with its interval; the difference coloured by desirability (blue better, red
    worse, grey depends on the view) and bold where it is beyond Monte Carlo error; a forced
    outcome greyed and named as such."""
    label = html.escape(outcome_label(row.outcome))
    if row.forced:
        color, name = "#888", f"{label} ({FORCED_NOTE})"
    else:
        color, name = change_color(row.outcome, row.difference), label
    weight = "bold" if row.differs and not row.forced else "normal"
    marked = ' class="forced"' if row.forced else ""
    return (
        f'<tr data-outcome="{row.outcome}" title="{html.escape(row.meaning)}"{marked}>'
        f'<td class="outcome">{name}</td>'
        f'<td class="share-a">{row.share_a * 100:.1f} %</td>'
        f'<td class="ci-a">{_interval(row.share_a_low, row.share_a_high)}</td>'
        f'<td class="share-b">{row.share_b * 100:.1f} %</td>'
        f'<td class="ci-b">{_interval(row.share_b_low, row.share_b_high)}</td>'
        f'<td class="difference" style="color:{color};font-weight:{weight}">'
        f"{row.difference * 100:+.1f} pts</td>"
        f'<td class="ci-difference">{_interval(row.ci_low, row.ci_high, "+")}</td>'
        f'<td class="paired">{row.b_not_a} / {row.a_not_b}</td></tr>'
    )


def outcome_html(table: pd.DataFrame, names: Sequence[str] = ("A", "B")) -> str:
    """The outcome table as HTML for the explorer (class 'whatif-outcomes')."""
    head = (
        f"<tr><th>outcome</th><th>{names[0]} (A)</th><th>95 % CI</th><th>{names[1]} (B)</th>"
        "<th>95 % CI</th><th>B - A</th><th>95 % CI</th><th>futures: B not A / A not B</th></tr>"
    )
    body = "".join(_outcome_row(row) for row in table.itertuples())
    n = int(table["replicates"].iloc[0])
    return (
        f'<table class="whatif-outcomes">{head}{body}</table>'
        f'<div class="whatif-note">Share of {n} replicates (futures) with each outcome, with '
        "its 95 % Wilson interval. A and B share seed and replicates (common random numbers), "
        "so B - A has a 95 % interval for paired data (Newcombe 1998), bold where it excludes "
        "0 (beyond Monte Carlo error), and the last column counts futures whose outcome the "
        f"change switched on / off. {DESIRABILITY_NOTE} Grey, too: {FORCED_NOTE}, not a "
        "difference the change made.</div>"
    )


# --- Fans -------------------------------------------------------------------------------


def series_choices() -> list[tuple[str, str]]:
    """(label, 'variable' or 'variable:actor') for every recorded series."""
    out = []
    for spec in SERIES:
        for column in spec.columns:
            who = NAMES.get(column)
            key = f"{spec.name}:{column}" if spec.scope in ("actor", "bloc") else spec.name
            out.append((f"{who}: {spec.label}" if who else spec.label, key))
    return out


def parse_series(key: str) -> tuple[str, str | None]:
    name, _, column = key.partition(":")
    if name not in SERIES_BY_NAME:
        raise ScenarioError("<explorer>", None, key, "no such recorded series")
    return name, column or None


DEFAULT_SERIES = ("spending:rok", "peninsula_tension", "isolation_index")

FIGURE_WIDTH = 6.4
"""Inches: at FIGURE_DPI about the width of the results column of the page at 1280 px, so
the fans are shown at about their own size and the legend stays readable."""
FIGURE_DPI = 90
LEGEND_POINTS = 9.0


def end_medians(comparison: Comparison, series: Iterable[str]) -> pd.DataFrame:
    """Median over replicates of each series in the last month, for A and B, and each
    month's median of A and B (lists, month 0 = June 2024)."""
    rows = []
    for key in series:
        name, column = parse_series(key)
        a, b = (np.median(r.series(name, column), axis=1) for r in comparison.results[:2])
        rows.append(
            {
                "series": key,
                "a": float(a[-1]),
                "b": float(b[-1]),
                "unit": SERIES_BY_NAME[name].unit,
                "monthly_a": a.tolist(),
                "monthly_b": b.tolist(),
            }
        )
    return pd.DataFrame(rows)


def monthly_json(values: Sequence[float]) -> str:
    """A month's medians as compact JSON (6 significant digits) for a page attribute."""
    return json.dumps([float(f"{v:.6g}") for v in values], separators=(",", ":"))


def fan_figure(
    comparison: Comparison, series: Sequence[str] = DEFAULT_SERIES, branch: int | None = None
) -> Figure:
    """A (grey) and B (purple) for two or three series, one above the other: median, 50 %
    and 90 % of replicates, on real dates with units, the present ('today') and the branch
    month marked. A plain Figure (no pyplot), safe to draw off the main thread."""
    import matplotlib.dates as mdates

    labels = {key: label for label, key in series_choices()}
    fig = Figure(figsize=(FIGURE_WIDTH, 1.0 + 2.0 * len(series)), layout="constrained")
    axes = fig.subplots(len(series), 1, squeeze=False, sharex=True)[:, 0]
    a, b = comparison.results[:2]
    names = [f"A: {a.scenario.name}", "B: what-if"]
    for ax, key in zip(axes, series, strict=True):
        name, column = parse_series(key)
        for k, (result, label) in enumerate(zip((a, b), names, strict=True)):
            values = result.series(name, column)
            for low, high, alpha, width in BANDS:
                lo, hi = np.quantile(values, (low, high), axis=1)
                ax.fill_between(
                    result.dates,
                    lo,
                    hi,
                    color=scenario_color(k),
                    alpha=alpha,
                    lw=0,
                    label=f"{label}, middle {width}",
                )
            ax.plot(
                result.dates,
                np.median(values, axis=1),
                color=scenario_color(k),
                lw=1.8,
                label=f"{label}, median",
            )
        mark_present(ax, a.scenario.present, a.scenario.spec.horizon_months)
        if branch:
            ax.axvline(month_date(branch), color=INK, lw=1.0, ls="--", zorder=1)
        ax.set_title(labels[key], fontsize=10, loc="left")
        ax.set_ylabel(SERIES_BY_NAME[name].unit, fontsize=9)
        ax.xaxis.set_major_locator(mdates.YearLocator(2))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(True, alpha=0.3)
    handles, legend_labels = axes[0].get_legend_handles_labels()
    if branch:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color=INK, lw=1.0, ls="--"))
        legend_labels.append(f"B branches from {month_text(month_date(branch))}")
    fig.legend(handles, legend_labels, loc="outside lower center", ncol=2, fontsize=LEGEND_POINTS)
    return fig


def figure_png(fig: Figure, dpi: int = FIGURE_DPI) -> bytes:
    from io import BytesIO

    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


# --- Scenario files ---------------------------------------------------------------------


def scenario_files(folder: Path = SCENARIO_DIR) -> list[Path]:
    """The scenario files of a folder (not its subfolders), sorted, baseline first."""
    files = sorted(folder.glob("*.yaml"))
    return sorted(files, key=lambda p: p.stem != "baseline")


def _nested(changes: Mapping[str, Any]) -> dict[str, Any]:
    """{'rok.reactivity.dprk': 1.5} -> {'actors': {'rok': {'reactivity': {'dprk': 1.5}}}}."""
    tree: dict[str, Any] = {}
    for path, value in changes.items():
        parts = path.split(".")
        if parts[0] in ACTORS:
            parts = ["actors", *parts]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def _change_keys(what_if: WhatIf) -> dict[str, Any]:
    """The saved file's keys for B's changes: a `changes:` block from the branch month, or
    undated keys from the start; moved priors as `uncertain:` entries."""
    changes = what_if.changes()
    keys: dict[str, Any] = {}
    if changes and what_if.from_ is not None:
        keys["changes"] = [{"from": what_if.from_, "set": changes}]
    elif changes:
        keys = _nested(changes)
    shifts = what_if.prior_shifts()
    if shifts:
        keys["uncertain"] = shifts
    return keys


def save_scenario(
    what_if: WhatIf, name: str | Path, folder: str | Path, description: str | None = None
) -> Path:
    """Write B into `folder` as a scenario file that `extends` A's file (relative path) and
    holds only the changes (a `changes:` block `from:` the branch month); check that it
    loads to the same parameters and events as B.

    `name` is a file name ('x' or 'x.yaml'), or a path whose folder is `folder`. The file is
    created only directly inside `folder`: never over an existing file or symbolic link,
    never through a symbolic link anywhere on the way, and no folder is ever created."""
    base_file = what_if.base.path
    if base_file is None or not Path(base_file).is_file():
        raise ScenarioError(
            "<explorer>",
            None,
            "extends",
            "the starting scenario has no file to extend; start the explorer from a scenario file",
        )
    folder = Path(os.path.abspath(folder))
    file_name = _file_name(str(name), folder)
    target = folder / file_name
    extends = Path(_relative(Path(base_file).resolve(), folder))
    top: dict[str, Any] = {
        "extends": extends.as_posix(),
        "name": target.stem,
        "description": description
        or f"{what_if.base.name} with {what_if.describe()} (saved from the explorer).",
    }
    on_file = load_scenario(base_file).spec
    for key in ("seed", "horizon_months", "substeps"):  # changed in Python after loading
        if getattr(what_if.base.spec, key) != getattr(on_file, key):
            top[key] = getattr(what_if.base.spec, key)
    if what_if.replicates != on_file.replicates:
        top["replicates"] = what_if.replicates
    body = yaml.safe_dump(top | _change_keys(what_if), sort_keys=False, allow_unicode=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"# Saved from the what-if explorer on {stamp}: {what_if.base.name} with "
        f"{what_if.describe()}.\n"
    )
    folder_fd = _open_folder(folder)
    try:
        _create(folder_fd, file_name, target, header + body)
        try:
            saved = load_scenario(target)
            expected = what_if.modified()
            if what_if.replicates != what_if.base.spec.replicates:
                expected = expected.with_params(replicates=what_if.replicates)
            if effective_parameters(saved) != effective_parameters(expected):
                raise ScenarioError(
                    target,
                    None,
                    "",
                    "the saved file does not reproduce the "
                    "explorer's settings: the starting scenario differs from "
                    f"{base_file} by more than seed, replicates and horizon; "
                    "start the explorer from a scenario file",
                )
        except BaseException:
            os.unlink(file_name, dir_fd=folder_fd)
            raise
    finally:
        os.close(folder_fd)
    return target


def _file_name(name: str, folder: Path) -> str:
    """The bare file name (with .yaml) that `name` asks for inside `folder`, or a
    ScenarioError saying that only a plain name in that folder is allowed."""
    given = Path(name)
    if given.parent != Path(".") and Path(os.path.abspath(given.parent)) != folder:
        raise ScenarioError(
            name, None, "", f"the explorer saves only into {folder}; give a file name"
        )
    file_name = given.name if given.suffix == ".yaml" else f"{given.name}.yaml"
    if file_name.startswith(".") or not re.fullmatch(r"[A-Za-z0-9_.-]+\.yaml", file_name):
        raise ScenarioError(
            name,
            None,
            "name",
            "use letters, digits, '_', '-' and '.' only (not first)",
        )
    return file_name


def _open_folder(folder: Path) -> int:
    """A descriptor of `folder`, opened one component at a time without following any
    symbolic link, so a link anywhere on the way (or a missing folder) is refused."""
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    fd = os.open("/", flags)
    try:
        for part in folder.parts[1:]:
            try:
                child = os.open(part, flags, dir_fd=fd)
            except OSError as error:
                reason = (
                    "does not exist"
                    if error.errno == errno.ENOENT
                    else "is a symbolic link or not a folder"
                )
                raise ScenarioError(
                    folder,
                    None,
                    "",
                    f"'{part}' {reason}; the explorer writes only into the real folder "
                    "it was started on",
                ) from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def _create(folder_fd: int, file_name: str, target: Path, text: str) -> None:
    """Create `file_name` in the open folder and write `text`; refuse an existing file or
    link of that name (O_EXCL | O_NOFOLLOW: a dangling link's target is never created)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(file_name, flags, 0o644, dir_fd=folder_fd)
    except FileExistsError:
        raise ScenarioError(
            target, None, "", "a file of that name exists; choose another name"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)


def _relative(target: Path, start: Path) -> str:
    return os.path.relpath(target, start)


def effective_parameters(scenario: Scenario) -> dict[str, Any]:
    """What decides a run apart from name and description: every declared parameter's
    effective value, the resolved sections and events, seed, replicates, horizon."""
    resolved = {k: v for k, v in scenario.resolved().items() if k not in ("name", "description")}
    values = {p: parameter_value(scenario, p) for p in parameter_paths(scenario)}
    return {"resolved": resolved, "values": values}

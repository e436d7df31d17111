"""The explorer's widgets: a thin ipywidgets layer over sim.explore.core.

Runs are debounced: every change restarts a timer on the kernel's event loop (`delay`
seconds) and only its expiry runs the model. A run occupies the kernel, so changes that
arrive during it wait; each then only restarts the timer, so dragging a slider never queues
runs: the settings current when the timer expires are the ones that run next.
"""

import asyncio
import html
import time
from collections.abc import Sequence
from pathlib import Path

import ipywidgets as w

from sim import Scenario, ScenarioError, load_scenario
from sim.explore.core import (
    DEFAULT_SERIES,
    KNOBS,
    Knob,
    WhatIf,
    branch_label,
    branch_months,
    end_medians,
    fan_figure,
    figure_png,
    knob_for,
    monthly_json,
    outcome_differences,
    outcome_html,
    overriding_events,
    parameter_groups,
    parameter_paths,
    save_scenario,
    scenario_files,
    series_choices,
    uncertain_note,
)
from sim.scenario.posterior import ensemble_text

WIDE = {"description_width": "220px"}
ROW = w.Layout(width="500px")
NO_SERIES = "(none)"


def _css_name(key: str) -> str:
    return "knob-" + key.replace(".", "-").replace("_", "-")


def _readout(step: float) -> str:
    return f".{max(0, -int(f'{step:e}'.split('e')[1]))}f"


def _unit(text: str) -> w.HTML:
    unit = w.HTML(html.escape(text), layout=w.Layout(width="130px"))
    unit.add_class("whatif-unit")
    return unit


def _slider(knob: Knob, value: float) -> w.FloatSlider:
    step = knob.step_for(value)
    slider = w.FloatSlider(
        value=value,
        min=knob.low,
        max=knob.high,
        step=step,
        description=knob.label,
        continuous_update=False,
        style=WIDE,
        readout_format=_readout(step),
        tooltip=knob.meaning,
        layout=ROW,
    )
    slider.add_class(_css_name(knob.key))
    return slider


class Explorer:
    """Sliders for a scenario's most influential parameters (and any other declared one);
    each change re-runs B = A + changes against A on common random numbers and redraws the
    outcome table and the fans. Display it in a notebook, or serve it with
    `python -m sim explore`.
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        replicates: int | None = None,
        series: Sequence[str] = DEFAULT_SERIES,
        scenarios: Sequence[Path] | None = None,
        delay: float = 0.4,
        run: bool = True,
        save_folder: Path | str | None = None,
    ) -> None:
        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        start_folder = Path(scenario.path).parent if scenario.path is not None else Path.cwd()
        self.save_folder = Path(save_folder or start_folder).resolve()
        self.what_if = WhatIf(scenario, replicates)
        self.delay = delay
        self.runs = 0
        self.comparison = None
        self.last_error: str | None = None
        self._quiet = False
        self._timer: asyncio.TimerHandle | None = None

        files = list(scenarios) if scenarios is not None else scenario_files()
        if scenario.path is not None and Path(scenario.path).resolve() not in [
            Path(f).resolve() for f in files
        ]:
            files.insert(0, Path(scenario.path))
        self.scenario_picker = w.Dropdown(
            options=[(Path(f).stem, str(f)) for f in files],
            value=next(
                (
                    str(f)
                    for f in files
                    if scenario.path is not None
                    and Path(f).resolve() == Path(scenario.path).resolve()
                ),
                None,
            ),
            description="Starting scenario (A)",
            style=WIDE,
            layout=ROW,
        )
        self.replicates = w.IntSlider(
            value=self.what_if.replicates,
            min=20,
            max=2000,
            step=20,
            description="Replicates (futures)",
            style=WIDE,
            continuous_update=False,
            layout=ROW,
        )
        self.replicates.add_class("whatif-replicates")
        self.sliders = {k.key: _slider(k, k.value_in(scenario)) for k in KNOBS}
        self.units = {k.key: _unit(k.unit) for k in KNOBS}
        self.event_note = w.HTML()

        self.branch = w.Dropdown(
            description="Sliders act from",
            tooltip="B is A until this month, then A with the changes (the branch date)",
            style=WIDE,
            layout=ROW,
        )
        self.branch.add_class("whatif-branch")
        self._branch_options()
        self.uncertain_note = w.HTML()
        self.uncertain_note.add_class("whatif-uncertain")

        knob_paths = {p for k in KNOBS for p in k.paths}
        self.other_choices = [p for p in parameter_paths(scenario) if p not in knob_paths]
        self.groups = parameter_groups(self.other_choices)
        self.other_group = w.Dropdown(
            options=list(self.groups),
            description="Any other parameter of",
            style=WIDE,
            layout=ROW,
        )
        self.other_group.add_class("whatif-other-group")
        self.other_search = w.Combobox(
            placeholder="type to search, e.g. reactivity",
            ensure_option=True,
            description="parameter",
            style=WIDE,
            layout=ROW,
        )
        self.other_search.add_class("whatif-other-search")
        self._group_picked()
        self.other_path = self.groups[self.other_group.value][self.other_search.value]
        first = knob_for(self.other_path)
        self.other_slider = _slider(first, first.value_in(scenario))
        self.other_slider.description = "value"
        self.other_unit = _unit(first.unit)
        self.other_meaning = w.HTML()
        self.reset = w.Button(description="Reset all to A", tooltip="Back to the scenario")

        labels = series_choices()
        self.series = [
            w.Dropdown(
                options=labels if i < 2 else [(NO_SERIES, NO_SERIES), *labels],
                value=key,
                description=f"Fan {i + 1}",
                layout=w.Layout(width="300px"),
                style={"description_width": "45px"},
            )
            for i, key in enumerate([*series, NO_SERIES][:3])
        ]

        self.status = w.HTML()
        self.status.add_class("whatif-status")
        self.table = w.HTML()
        self.table.add_class("whatif-table")
        self.figure = w.Image(format="png", layout=w.Layout(max_width="100%"))
        self.figure.add_class("whatif-figure")
        self.medians = w.HTML()
        self.medians.add_class("whatif-medians")
        self.save_name = w.Text(
            description="Save B as",
            tooltip=f"a file name; saved in {self.save_folder}",
            style={"description_width": "80px"},
            layout=ROW,
        )
        self.save_button = w.Button(
            description="Save as scenario",
            tooltip="Write a YAML file that extends A with the changes",
        )
        self.save_message = w.HTML()
        self._default_save_name()

        for key, slider in self.sliders.items():
            slider.observe(lambda change, key=key: self._moved(key, change["new"]), "value")
        self.other_group.observe(lambda _: self._group_picked(), "value")
        self.other_search.observe(self._searched, "value")
        self.branch.observe(self._branch_changed, "value")
        self.other_slider.observe(
            lambda change: self._moved(self.other_path, change["new"]), "value"
        )
        self.replicates.observe(self._replicates_changed, "value")
        self.scenario_picker.observe(self._scenario_changed, "value")
        self.reset.on_click(lambda _: self._reset())
        for dropdown in self.series:
            dropdown.observe(lambda _: self._redraw(), "value")
        self.save_button.on_click(lambda _: self.save())

        self.widget = self._layout()
        self._picked()
        self._show_event_notes()
        if run:
            self.run_now()

    # --- layout ---------------------------------------------------------------------

    def _layout(self) -> w.Widget:
        knob_rows = [w.HBox([self.sliders[k.key], self.units[k.key]]) for k in KNOBS]
        controls = w.VBox(
            [
                self.scenario_picker,
                self.replicates,
                self.branch,
                w.HTML("<b>Drivers</b> (the sweeps' most influential parameters)"),
                *knob_rows,
                self.event_note,
                self.uncertain_note,
                w.HTML(
                    "<b>Any other declared parameter</b> (pick whose, then type to search; "
                    "range and unit from its declaration)"
                ),
                self.other_group,
                self.other_search,
                w.HBox([self.other_slider, self.other_unit]),
                self.other_meaning,
                self.reset,
                w.HTML(f"<b>Save</b> (into {html.escape(str(self.save_folder))})"),
                w.HBox([self.save_name, self.save_button]),
                self.save_message,
            ],
            layout=w.Layout(width="640px"),
        )
        results = w.VBox(
            [
                self.status,
                self.table,
                w.HBox(self.series, layout=w.Layout(flex_flow="row wrap")),
                self.figure,
                self.medians,
            ],
            layout=w.Layout(flex="1 1 400px", min_width="400px"),
        )
        return w.HBox([controls, results], layout=w.Layout(flex_flow="row wrap"))

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    # --- events ---------------------------------------------------------------------

    def _moved(self, key: str, value: float) -> None:
        if self._quiet:
            return
        try:
            self.what_if.set(key, value)
        except ScenarioError as error:
            self._error(error)
            return
        self._show_changed()
        self.request()

    def _group_picked(self) -> None:
        """Offer the chosen actor's parameters in the search box, the first one chosen."""
        labels = self.groups[self.other_group.value]
        self.other_search.options = list(labels)
        self.other_search.value = next(iter(labels))

    def _searched(self, change: dict) -> None:
        path = self.groups[self.other_group.value].get(change["new"])
        if path is not None and path != self.other_path:
            self.other_path = path
            self._picked()

    def _branch_options(self) -> None:
        self._quiet = True
        try:
            base = self.what_if.base
            history = base.present is not None
            self.branch.options = [(branch_label(m, history), m) for m in branch_months(base)]
            self.branch.value = self.what_if.branch
        finally:
            self._quiet = False

    def _branch_changed(self, change: dict) -> None:
        if self._quiet:
            return
        self.what_if.set_branch(int(change["new"]))
        self._show_event_notes()
        self._show_changed()
        self.request()

    def _picked(self, _change: object = None) -> None:
        knob = knob_for(self.other_path)
        self._quiet = True
        try:
            with self.other_slider.hold_trait_notifications():
                self.other_slider.min = min(knob.low, self.other_slider.min)
                self.other_slider.max = max(knob.high, self.other_slider.max)
                value = self.what_if.value(knob.key)
                step = knob.step_for(value, knob.value_in(self.what_if.base))
                self.other_slider.step = step
                self.other_slider.value = value
                self.other_slider.min, self.other_slider.max = knob.low, knob.high
            self.other_slider.readout_format = _readout(step)
        finally:
            self._quiet = False
        self.other_unit.value = knob.unit
        self._show_changed()

    def _replicates_changed(self, change: dict) -> None:
        if not self._quiet:
            self.what_if.replicates = int(change["new"])
            self.request()

    def _scenario_changed(self, change: dict) -> None:
        try:
            scenario = load_scenario(change["new"])
        except ScenarioError as error:
            self._error(error)
            return
        self.what_if = WhatIf(scenario, self.what_if.replicates)
        self._branch_options()
        self._sync_sliders()
        self._default_save_name()
        self._show_event_notes()
        self.request()

    def _reset(self) -> None:
        self.what_if.reset()
        self._sync_sliders()
        self.request()

    def _sync_sliders(self) -> None:
        """Put every slider at the current what-if's values without triggering runs."""
        self._quiet = True
        try:
            for key, slider in self.sliders.items():
                slider.value = self.what_if.value(key)
        finally:
            self._quiet = False
        self._picked()

    def _default_save_name(self) -> None:
        self.save_name.value = f"{self.what_if.base.name}_what_if.yaml"

    def _show_event_notes(self) -> None:
        notes = [
            f"{knob.label}: {note}"
            for knob in KNOBS
            for note in overriding_events(self.what_if.base, knob, self.what_if.branch)
        ]
        self.event_note.value = (
            (
                "<div style='font-size:90%;color:#8a5a00'>This scenario's "
                "events set these after the branch date (the slider sets the value until "
                "then): " + "; ".join(html.escape(n) for n in notes) + "</div>"
            )
            if notes
            else ""
        )
        drawn = [
            f"<li data-knob='{knob.key}'><b>{html.escape(knob.label)}</b>: {html.escape(note)}</li>"
            for knob in KNOBS
            if (note := uncertain_note(self.what_if.base, knob, self.what_if.branch))
        ]
        self.uncertain_note.value = (
            f"<div style='font-size:90%;color:#8a5a00'><ul>{''.join(drawn)}</ul></div>"
            if drawn
            else ""
        )

    def _show_changed(self) -> None:
        knob = knob_for(self.other_path)
        drawn = uncertain_note(self.what_if.base, knob, self.what_if.branch)
        self.other_meaning.value = (
            f"<div style='font-size:90%'>{html.escape(knob.meaning)} "
            f"A: {knob.value_in(self.what_if.base):g}</div>"
            + (
                f"<div class='whatif-uncertain' style='font-size:90%;color:#8a5a00'>"
                f"{html.escape(drawn)}</div>"
                if drawn
                else ""
            )
            + f"<div style='font-size:90%'><b>B = A with:</b> "
            f"{html.escape(self.what_if.describe())}</div>"
        )

    # --- running --------------------------------------------------------------------

    def request(self) -> None:
        """Ask for a run: debounced on the kernel's event loop; at once without one."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.delay <= 0:
            self.run_now()
            return
        self.status.value = "<span style='color:#8a5a00'>waiting for the sliders to rest ...</span>"
        self._timer = loop.call_later(self.delay, self._timer_fired)

    def _timer_fired(self) -> None:
        self._timer = None
        self.run_now()

    def run_now(self) -> None:
        """Run A and B now and redraw everything."""
        started = time.perf_counter()
        what = self.what_if.describe()
        self.status.value = f"<span style='color:#8a5a00'>running: {html.escape(what)} ...</span>"
        try:
            self.comparison = self.what_if.run()
        except ScenarioError as error:
            self._error(error)
            return
        self.runs += 1
        self.last_error = None
        a = self.comparison.results[0]
        self.table.value = outcome_html(
            outcome_differences(self.comparison), (a.scenario.name, "what-if")
        )
        self._redraw()
        seconds = time.perf_counter() - started
        changes = "; ".join(f"{k} = {v:g}" for k, v in self.what_if.settings.items()) or "none"
        self.status.value = (
            f"<div data-runs='{self.runs}' data-settings='{html.escape(changes)}' "
            f"data-branch='{self.what_if.branch}'>"
            f"<b>Run {self.runs} done</b> in {seconds:.1f} s: A = '{a.scenario.name}', "
            f"B = A with {html.escape(what)}; {a.replicates} replicates each, seed "
            f"{a.scenario.spec.seed} (common random numbers)."
            f"<br><span style='font-size:85%'>settings: {html.escape(changes)}</span>"
            f"<br><span class='whatif-ensemble' style='font-size:85%'>ensemble: "
            f"{html.escape(ensemble_text(a.scenario.ensemble))}</span></div>"
        )

    def _redraw(self) -> None:
        if self.comparison is None:
            return
        keys = [d.value for d in self.series if d.value != NO_SERIES]
        self.figure.value = figure_png(fan_figure(self.comparison, keys, self.what_if.branch))
        medians = end_medians(self.comparison, keys)
        last = self.comparison.results[0].dates[-1].strftime("%B %Y")
        rows = "".join(
            f"<li data-series='{r.series}' data-a='{r.a:.6g}' data-b='{r.b:.6g}' "
            f"data-monthly-a='{monthly_json(r.monthly_a)}' "
            f"data-monthly-b='{monthly_json(r.monthly_b)}'>"
            f"{html.escape(dict((k, lab) for lab, k in series_choices())[r.series])}: "
            f"A {r.a:.3g}, B {r.b:.3g} {html.escape(r.unit)}</li>"
            for r in medians.itertuples()
        )
        self.medians.value = (
            f"<div style='font-size:90%'>Median of replicates in {last}:"
            f"<ul>{rows}</ul>Bands: 50 % and 90 % of replicates; grey A, "
            "purple B. Every month is in the attributes data-monthly-a and -b (from June "
            "2024).</div>"
        )

    def _error(self, error: Exception) -> None:
        self.last_error = str(error)
        self.status.value = f"<span style='color:#b2182b'>error: {html.escape(str(error))}</span>"

    # --- saving ---------------------------------------------------------------------

    def save(self) -> Path | None:
        """Write B as a scenario file extending A into the folder the explorer was started
        on (see core.save_scenario)."""
        try:
            path = save_scenario(self.what_if, self.save_name.value, self.save_folder)
        except ScenarioError as error:
            self.save_message.value = (
                f"<span style='color:#b2182b'>not saved: {html.escape(str(error))}</span>"
            )
            return None
        self.save_message.value = (
            f"Saved <code>{html.escape(str(path))}</code>; load it with "
            f"<code>load_scenario('{html.escape(str(path))}')</code>."
        )
        return path

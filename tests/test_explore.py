"""The what-if explorer without a browser: knobs follow the declarations, B differs from A
only by the changes (common random numbers), effects point the way the model says, saved
scenarios load back to the same parameters (and only into the starting folder), the widgets
debounce their runs, and the server serves only its user and leaves nothing running."""

import asyncio
import contextlib
import http.client
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import psutil
import pytest
import yaml

from sim import ScenarioError, compare, load_scenario
from sim.explore import (
    KNOBS,
    START,
    WhatIf,
    branch_label,
    branch_months,
    effective_parameters,
    end_medians,
    fan_figure,
    knob_for,
    outcome_differences,
    parameter_paths,
    parameter_value,
    save_scenario,
    scenario_files,
    uncertain_note,
)
from sim.explore.core import (
    FIGURE_DPI,
    outcome_html,
    overriding_events,
    parameter_groups,
    shifted_prior,
)
from sim.explore.declarations import ACTOR_PARAMS, SANCTIONERS

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def baseline():
    return load_scenario(BASELINE).with_params(horizon_months=72)


def test_the_six_drivers_have_their_declared_ranges_units_and_values(baseline):
    keys = [k.key for k in KNOBS]
    assert keys == [
        "china.coalition_bias",
        "rok.reactivity.dprk",
        "russia.commitment",
        "usa.buildup",
        "sanctions.russia",
        "ukraine.intensity",
    ]
    commitment = knob_for("russia.commitment")
    declared = ACTOR_PARAMS["commitment"]
    assert (commitment.low, commitment.high, commitment.unit) == (0.0, 1.0, declared.unit)
    assert commitment.value_in(baseline) == declared.defaults["russia"] == 0.6
    assert knob_for("rok.reactivity.dprk").value_in(baseline) == 1.2
    sanctions = knob_for("sanctions.russia")
    assert sanctions.changes(0.4) == {f"{s}.sanction_tightening.russia": 0.4 for s in SANCTIONERS}
    # any declared parameter can be chosen; a null one (no plan: keeps its burden) cannot be slid
    paths = parameter_paths(baseline)
    assert {"world.clash_hazard", "dprk.troops", "japan.reactivity.china"} <= set(paths)
    assert "japan.plan_growth" in paths and "usa.plan_growth" not in paths
    for path in paths:
        knob = knob_for(path)
        assert knob.low <= parameter_value(baseline, path) <= knob.high, path
        value = parameter_value(baseline, path)
        step = knob.step_for(value)
        assert round(value / step) * step == pytest.approx(value, abs=1e-9), path


def test_wrong_settings_are_refused_with_the_allowed_range(baseline):
    what_if = WhatIf(baseline)
    with pytest.raises(ScenarioError, match=r"from 0 to 1 \(probability\), got 1.5"):
        what_if.set("russia.commitment", 1.5)
    with pytest.raises(ScenarioError, match="no such declared parameter"):
        what_if.set("russia.bravado", 0.5)
    with pytest.raises(ScenarioError, match="is a mapping: add one of"):
        what_if.set("rok.reactivity", 1.0)


def test_a_knob_back_at_its_start_is_no_change_and_b_equals_a(baseline):
    what_if = WhatIf(baseline, replicates=60)
    what_if.set("russia.commitment", 0.2)
    what_if.set("russia.commitment", 0.6)
    assert what_if.changes() == {} and what_if.describe() == "no change"
    table = outcome_differences(what_if.run())
    assert (table["difference"] == 0).all()
    assert (table["b_not_a"] == 0).all() and (table["a_not_b"] == 0).all()


def test_lower_russian_commitment_lowers_reciprocity_and_matches_compare(baseline):
    what_if = WhatIf(baseline, replicates=300)
    what_if.set("russia.commitment", 0.05)
    comparison = what_if.run()
    table = outcome_differences(comparison).set_index("outcome")
    assert table.loc["reciprocity_fired", "share_b"] < table.loc["reciprocity_fired", "share_a"]
    assert table.loc["reciprocity_fired", "b_not_a"] == 0  # no future gains a reciprocity
    # the same numbers as the public API's compare() on the same settings
    changed = baseline.with_params({"russia.commitment": 0.05}, from_="2027-01")
    direct = compare([baseline, changed], replicates=300)
    for k, column in ((0, "share_a"), (1, "share_b")):
        shares = direct.results[k].summary().set_index("outcome")["share"]
        assert np.allclose(table[column], shares.loc[table.index])
    # paired counts explain the difference: (B not A - A not B) / N
    assert np.allclose(
        table["difference"], (table["b_not_a"] - table["a_not_b"]) / table["replicates"]
    )


def test_sliders_act_from_the_branch_month_and_leave_the_months_before_it_as_a(baseline):
    short = baseline.with_params(horizon_months=40)
    what_if = WhatIf(short, replicates=30)
    assert what_if.branch == 31 and what_if.from_ == "2027-01"  # the month after the present
    what_if.set_branch(34)
    what_if.set("russia.commitment", 0.05)
    assert what_if.modified().branch == 34
    a, b = what_if.run().results
    for name in ("peninsula_tension", "munitions"):
        assert np.array_equal(a.series(name)[:34], b.series(name)[:34]), name
    assert not np.array_equal(a.series("munitions")[34:], b.series("munitions")[34:])


def test_the_branch_month_is_after_the_present_or_the_start_which_rewrites_history(baseline):
    months = branch_months(baseline)
    assert months[0] == 31 and months[-2] == 72 and months[-1] == START
    assert branch_label(31) == "2027-01 (January 2027)"
    assert "rewrites the history" in branch_label(START)
    without_present = load_scenario(ROOT / "scenarios" / "pact_as_signed.yaml")
    assert branch_months(without_present)[:2] == [START, 1]
    assert branch_label(START, history=False) == "June 2024, the start"
    refused = r"expected a month from 2027-01 to 2030-06 or 0 \(the start\), got 2026-12"
    with pytest.raises(ScenarioError, match=refused):
        WhatIf(baseline).set_branch(30)
    what_if = WhatIf(baseline, branch=START)
    what_if.set("russia.commitment", 0.3)
    assert what_if.from_ is None and what_if.modified().param("russia", "commitment") == 0.3


def test_event_notes_list_the_scenarios_changes_and_only_those_after_the_branch():
    us = load_scenario(ROOT / "scenarios" / "us_buildup.yaml")
    knob = knob_for("usa.buildup")
    assert overriding_events(us, knob, START)[-1] == "2027-01: usa.buildup = 0.7"
    assert overriding_events(us, knob, 31) == []  # its change comes before the slider's
    assert overriding_events(us, knob_for("sanctions.russia"), 31) == []  # all in 2024-26
    assert overriding_events(us, knob_for("sanctions.russia"), START)[0].startswith("2024-12")


def test_outcome_table_says_outcomes_in_words_coloured_by_desirability(baseline):
    what_if = WhatIf(baseline, replicates=60, branch=START)
    what_if.set("russia.commitment", 0.05)
    table = outcome_differences(what_if.run())
    page = outcome_html(table)
    cells = re.findall(r'<td class="outcome">([^<]*)', page)
    assert "Partner joins a war (reciprocity clause)" in cells
    assert not [c for c in cells if "_" in c], cells  # no raw ids
    assert "blue desirable, red undesirable, grey depends on the view" in page
    row = r'data-outcome="(\w+)".*?class="difference" style="color:(#\w+)'
    colours = dict(re.findall(row, page))
    rows = table.set_index("outcome")
    for outcome, colour in colours.items():
        diff = rows.loc[outcome, "difference"]
        if rows.loc[outcome, "forced"] or diff == 0:
            continue
        if outcome == "reciprocity_fired":
            assert diff < 0 and colour == "#2166ac"  # less of a bad outcome: blue
        if outcome == "leadership_change":
            assert colour == "#8c8c8c"  # depends on the view


def test_other_parameters_are_grouped_by_actor_in_words():
    groups = parameter_groups(["rok.reactivity.japan", "world.clash_hazard", "dprk.troops"])
    assert list(groups) == ["North Korea", "South Korea", "World"]
    assert groups["South Korea"] == {"reactivity toward Japan (1/yr)": "rok.reactivity.japan"}


UNCERTAIN = ROOT / "scenarios" / "history_uncertain.yaml"


def test_a_slider_for_a_drawn_parameter_sets_it_from_the_branch_and_says_so():
    start = load_scenario(UNCERTAIN).with_params(horizon_months=40)
    what_if = WhatIf(start, replicates=30)
    knob = knob_for("rok.reactivity.dprk")
    note = uncertain_note(start, knob, what_if.branch)
    assert "uniform from 0.3 to 2.4" in note and "from 2027-01 the slider sets one value" in note
    assert uncertain_note(start, knob_for("russia.commitment"), what_if.branch) is None
    what_if.set("rok.reactivity.dprk", 2.4)
    a, b = what_if.run().results
    assert np.array_equal(a.series("spending", "rok")[:31], b.series("spending", "rok")[:31])
    assert not np.array_equal(a.series("spending", "rok")[31:], b.series("spending", "rok")[31:])


def test_from_the_start_a_slider_for_a_drawn_parameter_shifts_its_prior(tmp_path):
    start = load_scenario(UNCERTAIN)
    assert branch_months(start) == [START]  # history ends at the present
    what_if = WhatIf(start, replicates=30)
    knob = knob_for("rok.reactivity.dprk")
    assert "shifts that distribution" in uncertain_note(start, knob, START)
    what_if.set("rok.reactivity.dprk", 1.7)  # A's value 1.2: the prior moves by +0.5
    assert what_if.changes() == {}  # not an undated key the draw would overwrite
    moved = what_if.modified().spec.uncertain["rok.reactivity.dprk"]
    assert (moved.dist, moved.low, moved.high) == ("uniform", 0.8, 2.9)
    a, b = what_if.run().results
    # the shifted prior acts in every replicate (which way depends on the DPRK's capability
    # against its plan: the munitions cut of 2025 lowers it, and a keener South Korea reacts)
    assert np.all(b.series("spending", "rok")[-1] != a.series("spending", "rok")[-1])
    path = save_scenario(what_if, "keener", tmp_path)
    assert yaml.safe_load(path.read_text())["uncertain"] == {
        "rok.reactivity.dprk": {"dist": "uniform", "low": 0.8, "high": 2.9}
    }
    assert effective_parameters(load_scenario(path)) == effective_parameters(
        what_if.modified().with_params(replicates=30)
    )
    with pytest.raises(ScenarioError, match="leaves nothing inside 0 to 5"):
        shifted_prior(start.spec.uncertain["rok.reactivity.dprk"], "rok.reactivity.dprk", 9.0)


def test_a_keener_south_korea_from_the_start_makes_arms_races_more_likely(baseline):
    # ten years: South Korea's enacted budgets of 2025-26 and the DPRK's munitions cut leave
    # a race (8 % a year for three years) little room before 2028 (72 months gave +3 points)
    what_if = WhatIf(baseline.with_params(horizon_months=120), replicates=200, branch=START)
    # 4.5 since the pact's new channels ramp up (issue 12): the DPRK's capability, and so
    # South Korea's reaction, grows more slowly in the first years
    what_if.set("rok.reactivity.dprk", 4.5)
    table = outcome_differences(what_if.run()).set_index("outcome")
    assert table.loc["regional_arms_race", "difference"] > 0.05


def test_the_sanctions_knob_tightens_sanctions_on_russia(baseline):
    what_if = WhatIf(baseline, replicates=40)
    what_if.set("sanctions.russia", 0.6)
    medians = end_medians(what_if.run(), ["sanctions_on:russia"]).iloc[0]
    assert medians["b"] > medians["a"] + 0.2


def test_fans_have_units_real_dates_and_both_bands_in_the_legend(baseline):
    what_if = WhatIf(baseline, replicates=40)
    what_if.set("ukraine.intensity", 0.0)
    fig = fan_figure(what_if.run(), ["spending:russia", "munitions"], what_if.branch)
    axes = fig.axes
    assert [ax.get_ylabel() for ax in axes] == ["constant 2024 US$ bn/yr", "million rounds/yr"]
    assert axes[0].get_title(loc="left") == "Russia: Military spending"
    assert [t.get_text() for t in axes[-1].get_xticklabels()][:2] == ["2024", "2026"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "A: baseline, median" in legend and "B: what-if, median" in legend
    assert "B: what-if, middle 50 %" in legend
    assert "A: baseline, middle 90 %" in legend
    assert "B branches from Jan 2027" in legend


def test_the_fan_legend_is_readable_on_a_1280_pixel_page(baseline):
    """The figure is drawn at about the width the page's results column gives it (about
    600 px at 1280 x 720), so its legend is shown at no less than 10 px."""
    what_if = WhatIf(baseline, replicates=20)
    fig = fan_figure(what_if.run())
    drawn_px = fig.get_size_inches()[0] * FIGURE_DPI
    shown = min(1.0, 600 / drawn_px)
    sizes = {t.get_fontsize() for t in fig.legends[0].get_texts()}
    assert min(sizes) * FIGURE_DPI / 72 * shown >= 10, (sizes, drawn_px)


def test_saved_scenario_from_the_start_has_undated_keys_and_loads_to_b(tmp_path):
    start = load_scenario(ROOT / "scenarios" / "sanctions_isolation.yaml")
    what_if = WhatIf(start, replicates=120, branch=START)
    what_if.set("rok.reactivity.dprk", 1.75)
    what_if.set("sanctions.russia", 0.15)
    what_if.set("world.clash_hazard", 0.09)
    what_if.set("ukraine.intensity", 0.5)
    path = save_scenario(what_if, "my_case", tmp_path)
    data = yaml.safe_load(path.read_text())
    assert not Path(data["extends"]).is_absolute()
    assert (path.parent / data["extends"]).resolve() == (
        ROOT / "scenarios" / "sanctions_isolation.yaml"
    )
    assert data["actors"]["rok"] == {
        "reactivity": {"dprk": 1.75},  # ROK also sanctions
        "sanction_tightening": {"russia": 0.15},
    }
    assert data["world"] == {"clash_hazard": 0.09} and data["ukraine"] == {"intensity": 0.5}
    assert data["replicates"] == 120
    loaded = load_scenario(path)
    assert loaded.name == "my_case"
    expected = what_if.modified().with_params(replicates=120)
    assert effective_parameters(loaded) == effective_parameters(expected)
    assert parameter_value(loaded, "rok.reactivity.china") == 0.005  # merged, not replaced
    assert len(loaded.spec.events) == len(start.spec.events)  # events still apply
    with pytest.raises(ScenarioError, match="exists"):
        save_scenario(what_if, path, tmp_path)


def test_saved_scenario_from_the_branch_writes_a_dated_change_block_equal_to_the_run(tmp_path):
    start = load_scenario(ROOT / "scenarios" / "us_buildup.yaml").with_params(horizon_months=48)
    what_if = WhatIf(start, replicates=30)
    what_if.set_branch(37)  # July 2027
    what_if.set("russia.commitment", 0.25)
    path = save_scenario(what_if, "russia_cools", tmp_path)
    data = yaml.safe_load(path.read_text())
    assert data["changes"] == [{"from": "2027-07", "set": {"russia.commitment": 0.25}}]
    assert "actors" not in data  # nothing undated: the history stays the observed one
    loaded = load_scenario(path)
    assert loaded.branch == start.branch == 31  # the US build-up's own change comes first
    assert effective_parameters(loaded) == effective_parameters(
        what_if.modified().with_params(replicates=30)
    )
    saved, run = compare([loaded, what_if.modified()], replicates=30, seed=start.spec.seed).results
    assert np.array_equal(saved.series("peninsula_tension"), run.series("peninsula_tension"))


@pytest.fixture
def shift(baseline):
    what_if = WhatIf(load_scenario(BASELINE))
    what_if.set("russia.commitment", 0.3)
    return what_if


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../escaped.yaml", "saves only into"),
        ("/etc/escaped.yaml", "saves only into"),
        ("new_folder/escaped.yaml", "saves only into"),
        (".hidden.yaml", "letters, digits"),
        ("a b.yaml", "letters, digits"),
    ],
)
def test_save_as_refuses_names_outside_the_folder(shift, tmp_path, name, message):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    with pytest.raises(ScenarioError, match=message) as error:
        save_scenario(shift, name, folder)
    assert "\n" not in str(error.value)
    assert [p.name for p in tmp_path.rglob("*")] == ["scenarios"]  # nothing written or made


def test_save_as_never_writes_through_a_symbolic_link(shift, tmp_path):
    folder, outside = tmp_path / "scenarios", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "dangling.yaml").symlink_to(outside / "created.yaml")
    with pytest.raises(ScenarioError, match="a file of that name exists"):
        save_scenario(shift, "dangling.yaml", folder)
    assert not (outside / "created.yaml").exists()  # the link's target was not created
    (tmp_path / "linked").symlink_to(outside)
    with pytest.raises(ScenarioError, match="'linked' is a symbolic link"):
        save_scenario(shift, "x.yaml", tmp_path / "linked")
    assert list(outside.iterdir()) == []


def test_save_as_never_creates_its_folder(shift, tmp_path):
    with pytest.raises(ScenarioError, match="'missing' does not exist"):
        save_scenario(shift, "x.yaml", tmp_path / "missing" / "deeper")
    assert list(tmp_path.iterdir()) == []


def test_a_scenario_without_a_file_cannot_be_extended(baseline):
    from sim.explore.declarations import ACTORS  # noqa: F401  (declarations import cleanly)

    orphan = WhatIf(type(baseline)(baseline.spec))
    with pytest.raises(ScenarioError, match="no file to extend"):
        save_scenario(orphan, "never.yaml", "/tmp")


def test_scenario_picker_lists_the_shipped_scenarios_baseline_first():
    names = [p.stem for p in scenario_files()]
    assert names[0] == "baseline"
    assert {"us_buildup", "sanctions_isolation", "ukraine_ceasefire"} <= set(names)


# --- the widget layer -------------------------------------------------------------------


@pytest.fixture
def explorer(baseline, tmp_path):
    pytest.importorskip("ipywidgets")
    from sim.explore import Explorer

    return Explorer(baseline, replicates=60, delay=0.05, save_folder=tmp_path)


def test_moving_a_slider_reruns_and_updates_table_and_figure(explorer):
    assert explorer.runs == 1  # built with a first run: B = A
    before_png, before_table = explorer.figure.value, explorer.table.value
    explorer.sliders["russia.commitment"].value = 0.1  # no event loop here: runs at once
    assert explorer.runs == 2
    assert explorer.what_if.changes() == {"russia.commitment": 0.1}
    assert explorer.what_if.from_ == "2027-01"  # the default branch: after the present
    assert explorer.figure.value != before_png and explorer.table.value != before_table
    expected = outcome_differences(explorer.what_if.run()).set_index("outcome")
    row = expected.loc["reciprocity_fired"]
    assert f'<td class="share-b">{row["share_b"] * 100:.1f} %</td>' in explorer.table.value
    assert "russia.commitment = 0.1" in explorer.status.value


def test_the_page_says_which_parameter_sets_the_futures_start_from(explorer):
    assert "ensemble: conditioned on the observed history: 300 parameter sets" in (
        explorer.status.value
    )


def test_the_page_shows_the_branch_date_and_moving_it_reruns_from_there(explorer):
    assert explorer.branch.value == 31
    assert explorer.branch.options[0] == ("2027-01 (January 2027)", 31)
    assert "data-branch='31'" in explorer.status.value
    explorer.sliders["russia.commitment"].value = 0.1
    explorer.branch.value = 40
    assert explorer.runs == 3 and explorer.what_if.from_ == "2027-10"
    assert "from 2027-10" in explorer.status.value
    item = re.search(r"data-monthly-a='([^']*)' data-monthly-b='([^']*)'", explorer.medians.value)
    a, b = (json.loads(group) for group in item.groups())
    assert len(a) == 73 and a[:40] == b[:40]


def test_the_page_says_what_a_slider_does_to_a_drawn_parameter(tmp_path):
    pytest.importorskip("ipywidgets")
    from sim.explore import Explorer

    start = load_scenario(ROOT / "scenarios" / "history_uncertain.yaml")
    page = Explorer(start.with_params(horizon_months=40), replicates=20, run=False)
    assert "South Korea: reactivity to DPRK" in page.uncertain_note.value
    assert "from 2027-01 the slider sets one value in every future" in page.uncertain_note.value
    page.branch.value = START
    assert "shifts that distribution" in page.uncertain_note.value


def test_other_parameter_chooser_takes_range_and_value_from_the_declaration(explorer):
    explorer.other_group.value = "North Korea"
    assert "troops (troops deployed)" in explorer.other_search.options
    assert all(
        ":" not in label and "." not in label.split(" (")[0]
        for label in explorer.other_search.options
    )  # words, not ids
    explorer.other_search.value = "troops (troops deployed)"
    assert explorer.other_path == "dprk.troops"
    slider = explorer.other_slider
    # the baseline's own value: no DPRK troops in Russia in June 2024 (history.yaml)
    assert (slider.min, slider.max, slider.value) == (0.0, 200000.0, 0.0)
    assert explorer.other_unit.value == "troops deployed"
    assert explorer.runs == 1  # choosing a parameter is not a change
    slider.value = 30000.0
    assert explorer.what_if.changes() == {"dprk.troops": 30000.0}


def test_dragging_queues_one_run_not_one_per_step(explorer):
    async def drag() -> None:
        for value in (0.55, 0.5, 0.45, 0.4, 0.35, 0.3):
            explorer.sliders["russia.commitment"].value = value
            await asyncio.sleep(0.01)
        assert explorer.runs == 1  # still waiting for the slider to rest
        await asyncio.sleep(0.5)

    asyncio.run(drag())
    assert explorer.runs == 2
    assert explorer.what_if.changes() == {"russia.commitment": 0.3}


def test_switching_scenario_resets_the_sliders_and_reruns(explorer):
    explorer.sliders["usa.buildup"].value = 0.9
    path = str(ROOT / "scenarios" / "us_buildup.yaml")
    explorer.scenario_picker.value = path
    us = load_scenario(path)
    assert explorer.what_if.base.name == "us_buildup" and explorer.what_if.changes() == {}
    assert explorer.sliders["usa.buildup"].value == knob_for("usa.buildup").value_in(us)
    assert "A = 'us_buildup'" in explorer.status.value


def test_save_button_writes_a_loadable_file(explorer, tmp_path):
    explorer.sliders["china.coalition_bias"].value = 0.8
    explorer.save_name.value = "china_leans_in"
    path = explorer.save()
    assert path == tmp_path.resolve() / "china_leans_in.yaml"
    assert "Saved" in explorer.save_message.value
    saved = load_scenario(path)
    assert saved.spec.changes[-1].set == {"china.coalition_bias": 0.8}
    assert saved.spec.changes[-1].from_ == "2027-01" and saved.branch == 31
    assert explorer.save() is None and "exists" in explorer.save_message.value
    explorer.save_name.value = "../escaped"
    assert explorer.save() is None
    assert "saves only into" in explorer.save_message.value


# --- the served page: only its user, nothing left running -------------------------------


def test_voila_listens_on_one_local_port_with_capped_culled_kernels_and_no_token_in_argv():
    from sim.explore.serve import Limits, voila_command

    command = voila_command(8870, limits=Limits(max_kernels=2, cull_idle_timeout=60))
    assert {"--Voila.ip=127.0.0.1", "--port=8870", "--Voila.port_retries=0"} <= set(command)
    assert {
        "--VoilaConfiguration.multi_kernel_manager_class=__main__.CappedKernelManager",
        "--CappedKernelManager.max_kernels=2",
        "--CappedKernelManager.cull_idle_timeout=60",
        "--CappedKernelManager.cull_connected=False",
    } <= set(command)
    assert not any("token" in part.lower() for part in command)  # `ps` would show it


def test_the_token_and_the_parent_reach_the_server_by_its_environment(tmp_path):
    from sim.explore.serve import environment

    env = environment(tmp_path, BASELINE, 80, "s3cret", 7)
    assert env["ALLIANCE_SIM_TOKEN"] == "s3cret" and env["ALLIANCE_SIM_READY_FD"] == "7"
    assert env["ALLIANCE_SIM_PARENT"] == str(os.getpid())
    assert env["ALLIANCE_SIM_SCENARIO"] == str(BASELINE) and env["ALLIANCE_SIM_REPLICATES"] == "80"


WS = {"Upgrade": "websocket", "Connection": "Upgrade"}


def _request_for(path: str, headers: dict[str, str]):
    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    start = RequestStartLine("GET", path, "HTTP/1.1")
    return HTTPServerRequest(start_line=start, headers=HTTPHeaders(headers))


@pytest.mark.parametrize(
    ("path", "headers", "refused"),
    [
        ("/", {"Host": "127.0.0.1:8870"}, None),
        ("/", {"Host": "localhost:8870", "Sec-Fetch-Site": "same-origin"}, None),
        ("/", {"Host": "[::1]:8870", "Origin": "http://[::1]:8870"}, None),
        ("/", {"Host": "evil.example:8870"}, (403, "Host must be one of")),  # DNS rebinding
        ("/", {"Host": "localhost:8871"}, (403, "Host must be one of")),
        ("/", {"Host": "localhost"}, (403, "Host must be one of")),
        ("/", {"Host": "127.0.0.1:8870", "Sec-Fetch-Site": "same-site"}, (403, "another origin")),
        ("/", {"Host": "127.0.0.1:8870", "Sec-Fetch-Site": "cross-site"}, (403, "another origin")),
        (
            "/api/kernels",
            {"Host": "127.0.0.1:8870", "Origin": "http://evil.example"},
            (403, "Origin http://evil.example is not this server"),
        ),
        (
            "/api/kernels/k1/channels",
            {"Host": "127.0.0.1:8870", **WS},
            (400, "must offer the v1.kernel.websocket.jupyter.org protocol"),
        ),
        (
            "/api/kernels/k1/channels",
            {"Host": "127.0.0.1:8870", "Sec-WebSocket-Protocol": "v1.kernel.websocket.jupyter.org"}
            | WS,
            None,
        ),
    ],
)
def test_the_server_refuses_foreign_hosts_other_origins_and_bare_websockets(path, headers, refused):
    pytest.importorskip("voila")
    from sim.explore.guarded import refusal

    answer = refusal(_request_for(path, headers), 8870, kernels_full=False)
    if refused is None:
        assert answer is None
    else:
        assert answer[0] == refused[0] and refused[1] in answer[1]


def test_no_page_starts_a_kernel_beyond_the_cap():
    pytest.importorskip("voila")
    from tornado.web import HTTPError

    from sim.explore.guarded import CappedKernelManager, refusal

    assert refusal(_request_for("/", {"Host": "127.0.0.1:8870"}), 8870, kernels_full=True)[0] == 503
    with pytest.raises(HTTPError) as error:  # two pages at once: the second start is refused
        asyncio.run(CappedKernelManager(max_kernels=0).start_kernel())
    assert error.value.status_code == 503


def test_a_taken_port_is_said_in_one_line_with_exit_2_and_no_url(capsys):
    pytest.importorskip("voila")
    from sim.explore.serve import main

    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        assert main(["--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"error: port {port} on 127.0.0.1 is taken by another program; choose another with --port\n"
    )


@pytest.mark.parametrize("port", ["0", "70000", "http"])
def test_a_port_out_of_range_is_refused(port, capsys):
    from sim.explore.serve import main

    with pytest.raises(SystemExit) as exit:
        main(["--port", port])
    assert exit.value.code == 2
    assert f"expected a port number from 1 to 65535, got '{port}'" in capsys.readouterr().err


# --- real servers: `python -m sim explore` in a subprocess ------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_explorer(log: Path) -> tuple[subprocess.Popen, str]:
    """`python -m sim explore --port P`; returns the process and the URL it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "explore", "--port", str(_free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        start_new_session=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 90)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("The explorer: "):
        process.kill()
        pytest.fail(f"the explorer did not serve: {line!r} {log.read_text()[-2000:]}")
    return process, line.split()[2]


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _kernels(process: subprocess.Popen) -> list[psutil.Process]:
    tree = psutil.Process(process.pid).children(recursive=True)
    return [p for p in tree if "ipykernel_launcher" in " ".join(p.cmdline())]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGKILL])
def test_any_signal_to_the_explorer_stops_voila_and_its_kernels(signum, tmp_path):
    pytest.importorskip("voila")
    log = tmp_path / "stderr.log"
    process, url = _start_explorer(log)

    def open_page() -> None:  # starts a kernel, busy running the notebook when signalled
        with contextlib.suppress(OSError, http.client.HTTPException):
            urllib.request.urlopen(url, timeout=120).read()  # cut short by the signal

    threading.Thread(target=open_page, daemon=True).start()
    assert _until(lambda: _kernels(process), 30), "no kernel started"
    tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    assert len(tree) >= 3  # explorer, Voila, kernel

    process.send_signal(signum)
    assert _until(lambda: not _alive(tree), 15), f"left running: {_alive(tree)}"
    process.wait()
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    pytest.importorskip("voila")
    process, url = _start_explorer(tmp_path_factory.mktemp("explorer") / "stderr.log")
    yield process, urlsplit(url)
    process.terminate()
    process.wait(timeout=20)


def _request(url, method: str, path: str, headers: dict[str, str]) -> tuple[int, str]:
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


@pytest.mark.slow
def test_a_request_without_the_token_is_sent_to_log_in(served):
    process, url = served
    status, _ = _request(url, "GET", "/", {})
    assert status == 302
    status, _ = _request(url, "GET", "/?token=wrong", {})
    assert status == 302
    assert _kernels(process) == []


@pytest.mark.slow
def test_a_dns_rebinding_host_is_refused_even_with_the_token(served):
    process, url = served
    status, body = _request(url, "GET", f"/?{url.query}", {"Host": f"evil.example:{url.port}"})
    assert status == 403 and body.startswith("refused: Host must be one of")
    assert _kernels(process) == []


@pytest.mark.slow
def test_a_cross_origin_request_cannot_start_a_kernel(served):
    process, url = served
    evil = {"Origin": "http://evil.example"}
    status, body = _request(url, "POST", f"/api/kernels?{url.query}", evil)
    assert status == 403 and "Origin http://evil.example is not this server" in body
    other_port = {"Sec-Fetch-Site": "same-site"}  # a page on another localhost port
    assert _request(url, "GET", f"/?{url.query}", other_port)[0] == 403
    assert _kernels(process) == []


@pytest.mark.slow
def test_a_websocket_without_the_kernel_protocol_is_refused(served):
    _, url = served
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    status, body = _request(url, "GET", f"/api/kernels/k1/channels?{url.query}", headers)
    assert status == 400 and "v1.kernel.websocket.jupyter.org" in body

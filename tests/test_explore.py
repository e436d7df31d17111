"""The what-if explorer without a browser: knobs follow the declarations, B differs from A
only by the changes (common random numbers), effects point the way the model says, saved
scenarios load back to the same parameters, and the widgets debounce their runs."""

import asyncio
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import ScenarioError, compare, load_scenario
from sim.explore import (
    KNOBS,
    WhatIf,
    effective_parameters,
    end_medians,
    fan_figure,
    knob_for,
    outcome_differences,
    parameter_paths,
    parameter_value,
    save_scenario,
    scenario_files,
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
    direct = compare([baseline, baseline.with_params({"russia.commitment": 0.05})], replicates=300)
    for k, column in ((0, "share_a"), (1, "share_b")):
        shares = direct.results[k].summary().set_index("outcome")["share"]
        assert np.allclose(table[column], shares.loc[table.index])
    # paired counts explain the difference: (B not A - A not B) / N
    assert np.allclose(
        table["difference"], (table["b_not_a"] - table["a_not_b"]) / table["replicates"]
    )


def test_a_keener_south_korea_makes_arms_races_more_likely(baseline):
    what_if = WhatIf(baseline, replicates=200)
    # 4.5 since the pact's new channels ramp up (issue 12): the DPRK's capability, and so
    # South Korea's reaction, grows more slowly in the first years (3.5 gave +5.0 points)
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
    fig = fan_figure(what_if.run(), ["spending:russia", "munitions"])
    axes = fig.axes
    assert [ax.get_ylabel() for ax in axes] == ["constant 2024 US$ bn/yr", "million rounds/yr"]
    assert axes[0].get_title() == "Russia: Military spending"
    assert [t.get_text() for t in axes[0].get_xticklabels()][:2] == ["2024", "2026"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "A: baseline, median" in legend and "B: what-if, median" in legend
    assert "B: what-if, 50 % of replicates" in legend
    assert "A: baseline, 90 % of replicates" in legend


def test_saved_scenario_extends_the_start_and_loads_to_the_same_parameters(tmp_path):
    start = load_scenario(ROOT / "scenarios" / "sanctions_isolation.yaml")
    what_if = WhatIf(start, replicates=120)
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
    assert explorer.figure.value != before_png and explorer.table.value != before_table
    expected = outcome_differences(explorer.what_if.run()).set_index("outcome")
    row = expected.loc["reciprocity_fired"]
    assert f'<td class="share-b">{row["share_b"] * 100:.1f} %</td>' in explorer.table.value
    assert "russia.commitment = 0.1" in explorer.status.value


def test_other_parameter_chooser_takes_range_and_value_from_the_declaration(explorer):
    explorer.other_picker.value = "dprk.troops"
    slider = explorer.other_slider
    assert (slider.min, slider.max, slider.value) == (0.0, 200000.0, 11000.0)
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
    assert load_scenario(path).param("china", "coalition_bias") == 0.8
    assert explorer.save() is None and "exists" in explorer.save_message.value
    explorer.save_name.value = "../escaped"
    assert explorer.save() is None
    assert "saves only into" in explorer.save_message.value

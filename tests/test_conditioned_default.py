"""Futures conditioned on the past (issue 19): the baseline and the shipped what-ifs run on the
shipped posterior (scenarios/posterior/history.csv) by default, --priors runs from the priors,
the manifest names which, and a posterior that no longer matches its inputs is caught."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario, run
from sim.actors import INDEX
from sim.cli import grammar, main
from sim.errors import ScenarioError, UserError
from sim.execution import posterior as shipping
from sim.execution.jobs import Job, run_rows
from sim.model.model import AllianceModel
from sim.results.scenario_table import what_ifs
from sim.scenario.posterior import load_ensemble, read_ensemble, sidecar_of

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SHIPPED = "alliance-sim:posterior/history.csv"
SHORT = {"replicates": 4, "horizon_months": 36}


def manifest_of(out: Path) -> dict:
    (path,) = out.glob("*/*/manifest.json")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "path",
    [*what_ifs(), *sorted((SCENARIOS / "counterfactual").glob("*.yaml"))],
    ids=lambda p: p.stem,
)
def test_the_baseline_every_shipped_what_if_and_counterfactual_start_from_the_posterior(path):
    """The counterfactuals too: they are compared with the baseline, so on the same sets."""
    assert load_scenario(path).spec.ensemble == SHIPPED


@pytest.mark.parametrize(
    "path",
    [
        SCENARIOS / "history.yaml",
        SCENARIOS / "history_uncertain.yaml",
        SCENARIOS / "pact_as_signed.yaml",
    ],
    ids=lambda p: p.stem,
)
def test_the_history_stays_on_the_priors(path):
    assert load_scenario(path).ensemble is None


def test_the_shipped_posterior_matches_the_files_it_was_conditioned_on():
    reasons = shipping.stale_reasons(load_ensemble(SHIPPED))
    assert not reasons, f"{SHIPPED} is stale ({'; '.join(reasons)}): run `{shipping.COMMAND}`"


def test_the_shipped_posterior_is_small_and_says_how_it_was_made():
    ensemble = load_ensemble(SHIPPED)
    assert ensemble.file.stat().st_size < 200_000
    assert 100 <= len(ensemble.sets) <= 1000
    made = ensemble.made
    assert made["command"].startswith("python -m sim.execution.posterior")
    assert made["method"].startswith("ABC rejection")
    assert set(made["inputs"]) == {
        "scenarios/history.yaml",
        "scenarios/history_uncertain.yaml",
        "observations/history.yaml",
    }
    assert set(ensemble.sets.paths) == set(
        load_scenario(SCENARIOS.parent / made["scenario"]).spec.uncertain
    )


def test_replicate_r_takes_set_r_mod_n_in_any_batch():
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=2)
    sets = load_ensemble(SHIPPED).sets
    ids = np.array([len(sets) + 7, 3])  # set 7 and set 3
    model = AllianceModel(scenario, replicate_ids=ids)
    assert np.array_equal(
        model.params.tension_sensitivity, sets.column("world.tension_sensitivity")[[7, 3]]
    )


def test_a_value_the_scenario_sets_itself_wins_over_the_posterior():
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {"world.tension_sensitivity": 1.5}, replicates=3
    )
    sets = load_ensemble(SHIPPED).sets
    params = AllianceModel(scenario).params
    assert np.all(params.tension_sensitivity == 1.5)
    assert np.array_equal(params.budget_adjustment, sets.column("world.budget_adjustment")[:3])


def test_restating_the_history_s_own_value_on_purpose_also_wins(tmp_path):
    """A what-if file or with_params that writes a parameter's base value (the value the
    posterior was conditioned from) means that value, in every replicate; a parameter left
    alone takes the posterior's sets."""
    base = load_ensemble(SHIPPED).base["rok.reassurance"]
    restating = tmp_path / "restating.yaml"
    restating.write_text(
        f"extends: {SCENARIOS / 'baseline.yaml'}\nname: restating\nreplicates: 6\n"
        f"actors:\n  rok:\n    reassurance: {base}\n"
    )
    in_a_file = AllianceModel(load_scenario(restating)).params.reassurance[:, INDEX["rok"]]
    assert np.all(in_a_file == base)
    noted = load_scenario(SCENARIOS / "baseline.yaml").with_params(
        {"rok.reassurance": base}, replicates=6
    )
    assert np.all(AllianceModel(noted).params.reassurance[:, INDEX["rok"]] == base)
    left = load_scenario(SCENARIOS / "baseline.yaml").with_params(replicates=6)
    drawn = AllianceModel(left).params.reassurance[:, INDEX["rok"]]
    assert np.array_equal(drawn, load_ensemble(SHIPPED).sets.column("rok.reassurance")[:6])
    assert len(set(drawn)) > 1


def test_a_replicate_is_the_same_in_memory_alone_and_in_a_chunk():
    scenario = load_scenario(SCENARIOS / "us_buildup.yaml").with_params(**SHORT)
    whole = run(scenario, progress=False).outcomes
    alone = run(scenario, replicate_ids=[2], progress=False).outcomes
    chunk = run_rows(Job.ensemble(scenario), 1, 3)
    columns = [c for c in alone.columns if c != "replicate"]
    assert whole.iloc[[2]][columns].reset_index(drop=True).equals(alone[columns])
    assert (
        chunk[columns]
        .reset_index(drop=True)
        .equals(whole.iloc[1:3][columns].reset_index(drop=True))
    )


def test_the_posterior_moves_the_futures_and_the_priors_flag_undoes_it():
    scenario = load_scenario(SCENARIOS / "baseline.yaml").with_params(**SHORT)
    conditioned = run(scenario, progress=False)
    priors = run(scenario.with_params(ensemble="priors"), progress=False)
    tension = "peninsula_tension"
    assert not np.array_equal(conditioned.series(tension), priors.series(tension))


def test_a_run_is_conditioned_by_default_and_its_manifest_names_the_posterior(tmp_path, capsys):
    args = ["run", str(SCENARIOS / "us_buildup.yaml"), "--replicates", "2", "--no-plots"]
    assert main([*args, "--out", str(tmp_path / "default")]) == 0
    printed = capsys.readouterr().out
    assert (
        f"Ensemble: conditioned on the observed history: 300 parameter sets of {SHIPPED}" in printed
    )
    ensemble = manifest_of(tmp_path / "default")["ensemble"]
    shipped = load_ensemble(SHIPPED)
    assert (ensemble["kind"], ensemble["name"], ensemble["sha256"]) == (
        "posterior",
        SHIPPED,
        shipped.sha256,
    )
    assert ensemble["made"]["inputs"] == shipped.made["inputs"]


def test_priors_runs_from_the_priors_and_says_so(tmp_path, capsys):
    args = ["run", str(SCENARIOS / "us_buildup.yaml"), "--replicates", "2", "--no-plots"]
    assert main([*args, "--priors", "--out", str(tmp_path)]) == 0
    assert "Ensemble: from the priors" in capsys.readouterr().out
    record = manifest_of(tmp_path)
    assert record["ensemble"] == "priors"


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "hindcast"])
def test_every_running_command_takes_priors(command):
    _, parsers = grammar()
    extra = ["--observations", "o.yaml"] if command == "hindcast" else []
    assert parsers[command].parse_args(["x.yaml", "--priors", *extra]).priors


def test_priors_and_conditioned_on_exclude_each_other(tmp_path, capsys):
    args = ["run", str(SCENARIOS / "baseline.yaml"), "--priors", "--conditioned-on", str(tmp_path)]
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert "not allowed with argument --priors" in capsys.readouterr().err


def test_compare_prints_the_ensemble_once_and_names_it_per_scenario(tmp_path, capsys):
    files = [str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "us_buildup.yaml")]
    assert main(["compare", *files, "--replicates", "2", "--no-plots", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("Ensemble: conditioned") == 1
    record = manifest_of(tmp_path)
    assert [s["ensemble"]["name"] for s in record["scenarios"]] == [SHIPPED, SHIPPED]


def test_a_stale_posterior_is_one_warning_line_at_run_time(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(shipping, "sha256_of", lambda path: "0" * 64)
    args = ["run", str(SCENARIOS / "us_buildup.yaml"), "--replicates", "2", "--no-plots"]
    assert main([*args, "--out", str(tmp_path)]) == 0
    warnings = [line for line in capsys.readouterr().err.splitlines() if "stale" in line]
    assert warnings == [
        f"warning: the posterior {SHIPPED} is stale (scenarios/history.yaml changed; "
        "scenarios/history_uncertain.yaml changed; observations/history.yaml changed); "
        "regenerate it with `make posterior`"
    ]


def test_a_moved_scenario_hash_or_an_edited_csv_makes_it_stale():
    shipped = load_ensemble(SHIPPED)
    moved = dataclasses.replace(shipped, made=shipped.made | {"scenario_hash": "000000000000"})
    assert "hash moved" in shipping.stale_reasons(moved)[0]
    edited = dataclasses.replace(shipped, sha256="0" * 64)
    assert shipping.stale_reasons(edited) == ["history.csv is not the file that was written"]


def copy_posterior(folder: Path, header_edit=lambda h: h) -> Path:
    shipped = load_ensemble(SHIPPED).file
    lines = shipped.read_text(encoding="utf-8").splitlines()
    path = folder / "history.csv"
    path.write_text("\n".join([header_edit(lines[0]), *lines[1:]]) + "\n", encoding="utf-8")
    sidecar_of(path).write_bytes(sidecar_of(shipped).read_bytes())
    return path


def test_sets_whose_parameters_differ_from_the_prior_are_refused_in_one_line(tmp_path):
    renamed = copy_posterior(tmp_path, lambda h: h.replace("rok.plan_taper", "russia.commitment"))
    with pytest.raises(UserError) as error:
        read_ensemble(SHIPPED, renamed)
    message = str(error.value)
    assert message.startswith(f"{renamed}:1: expected the columns of the conditioning's prior (")
    assert "\n" not in message
    assert "russia.commitment" in message


def test_a_copy_of_the_shipped_posterior_reads_as_the_same_sets(tmp_path):
    copy = read_ensemble(SHIPPED, copy_posterior(tmp_path))
    shipped = load_ensemble(SHIPPED).sets
    assert copy.sets.paths == shipped.paths
    assert np.array_equal(copy.sets.values, shipped.values)


@pytest.mark.parametrize(
    "value", ["posterior/history.csv", "alliance-sim:baseline.yaml", "alliance-sim:../x.csv"]
)
def test_ensemble_names_the_priors_or_a_shipped_posterior_only(tmp_path, value):
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: alliance-sim:baseline.yaml\nensemble: {value}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert str(error.value).startswith(f"{path}:2: ensemble: expected 'priors' or ")


def test_compare_says_when_its_scenarios_start_from_different_ensembles(tmp_path, capsys):
    mine = tmp_path / "mine.yaml"
    mine.write_text("extends: alliance-sim:baseline.yaml\nensemble: priors\n", encoding="utf-8")
    files = [str(SCENARIOS / "baseline.yaml"), str(mine)]
    out = str(tmp_path / "out")
    assert main(["compare", *files, "--replicates", "2", "--no-plots", "--out", out]) == 0
    printed = capsys.readouterr().out
    assert "Ensemble: conditioned" in printed and "Ensemble: from the priors" in printed
    assert "note: the scenarios start from different ensembles" in printed


def test_sets_that_no_longer_fit_the_uncertain_declarations_are_refused(tmp_path, monkeypatch):
    declared = tmp_path / "history_uncertain.yaml"
    declared.write_text(
        "extends: alliance-sim:history_uncertain.yaml\n"
        "uncertain:\n  russia.commitment: {dist: uniform, low: 0.5, high: 1.0}\n",
        encoding="utf-8",
    )
    shipped = load_ensemble(SHIPPED)
    moved = dataclasses.replace(shipped, made=shipped.made | {"scenario": str(declared)})
    with pytest.raises(UserError) as error:
        shipping.stale_warning(moved)
    assert str(error.value) == (
        f"{shipped.file}:1: its parameters are not the `uncertain:` declarations of {declared} "
        "(only in the posterior: -; only declared: russia.commitment); "
        "regenerate it with `make posterior`"
    )

"""Parameters every replicate shares are stored once (a read-only stride-0 view of one row);
every way of writing one gives it its own array first; the results are the same bits."""

import copy
import pickle
from pathlib import Path

import numba
import numpy as np
import pytest
from support import same_bits

from sim.actors import INDEX
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.scenario.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
R = 24
MONTHS = 20  # past sanctions_isolation's package (January 2026, month 19)
EVENTS = [
    {"month": 3, "set": {"usa.sanction_tightening.russia": 0.2, "ukraine.intensity": 1.3}},
    {"month": 5, "set": {"world.clash_hazard": 3.0, "dprk.fatigue": 0.0}},
    {"month": 6, "trigger": "armed_clash", "between": ["dprk", "rok"]},
]


def scenario(name="baseline", params=None, **changes):
    if isinstance(name, dict):
        name, params = "baseline", name
    base = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    # from the priors: the shipped posterior gives each replicate its own parameter values
    changes = {"replicates": R, "horizon_months": MONTHS, "ensemble": "priors"} | changes
    return base.with_params(params or {}, **changes)


def run_model(s, params=None) -> dict[str, np.ndarray]:
    model = AllianceModel(s, params=params)
    while model.running:
        model.step()
    return model.release()


def assert_same_runs(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for name in a:
        assert same_bits(a[name], b[name]), name


def test_a_scenarios_parameters_are_stored_once():
    p = Params.from_scenario(scenario(), R)
    assert p.names()
    for name in p.names():
        array = getattr(p, name)
        assert array.shape[0] == R and array.strides[0] == 0, name
        assert not array.flags.writeable and p.is_shared(name), name
    with pytest.raises(ValueError, match="read-only"):
        p.fatigue[:, 0] = 1.0
    for name in Params.defaults(R).names():
        assert Params.defaults(R).is_shared(name)


@pytest.mark.parametrize("name", ["baseline", "counterfactual/sanctions_isolation", "events"])
def test_shared_and_own_arrays_give_the_same_bits(name):
    s = scenario(events=EVENTS) if name == "events" else scenario(name)
    materialized = Params.from_scenario(s, R).materialize()
    assert not any(materialized.is_shared(n) for n in materialized.names())
    assert_same_runs(run_model(s), run_model(s, materialized))


def test_set_one_value_for_all_keeps_it_shared():
    p = Params.from_scenario(scenario(), R)
    before = p.reactivity.copy()
    p.set_path("world.clash_hazard", 2.5)
    p.set_path("rok.reactivity.dprk", 0.125)
    p.set_path("china.dialogue", np.full(R, 0.25))  # per replicate, but all the same
    for name in ("clash_hazard", "reactivity", "dialogue"):
        assert p.is_shared(name), name
    assert (p.clash_hazard == 2.5).all()
    assert (p.dialogue[:, INDEX["china"]] == 0.25).all()
    expected = before.copy()
    expected[:, INDEX["rok"], INDEX["dprk"]] = 0.125
    assert same_bits(p.reactivity, expected)


def test_set_per_replicate_values_materializes_and_takes_effect():
    p = Params.from_scenario(scenario(), R)
    before = p.reactivity.copy()
    values = np.linspace(0.0, 1.0, R)
    p.set_path("rok.reactivity.dprk", values)
    p.set_path("world.clash_hazard", values)
    zeros = np.zeros(R)
    zeros[1] = -0.0  # differs from +0.0 in its bits only: still per replicate
    p.set_path("usa.buildup", zeros)
    for name in ("reactivity", "clash_hazard", "buildup"):
        array = getattr(p, name)
        assert not p.is_shared(name) and array.flags.writeable, name
        assert array.strides[0] != 0, name
    assert p.is_shared("fatigue")  # the others untouched
    expected = before.copy()
    expected[:, INDEX["rok"], INDEX["dprk"]] = values
    assert same_bits(p.reactivity, expected)
    assert same_bits(p.clash_hazard, values)
    assert same_bits(p.buildup[:, INDEX["usa"]], zeros)
    p.set_path("world.clash_hazard", 7.0)  # own array now: written in place
    assert (p.clash_hazard == 7.0).all() and not p.is_shared("clash_hazard")


def test_a_sweeps_points_match_their_scenarios_run_with_shared_parameters():
    """A chunk of a sweep sets its design per replicate (own arrays); each point's runs are
    the same bits as the scenario with that value, whose parameters stay shared."""
    from sim.execution.jobs import Job, run_rows

    m = R // 2
    values = np.array([[0.1], [0.6]])
    sweep = run_rows(Job.sweep(scenario(replicates=m), ("usa.fatigue",), values), 0, 2 * m)
    for point, (value,) in enumerate(values):
        alone = run_rows(Job.ensemble(scenario({"usa.fatigue": value}), m), 0, m)
        part = sweep[sweep["point"] == point].reset_index(drop=True)
        columns = [c for c in alone.columns if c in part.columns and c not in ("run", "point")]
        assert len(columns) > 10
        for column in columns:
            assert same_bits(part[column].to_numpy(), alone[column].to_numpy()), column
    assert not sweep[sweep["point"] == 0].equals(sweep[sweep["point"] == 1])


def test_uncertain_draws_materialize_only_their_parameters():
    s = scenario("history_uncertain", horizon_months=30)
    model = AllianceModel(s)
    p = model.params
    declared = {path.split(".")[1] for path in s.spec.uncertain}
    assert declared
    for name in p.names():
        assert p.is_shared(name) == (name not in declared), name
    plain = Params.from_scenario(s, R).materialize()
    from sim.model.uncertainty import apply_uncertain

    apply_uncertain(plain, s.spec.uncertain, model.shocks.static_normal("uncertain"))
    for name in p.names():
        assert same_bits(getattr(p, name), getattr(plain, name)), name


def steered(how: str) -> dict[str, np.ndarray]:
    """A run in which the US's build-up and its reactivity to the DPRK change after a month:
    through the agent's views (a notebook), through Params.set, or not at all."""
    model = AllianceModel(scenario())
    model.step()
    p = model.params
    if how == "views":
        usa = next(agent for agent in model.agents if agent.actor_id == "usa")
        views = usa.parameters()
        assert not p.is_shared("buildup") and p.is_shared("clash_hazard")
        assert views["buildup"].flags.writeable and views["reactivity"].flags.writeable
        views["buildup"][:] = 0.9
        views["reactivity"][:, INDEX["dprk"]] = 0.0  # a mapping parameter's column
    elif how == "set":
        p.set("buildup", 0.9, actor="usa")
        p.set("reactivity", 0.0, actor="usa", key="dprk")
        assert p.is_shared("buildup") and p.is_shared("reactivity")
    while model.running:
        model.step()
    if how != "none":
        assert (p.buildup[:, INDEX["usa"]] == 0.9).all()
        assert (p.reactivity[:, INDEX["usa"], INDEX["dprk"]] == 0.0).all()
    return model.release()


def test_agent_parameters_are_writable_views_that_steer_the_model():
    by_views = steered("views")
    assert_same_runs(by_views, steered("set"))
    assert not same_bits(by_views["us_buildup"], steered("none")["us_buildup"])


def test_events_keep_parameters_shared_and_take_effect():
    model = AllianceModel(scenario(events=EVENTS))
    for _ in range(5):
        model.step()
    p = model.params
    assert p.is_shared("clash_hazard") and p.is_shared("sanction_tightening")
    assert (p.clash_hazard == 3.0).all() and (p.fatigue[:, INDEX["dprk"]] == 0.0).all()
    assert (p.sanction_tightening[:, INDEX["usa"], INDEX["russia"]] == 0.2).all()
    assert (p.intensity == 1.3).all()


def test_copies_and_pickles_keep_the_storage():
    p = Params.from_scenario(scenario(), R)
    p.set_path("world.clash_hazard", np.arange(R, dtype=float))
    for other in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert other.is_shared("fatigue") and not other.is_shared("clash_hazard")
        for name in p.names():
            assert same_bits(getattr(other, name), getattr(p, name)), name
        other.writable("clash_hazard")[0] = -1.0
        assert p.clash_hazard[0] == 0.0  # a copy, not a view of the original
    assert len(pickle.dumps(p)) < 40_000  # shared rows pickled once, not R times


@pytest.mark.parametrize("replicates", [1, 5])
def test_shared_and_own_parameters_have_one_compiled_type(replicates):
    """The compiled month sees one array type whether a parameter is stored once or per
    replicate, so a sweep or an `uncertain:` block compiles nothing new."""
    shared = Params.from_scenario(scenario(), replicates)
    own = Params.from_scenario(scenario(), replicates).materialize()
    own.set_path("world.clash_hazard", np.linspace(1.0, 2.0, replicates))
    assert numba.typeof(shared.arrays()) == numba.typeof(own.arrays())
    assert all(not array.flags.writeable for array in own.arrays())  # rules only read them
    assert same_bits(own.arrays().clash_hazard, np.linspace(1.0, 2.0, replicates))

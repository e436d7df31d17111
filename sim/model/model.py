"""The model: the article's actors and steps, for R replicates at once."""

import mesa
import numpy as np

from sim.calendar import START
from sim.errors import ScenarioError, raise_if_stop_requested
from sim.model.agents import AGENT_CLASSES
from sim.model.calibration import create_world
from sim.model.events import Timeline
from sim.model.mechanisms.budgets import scratch
from sim.model.mechanisms.cache import prepare
from sim.model.mechanisms.month import month_step
from sim.model.params import Params
from sim.model.randomness import Month, ReplicateStreamsOnly, Shocks
from sim.model.recording import Recorder
from sim.model.state import Settings, Switches, WorldArrays, packed
from sim.model.uncertainty import apply_ensemble, apply_uncertain
from sim.scenario.initial import initial_state
from sim.scenario.scenario import Scenario


class AllianceModel(mesa.Model):
    """Regional effects of the 2024 Russia-DPRK mutual-defence pact, as an agent-based model.

    Implements the steps the article describes (escalation, sanctions, cooperation, domestic
    politics; sim/model/mechanisms/) for the seven actors it names (sim/model/agents.py), with
    the war in
    Ukraine as an exogenous theatre. Arms spending follows Richardson (1960). One model runs R
    replicates in numpy arrays with a leading replicate axis; R = 1 is the ordinary single run.

    Args:
        scenario: what to run (sim.load_scenario); its seed and horizon apply.
        replicate_ids: which replicates to run (default 0 .. scenario.replicates - 1);
            replicate r draws its own random stream, so its path is the same in any batch.
        params: parameter arrays to use instead of the scenario's (a sweep varies them
            along the replicate axis); must have len(replicate_ids) rows, with the
            scenario's conditioned sets already in them (apply_ensemble), so the caller's
            own values can override those.
        record: names of the series to record (default all; see sim.model.recording).
        shocks: the replicates' streams, already drawn (Shocks(seed, replicate_ids, months));
            drawn here when not given.

    Every draw comes from the replicates' own streams (`shocks_now`); Mesa's shared
    `model.random` and `model.rng` refuse to draw, since one draw from them would make a
    replicate's path depend on the batch it runs in.
    """

    def __init__(
        self,
        scenario: Scenario,
        replicate_ids: np.ndarray | None = None,
        params: Params | None = None,
        record: tuple[str, ...] | None = None,
        shocks: Shocks | None = None,
    ) -> None:
        spec = scenario.spec
        prepare()  # a stale cache of the compiled rules is dropped; a first compile is announced
        super().__init__(rng=spec.seed)
        self.random = self.rng = self.agents.random = ReplicateStreamsOnly()  # type: ignore[assignment]
        self.sim_scenario = scenario
        self.replicate_ids = (
            np.arange(spec.replicates) if replicate_ids is None else np.asarray(replicate_ids)
        )
        self.months = spec.horizon_months
        if params is None:  # the scenario's values, then its conditioned sets (`ensemble:`)
            params = Params.from_scenario(scenario, len(self.replicate_ids))
            apply_ensemble(params, scenario, self.replicate_ids)
        self.params = params
        if shocks is None:
            shocks = Shocks(spec.seed, self.replicate_ids, self.months)
        self.shocks = shocks
        if spec.uncertain:  # each replicate's own parameter draws (issue 8), given params or not
            apply_uncertain(self.params, spec.uncertain, self.shocks.static_normal("uncertain"))
        self.switches = Switches(**spec.mechanisms.model_dump())
        self.settings = Settings(int(spec.substeps))
        world, self.reference = create_world(
            initial_state(scenario),
            self.params,
            self.shocks.transfer_normals(),
            self.shocks.static_normal("budgets"),
            present=spec.present_month,
            plans=self.switch("budget_plans"),
        )
        self.world, self._floats = packed(world)  # a replicate's state side by side
        self._reference = self.reference.arrays()  # as the compiled month takes it
        self._scratch = scratch()
        self.shocks_now: Month = self.shocks.month(1)
        self.timeline = Timeline(scenario.events)
        for actor_id, agent_class in AGENT_CLASSES.items():
            agent_class(self, actor_id)
        if not self.switch("pact_implementation"):
            self.world.implementation[:] = 1.0  # the treaty's channels at full from the start
        self.recorder = Recorder(self.months, len(self.replicate_ids), record)
        self.recorder.record(0, self.world, self._reference)

    def release(self) -> dict[str, np.ndarray]:
        """Hand over the recorded arrays and drop the run's state.

        A Mesa model and its agents refer to each other, so a finished model is freed only
        when the cycle collector next runs; dropping the big arrays now returns their memory
        at once (a sweep's worker runs chunk after chunk).
        """
        arrays = self.recorder.arrays
        del self.world, self.shocks, self.shocks_now, self.params, self.recorder
        return arrays

    def switch(self, mechanism: str) -> bool:
        """Is this mechanism on in the scenario?"""
        return getattr(self.switches, mechanism)

    def step(self) -> None:
        """One month: events, the pact's capacity and implementation, decisions, the responses
        to the pact (US-DPRK talks, Russia's presence, the EU's security response), then the
        article's other steps in order."""
        raise_if_stop_requested()  # a stop signal whose exception Python dropped (sim.errors)
        # an overflow ends the run with a clear error (_stop_non_finite), not a warning
        with np.errstate(over="ignore", invalid="ignore"):
            self._step()

    def _step(self) -> None:
        month = self.steps  # Mesa counts steps from 1
        self.shocks_now = self.shocks.month(month)
        self.timeline.set_parameters(month, self.params)
        finite = month_step(
            self.world.arrays(),
            self.params.arrays(),
            self._reference,
            self.shocks_now,
            self.switches,
            month,
            self.settings,
            self._scratch,
            self._floats,
            self.recorder.values[month],
            self.recorder.at,
        )
        if self.timeline.trigger_steps(month, self.world, self.params, self.shocks_now):
            finite = finite and bool(np.isfinite(self._floats).all())  # forced steps ran
            self.recorder.record(month, self.world, self._reference)
        if not finite:
            self._stop_non_finite(month)
        self.running = month < self.months

    def _stop_non_finite(self, month: int) -> None:
        """Stop the run with a ScenarioError naming the first World array (in World's order)
        that is NaN or infinite, and its first such replicate: a scenario pushed past what
        the model computes soundly (spending compounding over centuries, say) must never
        hand a NaN to a result."""
        for name, values in zip(WorldArrays._fields, self.world.arrays(), strict=True):
            bad = ~np.isfinite(values.reshape(len(values), -1)).all(axis=1)
            if bad.any():
                self._refuse(month, name, int(self.replicate_ids[np.argmax(bad)]))
        raise AssertionError("the month's state check failed on a finite state")

    def _refuse(self, month: int, name: str, replicate: int) -> None:
        path, line = self.sim_scenario.provenance.get(
            ("horizon_months",), (self.sim_scenario.path or "<scenario>", None)
        )
        year, month_of_year = divmod(START.month - 1 + month, 12)
        raise ScenarioError(
            path,
            line,
            "horizon_months",
            f"the model's state ({name}) stopped being a finite number at month "
            f"{month} ({START.year + year}-{month_of_year + 1:02d}) in replicate "
            f"{replicate}: this scenario runs past what the model "
            "computes soundly; shorten the horizon or soften the parameters that "
            "drive the growth",
        )

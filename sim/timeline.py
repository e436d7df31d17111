"""Timed events of a scenario: at a month, set parameters or trigger a step."""

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from sim.actors import BLOC, DPRK, PENINSULA_IDX, RIVALS
from sim.mechanisms.escalation import add_tension, apply_clashes
from sim.scenario import Scenario
from sim.schema import EventSpec

if TYPE_CHECKING:
    from sim.model import AllianceModel


class Timeline:
    """The scenario's events, by month."""

    def __init__(self, scenario: Scenario) -> None:
        self.by_month: dict[int, list[EventSpec]] = defaultdict(list)
        for event in scenario.spec.events:
            self.by_month[scenario.event_month(event)].append(event)

    def set_parameters(self, month: int, model: "AllianceModel") -> None:
        """Apply this month's `set:` events, before anyone decides."""
        for event in self.by_month.get(month, ()):
            for path, value in (event.set or {}).items():
                model.params.set_path(path, value)

    def trigger_steps(self, month: int, model: "AllianceModel") -> None:
        """Apply this month's `trigger:` events, after the month's own mechanisms."""
        for event in self.by_month.get(month, ()):
            if event.trigger is not None:
                _trigger(model, event)


def _trigger(model: "AllianceModel", event: EventSpec) -> None:
    """Force a step of the model in every replicate."""
    w, p = model.world, model.params
    if event.trigger == "provocation":
        add_tension(w, DPRK, PENINSULA_IDX, p.provocation_size[:, DPRK, None])
        w.provocations = w.provocations + 1.0
        w.dialogue_progress *= 1.0 - p.dialogue_setback
    elif event.trigger == "leadership_change":
        w.leader_changed[:] = True
    elif event.trigger == "armed_clash" and event.between is not None:
        member, rival = event.between
        clash = np.zeros((w.replicates, len(BLOC), len(RIVALS)), dtype=bool)
        clash[:, BLOC.index(member), RIVALS.index(rival)] = True
        joins = model.shocks_now.uniform("reciprocity").reshape(clash.shape) < (
            w.commitment[:, ::-1, None])
        apply_clashes(w, clash, joins)



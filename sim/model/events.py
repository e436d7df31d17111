"""Timed events of a scenario: at a month, set parameters or force a step of the model.

A forced step reuses the rules it forces (sim.model.mechanisms.escalation): a provocation
is `provoke` with one event of magnitude 1; an armed clash is `apply_clashes` with that one
clash, its escalation (`escalates`) and the partners' reciprocity (`partners_join`) drawn as
in `armed_clashes`; a war is a clash that escalates for certain.
"""

from collections import defaultdict
from collections.abc import Sequence

from sim.actors import BLOC, RIVALS
from sim.model.mechanisms.escalation import forced_clashes, forced_provocations
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import World
from sim.scenario.schema import EventSpec


class Timeline:
    """The scenario's events, by month."""

    def __init__(self, events: Sequence[EventSpec]) -> None:
        self.by_month: dict[int, list[EventSpec]] = defaultdict(list)
        for event in events:
            self.by_month[event.at_month].append(event)

    def set_parameters(self, month: int, params: Params) -> None:
        """Apply this month's `set:` events, before anyone decides."""
        for event in self.by_month.get(month, ()):
            for path, value in (event.set or {}).items():
                params.set_path(path, value)

    def trigger_steps(self, month: int, w: World, p: Params, shocks: Month) -> bool:
        """Apply this month's `trigger:` events, after the month's own mechanisms; whether
        any was applied."""
        triggered = False
        for event in self.by_month.get(month, ()):
            if event.trigger is not None:
                _trigger(event, w, p, shocks)
                triggered = True
        return triggered


def _trigger(event: EventSpec, w: World, p: Params, shocks: Month) -> None:
    """Force a step of the model in every replicate."""
    if event.trigger == "provocation":
        forced_provocations(w.arrays(), p.arrays())
    elif event.trigger == "leadership_change":
        w.leader_changed[:] = True
    elif event.trigger in ("armed_clash", "war") and event.between is not None:
        member, rival = event.between
        m, k = BLOC.index(member), RIVALS.index(rival)
        war = event.trigger == "war"
        forced_clashes(w.arrays(), p.arrays(), shocks, m, k, war)

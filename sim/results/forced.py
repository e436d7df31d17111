"""Outcomes a scenario's events decide, marked in tables and never headlined.

A `trigger:` forces a step of the model in every future (sim.model.events), so the outcome
that step records is certain there (or impossible), and its share measures the scenario
file, not the simulated dynamics. Such an outcome is marked "forced by the scenario's events".

TRIGGER_OUTCOMES is the one place that says what each trigger decides; a test runs every
trigger and checks the model agrees (tests/test_compare.py).
"""

from collections.abc import Mapping

from sim.scenario.scenario import Scenario

FORCED_NOTE = "forced by the scenario's events"
"""The mark of a forced outcome in tables and on the briefing."""

TRIGGER_OUTCOMES: Mapping[str, Mapping[str, bool]] = {
    # provoke(): tension rises, but no outcome is recorded by the provocation itself
    "provocation": {},
    # leader_changed set in every replicate
    "leadership_change": {"leadership_change": True},
    # apply_clashes() with one clash: clashes >= 1 in every replicate
    "armed_clash": {"armed_clash": True},
    # a clash that escalates for certain: clashes and wars >= 1, so de-escalation (which
    # requires no war) cannot happen; whether a partner joins is still drawn
    "war": {"armed_clash": True, "war": True, "de_escalation": False},
}
"""Per trigger (sim.scenario.schema.TRIGGERS), the outcomes it decides: True when every
future has the outcome, False when none can."""


def forced_outcomes(scenario: Scenario) -> dict[str, bool]:
    """The outcomes the scenario's triggered events decide (outcome -> forced value); every
    event happens, as a scenario's events lie within its horizon (sim.scenario.checks)."""
    forced: dict[str, bool] = {}
    for event in scenario.events:
        if event.trigger is not None:
            forced |= TRIGGER_OUTCOMES[event.trigger]
    return forced

"""The month, compiled: every replicate's month in one pass (AllianceModel.step).

For each replicate, in the article's order: the war's intensity this month; the pact's
capacity and the implementation of its new channels (responses.pact_capacity_replicate);
every actor's decision, in the agents' order (decisions.decide_replicate; each agent of
sim.model.agents names its rules); the responses to the pact (responses.respond_replicate);
escalation (escalation.escalate_replicate); sanctions (sanctions.sanction_replicate);
cooperation (cooperation.cooperate_replicate); domestic politics
(domestic.domestic_politics_replicate); last, the budget ceiling against the month's GDP
(budgets.budget_ceiling). Each step runs only when its mechanism is on (`on`). Then the
replicate's series are recorded (record.record_replicate) and its state checked
(finite.row_is_finite) while it is in cache.

A replicate's month reads and writes only its own rows, so running the replicates one
after another gives each the same numbers as any other batching would.
"""

from sim.model.mechanisms.budgets import budget_ceiling
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.cooperation import cooperate_replicate
from sim.model.mechanisms.decisions import decide_replicate
from sim.model.mechanisms.domestic import domestic_politics_replicate
from sim.model.mechanisms.escalation import escalate_replicate
from sim.model.mechanisms.finite import row_is_finite
from sim.model.mechanisms.record import record_replicate
from sim.model.mechanisms.responses import pact_capacity_replicate, respond_replicate
from sim.model.mechanisms.sanctions import sanction_replicate


@rule
def month_step(w, p, ref, s, on, month, settings, work, floats, out, at) -> bool:
    """One month (1-based `month`) of every replicate, in place (`work`: budgets.Scratch),
    its series recorded into `out` at `at` (recording.Recorder's month block and places);
    whether every replicate's state is still finite (`floats`: state.packed's)."""
    finite = True
    for r in range(w.spending.shape[0]):
        w.war_intensity[r] = p.intensity[r]
        pact_capacity_replicate(r, w, p, ref, s, on, month, settings)
        decide_replicate(r, w, p, ref, s, on, month, settings)
        respond_replicate(r, w, p, ref, s, on, month, settings)
        escalate_replicate(r, w, p, ref, s, on, month, settings, work)
        sanction_replicate(r, w, p, ref, s, on, month, settings)
        cooperate_replicate(r, w, p, ref, s, on, month, settings)
        domestic_politics_replicate(r, w, p, ref, s, on, month, settings)
        if on.budget_ceiling:
            budget_ceiling(r, w, p)
        record_replicate(r, w, ref, out, at)
        finite &= row_is_finite(floats, r)
    return finite

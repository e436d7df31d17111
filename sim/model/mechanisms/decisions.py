"""The actors' decisions: what each agent of sim.model.agents decides each month.

Rules of one replicate `r` (sim.model.mechanisms.compiled): `w` the World's arrays, `p` the
parameters', `ref` June 2024's, `s` the month's shocks. An agent (sim.model.agents) owns its
parameters and names its rule; `decide` dispatches an actor's index to that rule,
`decide_all` runs it for every replicate (the agent's decide()), `decide_replicate` runs
every actor's for one replicate, in the agents' order (the compiled month). Means over
actors sum left to right from 0.0, as numpy's along a short row; clipping keeps NaN.
"""

import numpy as np

from sim.actors import (
    BLOC_DPRK,
    BLOC_IDX,
    BLOC_RUSSIA,
    CHINA,
    DPRK,
    EU,
    JAPAN,
    N_ACTORS,
    PENINSULA_IDX,
    ROK,
    RUSSIA,
    SANCTIONER_IDX,
    USA,
)
from sim.calendar import DT
from sim.model.mechanisms.common import at_least, at_most, clip
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.escalation import dprk_provocation_rate
from sim.model.mechanisms.responses import choose_engagement
from sim.model.randomness import ALIGNMENT_SHOCK

SQRT_DT = float(np.sqrt(DT))
MEMBERS = tuple(BLOC_IDX)  # the pact members' actor indices, in BLOC order
PENINSULA = tuple(PENINSULA_IDX)  # ROK, Japan, the US: the DPRK's peninsula rivals
SANCTIONING = tuple(SANCTIONER_IDX)  # the sanctioners' actor indices, in SANCTIONERS order
SANCTIONER_ROW = tuple(
    SANCTIONER_IDX.index(actor) if actor in SANCTIONER_IDX else -1 for actor in range(N_ACTORS)
)
"""Each actor's row on the sanctioner axis of w.sanction_target and ref.sanctions (-1: not a
sanctioner)."""
USA_ROW = SANCTIONER_ROW[USA]


@rule
def sanctioner_decide(r, w, p, ref, actor, row):
    """A sanctioner's desired sanctions on each pact member and its isolation effort (L5, L8,
    L25), written into w.sanction_target[r, row] and w.isolation_effort[r, actor].

    Desired intensity = 2024 level + sanction_tightening + sanction_response x (change of its
    tension with the target from 2024, either way); for Russia + war_response x (the war's
    intensity - 2024) (L18); for the DPRK - relax_with_dialogue x (dialogue progress - 2024)
    (L19): condemn, then punish (L17, L25), relax when talks move or the war ebbs. Kept in
    [0, 1].
    """
    progress = w.dialogue_progress[r] - ref.dialogue_progress
    for m in range(len(MEMBERS)):
        member = MEMBERS[m]
        rise = w.tension[r, actor, member] - ref.tension[actor, member]
        target = ref.sanctions[row, m] + p.sanction_tightening[r, actor, member]
        target = target + p.sanction_response[r, actor] * rise
        if m == BLOC_DPRK:
            target = target - p.relax_with_dialogue[r, actor] * progress
        else:
            target = target + p.war_response[r, actor] * (w.war_intensity[r] - 1.0)
        w.sanction_target[r, row, m] = clip(target, 0.0, 1.0)
    w.isolation_effort[r, actor] = p.isolation_effort[r, actor]


@rule
def us_buildup_decide(r, w, p, ref):
    """The US regional force build-up (L17, L25), written into w.us_buildup[r].

    Build-up = `buildup` + buildup_response x (rise of peninsula tension over 2024, the mean
    of the DPRK's tension with ROK, Japan and the US; none when it fell) + presence_pull x
    (rise of Russia's regional presence over 2024), in [0, 1]: "it will come to the defense
    of its regional allies" (L17).
    """
    total = 0.0
    total_2024 = 0.0
    for k in range(len(PENINSULA)):
        total = total + w.tension[r, DPRK, PENINSULA[k]]
        total_2024 = total_2024 + ref.tension[DPRK, PENINSULA[k]]
    rise = at_least(total / len(PENINSULA) - total_2024 / len(PENINSULA), 0.0)
    presence = p.presence_pull[r, USA] * (w.russia_presence[r] - 1.0)
    level = p.buildup[r, USA] + p.buildup_response[r, USA] * rise
    w.us_buildup[r] = clip(level + presence, 0.0, 1.0)


@rule
def china_decide(r, w, p, ref, s, aligning):
    """China's alignment, its engagement with Pyongyang and its dialogue effort, written into
    w.china_alignment[r], w.china_engagement[r] and w.dialogue_effort[r].

    L13: Beijing "might see such an alliance as a loosening of its grip on Pyongyang" or "an
    opening for countering U.S. influence in the region through a wider coalition"; L19
    "called for dialogue". Alignment (with the bloc against the US) moves toward
    coalition_bias + rivalry_pull x (change of US-China tension from 2024) -
    instability_aversion x (the DPRK's provocation rate minus 2024's, in events a month,
    plus 1 once a war has broken out) - sanction_fear x the West's mean isolation effort
    (target in [0, 1]), at alignment_speed a year, with noise (alignment_noise), kept in
    [0, 1]. Its engagement with Pyongyang (trade, visits: its grip) moves toward
    `engagement` at the same speed. With `aligning` off (the china_alignment mechanism)
    both stay. Its dialogue effort is `dialogue` x (1 - alignment).
    """
    alignment = w.china_alignment[r]
    if aligning:
        rivalry = w.tension[r, CHINA, USA] - ref.tension[CHINA, USA]
        crisis = (w.provocation_rate[r] - ref.provocation_rate) + (1.0 if w.wars[r] > 0 else 0.0)
        fear = 0.0
        for k in range(len(SANCTIONING)):
            fear = fear + w.isolation_effort[r, SANCTIONING[k]]
        fear = fear / len(SANCTIONING)
        target = p.coalition_bias[r, CHINA] + p.rivalry_pull[r, CHINA] * rivalry
        target = target - p.instability_aversion[r, CHINA] * crisis
        target = clip(target - p.sanction_fear[r, CHINA] * fear, 0.0, 1.0)
        noise = p.alignment_noise[r, CHINA] * SQRT_DT * s.normals[r, ALIGNMENT_SHOCK]
        speed = DT * p.alignment_speed[r, CHINA]
        alignment = clip(alignment + speed * (target - alignment) + noise, 0.0, 1.0)
        w.china_alignment[r] = alignment
        engagement = w.china_engagement[r]
        w.china_engagement[r] = engagement + speed * (p.engagement[r, CHINA] - engagement)
    w.dialogue_effort[r] = p.dialogue[r, CHINA] * (1.0 - alignment)


@rule
def pact_member_decide(r, w, p, actor, member):
    """How committed a pact member is to the pact given politics at home (L4, L26), written
    into w.commitment[r, member] (`member` its index on the bloc axis).

    Effective commitment = commitment x min(1, support / opposition_threshold): L26 "Putin
    could also face domestic economic difficulties and political opposition"; for the DPRK,
    after a leadership change, post_change_commitment replaces commitment (L26).
    """
    base = p.commitment[r, actor]
    if actor == DPRK and w.leader_changed[r]:
        base = p.post_change_commitment[r, actor]
    backing = at_most(w.support[r, member] / p.opposition_threshold[r, actor], 1.0)
    w.commitment[r, member] = base * backing


@rule
def dprk_decide(r, w, p, ref, on):
    """The DPRK's decisions (NorthKorea): its commitment to the pact (pact_member_decide), then
    its rate of military provocations (L15; escalation.dprk_provocation_rate) when the
    provocations mechanism is on."""
    pact_member_decide(r, w, p, DPRK, BLOC_DPRK)
    if on.provocations:
        w.provocation_rate[r] = dprk_provocation_rate(r, w, p, ref)


@rule
def us_decide(r, w, p, ref, on):
    """The US decisions (UnitedStates): its sanctions and isolation effort
    (sanctioner_decide), its regional build-up (us_buildup_decide), then, with the US-DPRK
    talks on, its choice between pressure and engagement (L14; responses.choose_engagement)."""
    sanctioner_decide(r, w, p, ref, USA, USA_ROW)
    us_buildup_decide(r, w, p, ref)
    if on.us_dprk_talks:
        w.us_engagement[r] = choose_engagement(r, w, p, ref)


DECISION_ORDER = (DPRK, RUSSIA, USA, CHINA, ROK, JAPAN, EU)
"""The order in which the actors decide (sim.model.agents.AGENT_CLASSES): China reads the
provocation rate the DPRK decided this month and the isolation effort of the US before it."""


@rule
def decide(r, w, p, ref, s, on, actor):
    """Actor `actor`'s decision for replicate r: the rule its agent class names."""
    if actor == DPRK:
        dprk_decide(r, w, p, ref, on)
    elif actor == RUSSIA:
        pact_member_decide(r, w, p, RUSSIA, BLOC_RUSSIA)
    elif actor == USA:
        us_decide(r, w, p, ref, on)
    elif actor == CHINA:
        china_decide(r, w, p, ref, s, on.china_alignment)
    else:
        sanctioner_decide(r, w, p, ref, actor, SANCTIONER_ROW[actor])


@rule
def decide_replicate(r, w, p, ref, s, on, month, settings):
    """Every actor's decision for replicate r, in DECISION_ORDER (the compiled month)."""
    for actor in DECISION_ORDER:
        decide(r, w, p, ref, s, on, actor)


@rule
def decide_all(w, p, ref, s, on, actor):
    """Actor `actor`'s decision for every replicate (its agent's decide())."""
    for r in range(w.spending.shape[0]):
        decide(r, w, p, ref, s, on, actor)

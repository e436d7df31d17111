"""Escalation: joint exercises, provocations, US build-up, tension, armed clashes.

Each rule is a function of one replicate `r` (sim.model.mechanisms.compiled): it reads and
writes the World's arrays `w` in place. The budget rules of the same phase (arms build-up,
capability) are in budgets.py.
"""

import numpy as np

from sim.actors import BLOC_IDX, CHINA, DPRK, N_ACTORS, PENINSULA_IDX, RIVAL_IDX, RUSSIA, USA
from sim.calendar import DT
from sim.model.mechanisms.budgets import arms_buildup, update_capability
from sim.model.mechanisms.common import add_tension, clip
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.maths import exp, expm1, log, log1p
from sim.model.randomness import (
    CLASH_DRAWS,
    ESCALATION_DRAWS,
    PROVOCATION_COUNT_DRAW,
    PROVOCATION_SIZE_DRAW,
    RECIPROCITY_DRAWS,
    TENSION_SHOCKS,
)

BLOC = tuple(BLOC_IDX)
RIVALS = tuple(RIVAL_IDX)
PENINSULA = tuple(PENINSULA_IDX)
N_RIVALS = len(RIVALS)
"""Actor indices as tuples (numba freezes a global tuple; a dyad d = m * N_RIVALS + k is
member BLOC[m] and rival RIVALS[k], the order of the clash, escalation and reciprocity
draws)."""
SQRT_DT = float(np.sqrt(DT))
MAX_EVENTS = 30
"""_poisson's cap on provocations a month."""


@rule
def dprk_threat(r, p, capability, tension, tension_2024) -> float:
    """The DPRK's row of richardson_drive in replicate r: the threat it perceives, from
    capability (R, N), tension (R, N, N) and June 2024's tension (N, N)."""
    threat = 0.0
    for j in range(N_ACTORS):
        factor = 1.0 + p.tension_sensitivity[r] * (tension[r, DPRK, j] - tension_2024[DPRK, j])
        factor = 0.0 if factor <= 0.0 else factor  # np.maximum(0.0, x): NaN kept, -0.0 -> 0.0
        threat = threat + p.reactivity[r, DPRK, j] * factor * capability[r, j]
    return threat


@rule
def dprk_threats(p, capability, tension, tension_2024, out) -> None:
    """dprk_threat of every replicate, into out (R,) (calibration's June 2024 threat)."""
    for r in range(out.shape[0]):
        out[r] = dprk_threat(r, p, capability, tension, tension_2024)


@rule
def joint_exercises(r, w, p) -> None:
    """Joint exercises, intelligence sharing and common defence strategies (L4).

    Intensity = the members' mean `exercises` x the pact's capacity relative to 2024. It
    raises the members' capability (update_capability) and the tension of both with South
    Korea, Japan and the US, who perceive the threat (L15, L17), by exercise_tension x
    intensity a year.
    """
    total = 0.0
    for member in BLOC:
        total = total + p.exercises[r, member]
    intensity = clip(total / len(BLOC) * w.capacity[r], 0.0, 1.0)
    w.exercise_intensity[r] = intensity
    push = DT * p.exercise_tension[r] * intensity
    for member in BLOC:
        for other in PENINSULA:
            add_tension(r, w, member, other, push)


@rule
def provocations(r, w, p, s) -> None:
    """DPRK military provocations: Poisson events that spike tension (L15).

    L15 "military provocations leading grave repercussions". The monthly rate rises with the
    threat the DPRK perceives (its Richardson reaction term) over 2024 (L21 "threats against
    Kim Jong Un") and falls with dialogue progress (L19). Each event raises tension with
    ROK, Japan and the US by `provocation_size` times an exponential magnitude, and sets the
    dialogue back (dialogue_setback).
    """
    count = _poisson(w.provocation_rate[r], s.uniforms[r, PROVOCATION_COUNT_DRAW])
    size = -log(1.0 - s.uniforms[r, PROVOCATION_SIZE_DRAW])  # Exp(1) magnitude
    w.provocations[r] = count
    provoke(r, w, p, count, size)


@rule
def provoke(r, w, p, count, size) -> None:
    """The effect of `count` provocations of magnitude `size` in replicate r: tension of the
    DPRK with ROK, Japan and the US rises by count x size x provocation_size, and each sets
    the dialogue back by dialogue_setback (L15, L19). A scenario's forced provocation is one
    of magnitude 1."""
    spike = count * size * p.provocation_size[r, DPRK]
    for other in PENINSULA:
        add_tension(r, w, DPRK, other, spike)
    w.dialogue_progress[r] *= (1.0 - p.dialogue_setback[r]) ** count


@rule
def _poisson(rate, u, max_events=MAX_EVENTS) -> float:
    """A Poisson(rate) count by inversion of one uniform (one shock slot a month), at most
    max_events."""
    term = exp(-rate)
    cumulative = term
    count = 0.0
    for k in range(1, max_events + 1):
        if not u >= cumulative:
            break
        count += 1.0
        term = term * rate / k
        cumulative = cumulative + term
    return count


@rule
def dprk_provocation_rate(r, w, p, ref) -> float:
    """Expected provocations this month in replicate r: the DPRK's policy (see
    NorthKorea.decide; the caller writes w.provocation_rate[r]).

    The threat is measured against what its rivals' budget plans pose at 2024 tension (their
    2024 threat without plans): provocations answer departures, not the plans themselves.
    """
    threat = 0.0
    planned = 0.0
    for j in range(N_ACTORS):
        factor = 1.0 + p.tension_sensitivity[r] * (w.tension[r, DPRK, j] - ref.tension[DPRK, j])
        factor = 0.0 if factor <= 0.0 else factor  # as dprk_threat
        threat = threat + p.reactivity[r, DPRK, j] * factor * w.capability[r, j]
        planned = planned + p.reactivity[r, DPRK, j] * w.plan[r, j]
    expected = planned if planned > 0 else ref.dprk_threat[r]
    ratio = threat / expected if expected > 0 else 1.0
    rate = p.provocation_rate[r, DPRK] * (1.0 + p.threat_response[r, DPRK] * (ratio - 1.0))
    rate = rate * (1.0 - p.dialogue_effect[r] * (w.dialogue_progress[r] - ref.dialogue_progress))
    return 0.0 if rate < 0.0 else rate  # np.maximum(0.0, x), NaN kept


@rule
def us_force_buildup(r, w, p) -> None:
    """US regional force build-up (L25): tension with the bloc and China.

    L25 "a build-up of military forces in the area"; L17 "it will come to the defense of its
    regional allies". The level is the US decision (UnitedStates.decide); here it raises US
    tension with the DPRK, Russia and China by buildup_tension x level a year. Its spending
    cost and the reassurance of allies (above their 2024 levels) act in arms_buildup.
    """
    push = DT * p.buildup_tension[r] * w.us_buildup[r]
    for other in (DPRK, RUSSIA, CHINA):
        add_tension(r, w, USA, other, push)


@rule
def us_china_rivalry(r, w, p) -> None:
    """US trade and technology pressure on China raises their tension (L13).

    L13: China and the US are "already in a sort of trade war". US-China tension rises by
    trade_tension x trade_pressure a year; 2024's pressure is in the resting level
    (calibration), so tariff escalation (April 2025) and truces (Geneva, May 2025; Busan,
    October 2025) move it as events set `usa.trade_pressure`.
    """
    add_tension(r, w, USA, CHINA, DT * p.trade_tension[r] * p.trade_pressure[r, USA])


@rule
def tension_dynamics(r, w, p, ref, s) -> None:
    """Tension relaxes toward its resting level, with noise; dialogue moves the peninsula's
    (L19, L29).

    d tension / dt = decay * (rest - tension) + tension_noise * dW, rest calibrated so 2024
    tension is the steady state of 2024 pressures (sim.model.calibration). Dialogue progress
    P above its 2024 level lowers the resting tension of the DPRK with ROK, Japan and the US
    by a share dialogue_effect * (P - P_2024) (and raises it when talks fall back).
    """
    t = w.tension
    rest = ref.tension_rest
    rate = DT * p.tension_decay[r]
    relief = rate * p.dialogue_effect[r] * (w.dialogue_progress[r] - ref.dialogue_progress)
    for i in range(N_ACTORS):
        for j in range(N_ACTORS):
            t[r, i, j] = t[r, i, j] + rate * (rest[i, j] - t[r, i, j])
    for other in PENINSULA:
        value = t[r, DPRK, other] - relief * rest[DPRK, other]
        t[r, DPRK, other] = value
        t[r, other, DPRK] = value
    scale = p.tension_noise[r] * SQRT_DT
    d = TENSION_SHOCKS  # one normal per dyad, the upper triangle row by row
    for i in range(N_ACTORS):
        for j in range(i + 1, N_ACTORS):
            noise = scale * s.normals[r, d]
            t[r, i, j] = t[r, i, j] + noise
            t[r, j, i] = t[r, j, i] + noise
            d += 1
    for i in range(N_ACTORS):
        for j in range(N_ACTORS):
            t[r, i, j] = clip(t[r, i, j], 0.0, 1.0)


@rule
def armed_clashes(r, w, p, ref, s) -> None:
    """Armed clashes between a pact member and a rival; some escalate to war, and a war
    calls the reciprocity clause (L4, L15).

    A dyad's clash rate is its recorded rate of fatal militarised incidents at 2024 tension
    (data file clash_rates, plus clash_floor) x clash_hazard x exp(clash_slope x (tension -
    2024 tension)): calibrated to the published record of the same quantity, rising with
    hostility. A clash adds clash_tension to the dyad. It escalates to war with chance
    escalation_race when both rivals' real spending grew at least escalation_race_growth over
    about the past year (an arms race under way), else escalation_base: both chances from one
    study, Wallace (1979: 23 of 28 disputes under an arms race became wars, 3 of 71 others).
    A war sets the dyad's tension to 1 and the partner joins with
    probability equal to its effective commitment (L4 "reciprocity if there is an armed
    conflict"; treaty article 4, armed attack), setting its own tension with the rival to 1.
    """
    clashed = 0  # bit d: dyad d clashed, every dyad's chance from the tension before any
    for m in range(len(BLOC)):
        member = BLOC[m]
        for k in range(N_RIVALS):
            rival = RIVALS[k]
            d = m * N_RIVALS + k
            base = p.clash_hazard[r] * (ref.clash_rates[m, k] + p.clash_floor[r])
            hostility = w.tension[r, member, rival] - ref.tension[member, rival]
            rate = base * exp(p.clash_slope[r] * hostility)
            if s.uniforms[r, CLASH_DRAWS + d] < -expm1(-rate * DT):
                clashed |= 1 << d
    if clashed:
        apply_clashes(r, w, p, s, clashed, False)


@rule
def escalates(r, w, p, s, m, k) -> bool:
    """Whether a clash between member BLOC[m] and rival RIVALS[k] this month would escalate
    to war: with chance escalation_race when both are racing (spending_trend, a log rate, at
    least log1p(escalation_race_growth)), else escalation_base (Wallace 1979)."""
    racing_at = log1p(p.escalation_race_growth[r])
    both = w.spending_trend[r, BLOC[m]] >= racing_at and w.spending_trend[r, RIVALS[k]] >= racing_at
    chance = p.escalation_race[r] if both else p.escalation_base[r]
    return s.uniforms[r, ESCALATION_DRAWS + m * N_RIVALS + k] < chance


@rule
def partners_join(r, w, s, m, k) -> bool:
    """Whether the partner of member BLOC[m] would join a war with rival RIVALS[k] this
    month: with probability equal to its effective commitment (L4)."""
    return s.uniforms[r, RECIPROCITY_DRAWS + m * N_RIVALS + k] < w.commitment[r, len(BLOC) - 1 - m]


@rule
def apply_clashes(r, w, p, s, clashed, certain_war) -> None:
    """Record replicate r's clashes (bit m * N_RIVALS + k of `clashed`: member BLOC[m] with
    rival RIVALS[k]), the wars they become (certain_war, or as `escalates` draws) and the
    partners' response (`partners_join`). Member by member, rival by rival: the clash's
    tension (every dyad's, clipped to [0, 1]), the war's tension 1, the partner's tension 1.
    A replicate with no clash is left as it is (armed_clashes does not call)."""
    n_clash = 0
    n_war = 0
    n_joined = 0
    for m in range(len(BLOC)):
        member = BLOC[m]
        partner = BLOC[len(BLOC) - 1 - m]
        for k in range(N_RIVALS):
            rival = RIVALS[k]
            clash = (clashed >> (m * N_RIVALS + k)) & 1 == 1
            war = clash and (certain_war or escalates(r, w, p, s, m, k))
            joined = war and partners_join(r, w, s, m, k)
            n_clash += clash
            n_war += war
            n_joined += joined
            add_tension(r, w, member, rival, p.clash_tension[r] * (1.0 if clash else 0.0))
            if war:
                w.tension[r, member, rival] = 1.0
                w.tension[r, rival, member] = 1.0
            if joined:
                w.tension[r, partner, rival] = 1.0
                w.tension[r, rival, partner] = 1.0
    w.clashes[r] = w.clashes[r] + n_clash
    w.wars[r] = w.wars[r] + n_war
    w.reciprocity[r] = w.reciprocity[r] + n_joined


@rule
def forced_provocation(r, w, p) -> None:
    """A scenario's forced provocation (sim.model.events): provoke, one of magnitude 1."""
    provoke(r, w, p, 1.0, 1.0)
    w.provocations[r] = w.provocations[r] + 1.0


@rule
def forced_clash(r, w, p, s, m, k, war) -> None:
    """A scenario's forced clash of member BLOC[m] with rival RIVALS[k] (sim.model.events):
    apply_clashes with that one clash, a war if `war`, else escalating as armed_clashes'."""
    apply_clashes(r, w, p, s, 1 << (m * N_RIVALS + k), war)


@rule
def forced_provocations(w, p) -> None:
    """forced_provocation in every replicate."""
    for r in range(w.spending.shape[0]):
        forced_provocation(r, w, p)


@rule
def forced_clashes(w, p, s, m, k, war) -> None:
    """forced_clash in every replicate."""
    for r in range(w.spending.shape[0]):
        forced_clash(r, w, p, s, m, k, war)


@rule
def escalate_replicate(r, w, p, ref, s, on, month, settings, work) -> None:
    """The month's escalation steps for replicate r in order, each when its mechanism is on:
    joint exercises, capability (budgets.update_capability), provocations, the US build-up
    and rivalry, the arms build-up (budgets.arms_buildup, its scratch `work`), tension
    dynamics, armed clashes."""
    if on.joint_exercises:
        joint_exercises(r, w, p)
    update_capability(r, w, p, ref)
    if on.provocations:
        provocations(r, w, p, s)
    if on.us_force_buildup:
        us_force_buildup(r, w, p)
    if on.us_china_rivalry:
        us_china_rivalry(r, w, p)
    if on.arms_buildup:
        arms_buildup(r, w, p, ref, s, month, settings.substeps, on.budget_plans, work)
    if on.tension_dynamics:
        tension_dynamics(r, w, p, ref, s)
    if on.armed_clashes:
        armed_clashes(r, w, p, ref, s)

"""Escalation: arms build-up, joint exercises, provocations, US build-up, armed clashes."""

import numpy as np

from sim.actors import BLOC_IDX, CHINA, DPRK, PENINSULA_IDX, RIVAL_IDX, RUSSIA, USA
from sim.calendar import DT
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, World


def richardson_drive(
    params: Params,
    capability: np.ndarray,
    tension: np.ndarray,
    tension_2024: np.ndarray,
    buildup: np.ndarray,
    buildup_2024: float,
) -> np.ndarray:
    """Sum over rivals of k_ij(t) * C_j: the reaction term of Richardson's equation, (R, N).

    k_ij(t) = k_ij * (1 + s * (tension_ij - tension_ij(2024))) (threat = hostility x
    capability, Dunne, Perlo-Freeman & Smith 2008), and a US build-up above its 2024 level
    replaces part of ROK's and Japan's reaction to the DPRK (reassurance, L17).
    """
    factor = tension - tension_2024
    factor *= params.tension_sensitivity[:, None, None]
    factor += 1.0
    np.maximum(factor, 0.0, out=factor)
    factor *= params.reactivity
    relief = 1.0 - params.reassurance * (buildup - buildup_2024)[:, None]
    factor[:, :, DPRK] *= np.maximum(0.0, relief)
    factor *= capability[:, None, :]
    return factor.sum(axis=2)


def dprk_threat(
    params: Params, capability: np.ndarray, tension: np.ndarray, tension_2024: np.ndarray
) -> np.ndarray:
    """The DPRK's row of richardson_drive: the threat it perceives, (R,)."""
    factor = 1.0 + params.tension_sensitivity[:, None] * (tension[:, DPRK] - tension_2024[DPRK])
    k = params.reactivity[:, DPRK] * np.maximum(0.0, factor)
    return (k * capability).sum(axis=1)


def update_capability(w: World, p: Params, ref: Reference) -> None:
    """Capability = spending x technology x joint-exercise and cyber gains, all 1 in 2024.

    L5, L10: technology and cyber gains raise the DPRK's and Russia's effective military
    effort; L4: joint exercises and intelligence sharing raise both members'. Measured in
    June-2024-equivalent US$, the unit Richardson's reaction term needs.
    """
    exercise_gain = (1.0 + p.exercise_boost * w.exercise_intensity) / (
        1.0 + p.exercise_boost * ref.exercise_intensity
    )
    cyber_gain = 1.0 + p.cyber_weight[:, None] * (w.cyber - ref.cyber)
    w.capability_factor[:, BLOC_IDX] = (w.tech / ref.tech) * cyber_gain * exercise_gain[:, None]
    w.capability = w.spending * w.capability_factor


def arms_buildup(w: World, p: Params, ref: Reference, shocks: Month, substeps: int = 1) -> None:
    """Richardson action-reaction: x_i += dt * (sum_j k_ij(t) C_j - a_i x_i + g_i(t)) + noise.

    L15: the DPRK's improved capabilities threaten South Korea and Japan, "possibly spiraling
    into a regional arm race". Richardson (1960), Arms and Insecurity; discrete (Euler) form,
    whose fixed point is Richardson's and which is stable for the symmetric dyad only if
    dt < 2 / (a + sqrt(k*l)); `substeps` Euler steps a month converge to the continuous path.
    g_i(t) adds to the calibrated grievance the US build-up above its 2024 level (L25) and the
    pull of the war in Ukraine on Russia (L6, L8). Budget shocks are relative
    (spending_noise), once a month, so zero spending stays zero.
    """
    grievance = ref.grievance.copy()
    grievance[:, USA] += p.buildup_cost[:, USA] * (w.us_buildup - ref.buildup)
    grievance[:, RUSSIA] += p.war_pull[:, RUSSIA] * (w.war_intensity - 1.0)
    dt = DT / substeps
    for _ in range(substeps):
        capability = w.spending * w.capability_factor
        drive = richardson_drive(p, capability, w.tension, ref.tension, w.us_buildup, ref.buildup)
        w.spending += dt * (drive - p.fatigue * w.spending + grievance)
    w.spending += w.spending * p.spending_noise * np.sqrt(DT) * shocks.normal("spending")
    w.capability = w.spending * w.capability_factor


def budget_ceiling(w: World, p: Params) -> None:
    """Spending stays between 0 and max_burden x GDP: no state outspends its economy.

    Richardson's linear model has no ceiling; real budgets do (SIPRI burdens in the data file;
    WMEAT puts the DPRK at 15 % of GDP or more). Applied last in the month, against the
    month's GDP.
    """
    np.clip(w.spending, 0.0, p.max_burden * w.gdp, out=w.spending)
    w.capability = w.spending * w.capability_factor


def joint_exercises(w: World, p: Params) -> None:
    """Joint exercises, intelligence sharing and common defence strategies (L4).

    Intensity = the members' mean `exercises` x pact cooperation. It raises the members'
    capability (update_capability) and the tension of both with South Korea, Japan and the
    US, who perceive the threat (L15, L17), by exercise_tension x intensity a year.
    """
    w.exercise_intensity = np.clip(p.exercises[:, BLOC_IDX].mean(axis=1) * w.cooperation, 0, 1)
    push = DT * p.exercise_tension * w.exercise_intensity
    for member in BLOC_IDX:
        add_tension(w, member, PENINSULA_IDX, push[:, None])


def provocations(w: World, p: Params, shocks: Month) -> None:
    """DPRK military provocations: Poisson events that spike tension (L15).

    L15 "military provocations leading grave repercussions". The monthly rate rises with the
    threat the DPRK perceives (its Richardson reaction term) over 2024 (L21 "threats against
    Kim Jong Un") and falls with dialogue progress (L19). Each event raises tension with
    ROK, Japan and the US by `provocation_size` times an exponential magnitude, and sets the
    dialogue back (dialogue_setback).
    """
    count = _poisson(w.provocation_rate, shocks.uniform("provocation_count")[:, 0])
    size = -np.log(1.0 - shocks.uniform("provocation_size")[:, 0])  # Exp(1) magnitude
    w.provocations = count
    provoke(w, p, count, size)


def provoke(w: World, p: Params, count: np.ndarray, size: np.ndarray) -> None:
    """The effect of `count` provocations of magnitude `size` (R,): tension of the DPRK with
    ROK, Japan and the US rises by count x size x provocation_size, and each sets the
    dialogue back by dialogue_setback (L15, L19). A scenario's forced provocation is one of
    magnitude 1."""
    spike = count * size * p.provocation_size[:, DPRK]
    add_tension(w, DPRK, PENINSULA_IDX, spike[:, None])
    w.dialogue_progress *= (1.0 - p.dialogue_setback) ** count


def dprk_provocation_rate(w: World, p: Params, ref: Reference) -> np.ndarray:
    """Expected provocations this month: the DPRK's policy (see NorthKorea.decide)."""
    threat = dprk_threat(p, w.capability, w.tension, ref.tension)
    ratio = np.divide(threat, ref.dprk_threat, out=np.ones_like(threat), where=ref.dprk_threat > 0)
    rate = p.provocation_rate[:, DPRK] * (1.0 + p.threat_response[:, DPRK] * (ratio - 1.0))
    return np.maximum(0.0, rate * (1.0 - p.dialogue_effect * w.dialogue_progress))


def us_force_buildup(w: World, p: Params) -> None:
    """US regional force build-up (L25): tension with the bloc and China.

    L25 "a build-up of military forces in the area"; L17 "it will come to the defense of its
    regional allies". The level is the US decision (UnitedStates.decide); here it raises US
    tension with the DPRK, Russia and China by buildup_tension x level a year. Its spending
    cost and the reassurance of allies (above their 2024 levels) act in arms_buildup.
    """
    push = DT * p.buildup_tension * w.us_buildup
    add_tension(w, USA, [DPRK, RUSSIA, CHINA], push[:, None])


def tension_dynamics(w: World, p: Params, ref: Reference) -> None:
    """Tension relaxes toward its resting level; dialogue lowers the peninsula's (L19, L29).

    d tension / dt = decay * (rest - tension), rest calibrated so 2024 tension is the steady
    state of 2024 pressures (world.Reference). Dialogue progress P lowers the resting tension
    of the DPRK with ROK, Japan and the US by a share dialogue_effect * P.
    """
    rate = DT * p.tension_decay
    w.tension += rate[:, None, None] * (ref.tension_rest - w.tension)
    relief = (rate * p.dialogue_effect * w.dialogue_progress)[:, None]
    peninsula = w.tension[:, DPRK, PENINSULA_IDX] - relief * ref.tension_rest[DPRK, PENINSULA_IDX]
    w.tension[:, DPRK, PENINSULA_IDX] = peninsula
    w.tension[:, PENINSULA_IDX, DPRK] = peninsula
    np.clip(w.tension, 0.0, 1.0, out=w.tension)


def armed_clashes(w: World, p: Params, shocks: Month) -> None:
    """Armed clashes between a pact member and a rival, and the reciprocity clause (L4, L15).

    Above crisis_threshold, a clash occurs with monthly probability clash_hazard x (tension -
    threshold) / (1 - threshold). A clash sets that dyad's tension to 1; the partner then joins
    with probability equal to its effective commitment (L4 "reciprocity if there is an armed
    conflict"), setting its own tension with the rival to 1. Diehl (1983) found about a
    quarter of arms races ending in war: clashes are rare even when spending races.
    """
    threshold = p.crisis_threshold[:, None, None]
    dyads = w.tension[:, BLOC_IDX][:, :, RIVAL_IDX]
    excess = np.clip((dyads - threshold) / np.maximum(1.0 - threshold, 1e-9), 0.0, 1.0)
    n = len(RIVAL_IDX)
    clash = shocks.uniform("clash").reshape(-1, 2, n) < p.clash_hazard[:, None, None] * excess
    apply_clashes(w, clash, partners_join(w, shocks))


def partners_join(w: World, shocks: Month) -> np.ndarray:
    """Whether the partner of each member would join a clash with each rival this month,
    (R, 2, n_rivals): with probability equal to its effective commitment (L4)."""
    u = shocks.uniform("reciprocity").reshape(-1, len(BLOC_IDX), len(RIVAL_IDX))
    return u < w.commitment[:, ::-1, None]


def apply_clashes(w: World, clash: np.ndarray, joins: np.ndarray) -> None:
    """Record clashes (R, 2, n_rivals) and the partner's response to each."""
    if not clash.any():
        return
    joined = clash & joins
    w.clashes += clash.sum(axis=(1, 2))
    w.reciprocity += joined.sum(axis=(1, 2))
    for m, member in enumerate(BLOC_IDX):
        partner = BLOC_IDX[1 - m]
        for k, rival in enumerate(RIVAL_IDX):
            _raise_to_one(w, member, rival, clash[:, m, k])
            _raise_to_one(w, partner, rival, joined[:, m, k])


def _raise_to_one(w: World, a: int, b: int, where: np.ndarray) -> None:
    w.tension[where, a, b] = 1.0
    w.tension[where, b, a] = 1.0


def add_tension(w: World, actor: int, others: list[int], amount: np.ndarray) -> None:
    """Add `amount` (broadcast to (R, len(others))) to a symmetric tension, kept in [0, 1]."""
    value = np.clip(w.tension[:, actor, others] + amount, 0.0, 1.0)
    w.tension[:, actor, others] = value
    w.tension[:, others, actor] = value


def _poisson(rate: np.ndarray, u: np.ndarray, max_events: int = 30) -> np.ndarray:
    """Poisson(rate) counts by inversion of one uniform each (one shock slot per month)."""
    term = np.exp(-rate)
    cumulative = term.copy()
    count = np.zeros_like(rate)
    for k in range(1, max_events + 1):
        below = u >= cumulative
        if not below.any():
            break
        count += below
        term = term * rate / k
        cumulative = cumulative + term
    return count

"""Responses to the pact: US-DPRK talks, Russia's regional presence, the EU's security response,
the pact's implementation.

Each is measured against its June 2024 value (held in the Reference), so the defaults keep
the 2024 steady state and a scenario's departures act from month 1.
"""

import numpy as np

from sim.actors import BLOC_DPRK, DPRK, EU, JAPAN, PENINSULA_IDX, ROK, RUSSIA, SANCTIONERS, USA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.kernels.cooperation import writable
from sim.model.mechanisms.cooperation import pact_cooperation, pact_kernel
from sim.model.mechanisms.escalation import add_tension
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, Settings, Switches, World


def dprk_willingness(w: World, p: Params) -> np.ndarray:
    """How ready the DPRK is to deal with the US, 0-1, (R,): the pact raises its price (L2).

    L2: the pact is "bolstering its hand in its talks with the United States". Readiness =
    1 - pact_leverage x the pact's capacity (relative to 2024) x the war's intensity: what
    Russia gives and needs (payment, oil, technology for munitions and troops) is the DPRK's
    outside option, so the more the pact delivers the less it needs sanctions relief (Cha &
    Kang 2003 on the DPRK's bargaining; MSMT 2025 on what Russia pays).
    """
    outside = p.pact_leverage * w.capacity * w.war_intensity
    return np.clip(1.0 - outside, 0.0, 1.0)


def talks_steady_state(
    speed: float, engagement: float, willingness: float, peninsula: float, decay: float, setbacks
) -> float:
    """The talks progress at which 2024's US engagement, the DPRK's readiness, decay and
    provocation setbacks balance: T* = A / (A + decay + setbacks), A = speed x engagement x
    willingness x (1 - peninsula tension); `setbacks` a year (12 x rate x dialogue_setback)."""
    growth = speed * engagement * willingness * (1.0 - peninsula)
    total = growth + decay + setbacks
    return growth / total if total > 0 else 0.0


def us_engagement_target(w: World, p: Params, ref: Reference) -> np.ndarray:
    """The US choice between pressure (0) and engagement (1) with Pyongyang, (R,) (L14, L29).

    L14: "the U.S. will have to rethink its gameplan on both North Korea and Russia"; L29
    "Diplomatic engagement and dialogue take on a new urgency". Target = talks_engagement -
    provocation_aversion x (the DPRK's provocation rate above 2024, events a month) -
    ally_alarm x (the rise of South Korea's and Japan's tension with the DPRK over 2024: allies
    who feel threatened press for pressure) - pact_hardening x (the pact's capacity above
    2024: the bloc doubling down, L14), in [0, 1]. Pressure-versus-engagement cycles in US
    policy toward Pyongyang: Cha & Kang (2003), Nuclear North Korea; the 2018-19 summits
    followed a lull in tests.
    """
    provocations = w.provocation_rate - ref.provocation_rate
    allies = w.tension[:, DPRK, [ROK, JAPAN]].mean(axis=1) - ref.tension[DPRK, [ROK, JAPAN]].mean()
    target = (
        p.talks_engagement[:, USA]
        - p.provocation_aversion[:, USA] * provocations
        - p.ally_alarm[:, USA] * allies
        - p.pact_hardening[:, USA] * (w.capacity - 1.0)
    )
    return np.clip(target, 0.0, 1.0)


def choose_engagement(w: World, p: Params, ref: Reference) -> np.ndarray:
    """The US engagement this month, (R,): it moves toward us_engagement_target at
    engagement_speed (UnitedStates.decide; L14)."""
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        return _engagement_kernel(w, p, ref)
    speed = DT * p.engagement_speed[:, USA]
    return w.us_engagement + speed * (us_engagement_target(w, p, ref) - w.us_engagement)


def us_dprk_talks(w: World, p: Params) -> None:
    """The US-DPRK negotiation track: talks progress with US engagement (L2, L14, L29).

    The US chooses its engagement (choose_engagement, UnitedStates.decide). Talks progress T grows
    at talks_speed x engagement x the DPRK's readiness (dprk_willingness: the pact raises its
    price, L2) x (1 - T) x (1 - peninsula tension), decays at talks_decay (talks stall without
    effort) and each provocation sets it back by dialogue_setback. T starts at its 2024 steady
    state. What talks deliver, for T above 2024 (see talks_effects): a provocation moratorium,
    US sanctions relief on the DPRK and US restraint in its regional exercises (the 2018
    Singapore pattern: a test moratorium, suspended US-ROK exercises; Panda 2020, Kim Jong Un
    and the Bomb).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _respond_kernel(w, p, None, talks=True)
        return
    room = (1.0 - w.talks_progress) * (1.0 - w.peninsula_tension())
    growth = p.talks_speed * w.us_engagement * dprk_willingness(w, p) * room
    w.talks_progress += DT * (growth - p.talks_decay * w.talks_progress)
    w.talks_progress *= (1.0 - p.dialogue_setback) ** w.provocations
    np.clip(w.talks_progress, 0.0, 1.0, out=w.talks_progress)


def talks_effects(w: World, p: Params, ref: Reference) -> None:
    """What US-DPRK talks deliver this month, for progress above 2024 (L2, L29).

    The DPRK's provocation rate falls by a share talks_moratorium x (T - T_2024) (a
    moratorium on tests, as in 2018-19); the US desired sanctions on the DPRK fall by
    talks_relief x (T - T_2024) (sanctions relief); the US build-up falls by talks_restraint x
    (T - T_2024) (suspended exercises). Talks falling below 2024 reverse all three.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _respond_kernel(w, p, ref, effects=True)
        return
    progress = w.talks_progress - ref.talks_progress
    w.provocation_rate = np.maximum(0.0, w.provocation_rate * (1.0 - p.talks_moratorium * progress))
    us = SANCTIONERS.index("usa")
    target = w.sanction_target[:, us, BLOC_DPRK] - p.talks_relief * progress
    w.sanction_target[:, us, BLOC_DPRK] = np.clip(target, 0.0, 1.0)
    w.us_buildup = np.clip(w.us_buildup - p.talks_restraint * progress, 0.0, 1.0)


def russia_presence(w: World, p: Params) -> None:
    """Russia's military presence in East Asia and its pull on the US and its allies (L6).

    L6: the pact means "a decrease in the US's presence in East Asia" and that "Russia intends
    to amplify its presence on the Korean Peninsula and achieve additional strategic depth or
    potential power-projection capacity there"; L2 "a strategic nodal point". The presence
    index (deployments, exercises with China and the DPRK, port calls, bomber patrols; 2024 =
    1) moves at presence_speed toward Russia's pacific_presence + presence_war x (1 - the
    war's intensity): forces the war no longer absorbs can go east (L6 "strategic repose from
    NATO"). Presence above 2024 raises Russia's tension with the US, South Korea and Japan by
    presence_tension a year per unit (threat perception: Walt 1987, balance of threat), and
    pulls the US posture up by presence_pull per unit (UnitedStates.decide): the US answers
    presence with presence (2024 US-Japan and US-ROK responses to joint Russia-China bomber
    patrols), rather than leaving the region as Russia hopes. South Korea and Japan raise
    their budgets by presence_threat of their plans per unit (budgets.budget_levels).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _respond_kernel(w, p, None, presence=True)
        return
    target = p.pacific_presence[:, RUSSIA] + p.presence_war * (1.0 - w.war_intensity)
    w.russia_presence += DT * p.presence_speed * (np.maximum(0.0, target) - w.russia_presence)
    push = DT * p.presence_tension * (w.russia_presence - 1.0)
    add_tension(w, RUSSIA, [USA, ROK, JAPAN], push[:, None])


def eu_security_response(w: World, p: Params, ref: Reference) -> None:
    """The EU's security response beyond sanctions: military support to Ukraine (L18).

    L18: "This new alliance has already raised diplomatic concerns in the European Union,
    calling for more solutions to deal with security issues"; relations "already tense over
    forces in Ukraine". The EU's support (US$ bn/yr, its 2024 level: ukraine_support) moves at
    budget_adjustment toward ukraine_support x (1 + security_response x the rise of EU-Russia
    tension over 2024): the EU answers a more hostile Russia with more help to Ukraine (the
    European Peace Facility, the Ukraine Facility and ReArm Europe / SAFE, 2025). Support
    above 2024, relative to it, raises Russia's war demand (munitions, troops and war
    spending scale with war_demand) by support_demand per unit, and EU-Russia tension by
    support_tension a year per unit.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _respond_kernel(w, p, ref, eu=True)
        return
    i = EU
    rise = w.tension[:, i, RUSSIA] - ref.tension[i, RUSSIA]
    target = p.ukraine_support[:, i] * np.maximum(0.0, 1.0 + p.security_response[:, i] * rise)
    w.eu_support += DT * p.budget_adjustment * (target - w.eu_support)
    relative = np.divide(
        w.eu_support, ref.eu_support, out=np.ones_like(w.eu_support), where=ref.eu_support > 0
    )
    w.war_demand = np.maximum(0.0, 1.0 + p.support_demand * (relative - 1.0))
    add_tension(w, i, [RUSSIA], (DT * p.support_tension * (relative - 1.0))[:, None])


def pact_implementation(w: World, p: Params, ref: Reference) -> None:
    """Implementing the pact takes time, logistics and room under sanctions (L24).

    L24: "The alliance will demand a great deal of logistical and technical work to implement
    its requirements"; the members' "extremely harsh economic sanctions ... likely to
    constrain the extent of their cooperation". Implementation I (0-1, the share of the
    treaty's new channels built) starts at implementation_start in June 2024 and grows at
    (1 - I) / implementation_lag x min(1, capacity) x (1 - logistics_drag x the rise of the
    West's mean sanctions on the members over 2024). The treaty entered into force on 4
    December 2024; the Tumen road bridge agreed in June 2024 began construction in April 2025
    for 2026; reported Russian help with air defence and satellites came in 2025: so a lag
    of about a year and a half. The ramp applies only to the treaty's new channels:
    technology transfer (L5, L10), infrastructure projects (L9) and trade expansion (L8).
    The flows observed in 2024 (munitions from late 2023, MSMT 2025: about 9 million rounds;
    troops from October 2024; oil from March 2024) are calibrated to what was seen and are
    not ramped, so 2024 observations still hold.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        pact_kernel(w, p, ref, cooperate=False, implement=True)
        return
    rise = (w.sanctions - ref.sanctions).mean(axis=(1, 2))
    room = np.clip(1.0 - p.logistics_drag * np.maximum(0.0, rise), 0.0, 1.0)
    rate = room * np.minimum(1.0, w.capacity) / np.maximum(p.implementation_lag, 1e-9)
    w.implementation += DT * rate * (1.0 - w.implementation)
    np.clip(w.implementation, 0.0, 1.0, out=w.implementation)


def pact_capacity(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The start of the month: cooperation.pact_cooperation, then pact_implementation when
    it is on. With w.kernels, one kernel call."""
    implementation = on.pact_implementation
    if w.kernels:
        pact_kernel(w, p, ref, cooperate=True, implement=implementation)
        return
    pact_cooperation(w, p, ref)
    if implementation:
        pact_implementation(w, p, ref)


def respond(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The month's responses in order, each when its mechanism is on (`on`, the model's
    switch): us_dprk_talks and talks_effects, russia_presence, eu_security_response. With
    w.kernels, one kernel call (and numpy's power for the provocations' setback)."""
    talks = on("us_dprk_talks")
    if w.kernels:
        _respond_kernel(
            w,
            p,
            ref,
            talks=talks,
            effects=talks,
            presence=on("russia_presence"),
            eu=on("eu_security"),
        )
        return
    if talks:
        us_dprk_talks(w, p)
        talks_effects(w, p, ref)
    if on("russia_presence"):
        russia_presence(w, p)
    if on("eu_security"):
        eu_security_response(w, p, ref)


def _engagement_kernel(w: World, p: Params, ref: Reference) -> np.ndarray:
    """The compiled choose_engagement."""
    out = np.empty_like(w.us_engagement)
    kernel("choose_engagement")(
        *contiguous(w.us_engagement, p.engagement_speed, p.talks_engagement),
        *contiguous(p.provocation_aversion, p.ally_alarm, p.pact_hardening, w.provocation_rate),
        float(ref.provocation_rate),
        *contiguous(w.tension),
        float(ref.tension[DPRK, [ROK, JAPAN]].mean()),
        *contiguous(w.capacity),
        USA,
        DPRK,
        ROK,
        JAPAN,
        out,
    )
    return out


def _respond_kernel(
    w: World,
    p: Params,
    ref: Reference | None,
    talks: bool = False,
    effects: bool = False,
    presence: bool = False,
    eu: bool = False,
) -> None:
    """The compiled responses that are flagged, in the order of `respond` (`ref` is read
    only by talks_effects and eu_security_response)."""
    tension, progress, provocation_rate, sanction_target = writable(
        w, "tension", "talks_progress", "provocation_rate", "sanction_target"
    )
    us_buildup, presence_level, eu_support, war_demand = writable(
        w, "us_buildup", "russia_presence", "eu_support", "war_demand"
    )
    # a power: numpy's, outside the kernel (sim.model.kernels)
    setback = (1.0 - p.dialogue_setback) ** w.provocations if talks else p.dialogue_setback
    kernel("respond")(
        bool(talks),
        bool(effects),
        bool(presence),
        bool(eu),
        tension,
        _PENINSULA,
        DPRK,
        progress,
        *contiguous(p.talks_speed, w.us_engagement, p.pact_leverage, w.capacity),
        *contiguous(w.war_intensity, p.talks_decay, setback),
        float(ref.talks_progress) if ref is not None else 0.0,
        *contiguous(p.talks_moratorium),
        provocation_rate,
        sanction_target,
        SANCTIONERS.index("usa"),
        BLOC_DPRK,
        *contiguous(p.talks_relief),
        us_buildup,
        *contiguous(p.talks_restraint),
        RUSSIA,
        *contiguous(p.pacific_presence, p.presence_war, p.presence_speed),
        presence_level,
        *contiguous(p.presence_tension, _PRESENCE_OTHERS),
        EU,
        *contiguous(p.ukraine_support, p.security_response),
        float(ref.tension[EU, RUSSIA]) if ref is not None else 0.0,
        *contiguous(p.budget_adjustment),
        eu_support,
        float(ref.eu_support) if ref is not None else 1.0,
        *contiguous(p.support_demand),
        war_demand,
        *contiguous(p.support_tension),
    )


_PENINSULA = np.asarray(PENINSULA_IDX)
_PRESENCE_OTHERS = np.asarray([USA, ROK, JAPAN])

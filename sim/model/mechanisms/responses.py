"""Responses to the pact: US-DPRK talks, Russia's regional presence, the EU's security response,
the pact's implementation.

Each is measured against its June 2024 value (held in the Reference), so the defaults keep
the 2024 steady state and a scenario's departures act from month 1. Each rule is a compiled
function of one replicate r (sim.model.mechanisms.compiled) that writes the world's arrays
in place.
"""

from sim.actors import BLOC_DPRK, DPRK, EU, JAPAN, ROK, RUSSIA, SANCTIONERS, USA
from sim.calendar import DT
from sim.model.mechanisms.common import add_tension, at_least, at_most, clip
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.cooperation import pact_cooperation, peninsula_tension

US_ROW = SANCTIONERS.index("usa")
"""The US row of the sanctions arrays (R, 4, 2)."""


@rule
def dprk_willingness(r, w, p) -> float:
    """How ready the DPRK is to deal with the US, 0-1: the pact raises its price (L2).

    L2: the pact is "bolstering its hand in its talks with the United States". Readiness =
    1 - pact_leverage x the pact's capacity (relative to 2024) x the war's intensity: what
    Russia gives and needs (payment, oil, technology for munitions and troops) is the DPRK's
    outside option, so the more the pact delivers the less it needs sanctions relief (Cha &
    Kang 2003 on the DPRK's bargaining; MSMT 2025 on what Russia pays).
    """
    outside = p.pact_leverage[r] * w.capacity[r] * w.war_intensity[r]
    return clip(1.0 - outside, 0.0, 1.0)


def talks_steady_state(
    speed: float, engagement: float, willingness: float, peninsula: float, decay: float, setbacks
) -> float:
    """The talks progress at which 2024's US engagement, the DPRK's readiness, decay and
    provocation setbacks balance: T* = A / (A + decay + setbacks), A = speed x engagement x
    willingness x (1 - peninsula tension); `setbacks` a year (12 x rate x dialogue_setback).
    A closed form for the calibration (sim.model.calibration), not a step of the month."""
    growth = speed * engagement * willingness * (1.0 - peninsula)
    total = growth + decay + setbacks
    return growth / total if total > 0 else 0.0


@rule
def us_engagement_target(r, w, p, ref) -> float:
    """The US choice between pressure (0) and engagement (1) with Pyongyang (L14, L29).

    L14: "the U.S. will have to rethink its gameplan on both North Korea and Russia"; L29
    "Diplomatic engagement and dialogue take on a new urgency". Target = talks_engagement -
    provocation_aversion x (the DPRK's provocation rate above 2024, events a month) -
    ally_alarm x (the rise of South Korea's and Japan's tension with the DPRK over 2024: allies
    who feel threatened press for pressure) - pact_hardening x (the pact's capacity above
    2024: the bloc doubling down, L14), in [0, 1]. Pressure-versus-engagement cycles in US
    policy toward Pyongyang: Cha & Kang (2003), Nuclear North Korea; the 2018-19 summits
    followed a lull in tests.
    """
    provocations = w.provocation_rate[r] - ref.provocation_rate
    allies = (0.0 + w.tension[r, DPRK, ROK] + w.tension[r, DPRK, JAPAN]) / 2.0
    allies_2024 = (0.0 + ref.tension[DPRK, ROK] + ref.tension[DPRK, JAPAN]) / 2.0
    target = (
        p.talks_engagement[r, USA]
        - p.provocation_aversion[r, USA] * provocations
        - p.ally_alarm[r, USA] * (allies - allies_2024)
        - p.pact_hardening[r, USA] * (w.capacity[r] - 1.0)
    )
    return clip(target, 0.0, 1.0)


@rule
def choose_engagement(r, w, p, ref) -> float:
    """The US engagement with Pyongyang this month in replicate r: it moves toward
    us_engagement_target at engagement_speed (UnitedStates.decide writes it; L14)."""
    speed = DT * p.engagement_speed[r, USA]
    return w.us_engagement[r] + speed * (us_engagement_target(r, w, p, ref) - w.us_engagement[r])


@rule
def us_dprk_talks(r, w, p):
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
    progress = w.talks_progress[r]
    room = (1.0 - progress) * (1.0 - peninsula_tension(r, w))
    growth = p.talks_speed[r] * w.us_engagement[r] * dprk_willingness(r, w, p) * room
    progress = progress + DT * (growth - p.talks_decay[r] * progress)
    progress = progress * (1.0 - p.dialogue_setback[r]) ** w.provocations[r]
    w.talks_progress[r] = clip(progress, 0.0, 1.0)


@rule
def talks_effects(r, w, p, ref):
    """What US-DPRK talks deliver this month, for progress above 2024 (L2, L29).

    The DPRK's provocation rate falls by a share talks_moratorium x (T - T_2024) (a
    moratorium on tests, as in 2018-19); the US desired sanctions on the DPRK fall by
    talks_relief x (T - T_2024) (sanctions relief); the US build-up falls by talks_restraint x
    (T - T_2024) (suspended exercises). Talks falling below 2024 reverse all three.
    """
    progress = w.talks_progress[r] - ref.talks_progress
    rate = w.provocation_rate[r] * (1.0 - p.talks_moratorium[r] * progress)
    w.provocation_rate[r] = at_least(rate, 0.0)
    target = w.sanction_target[r, US_ROW, BLOC_DPRK] - p.talks_relief[r] * progress
    w.sanction_target[r, US_ROW, BLOC_DPRK] = clip(target, 0.0, 1.0)
    w.us_buildup[r] = clip(w.us_buildup[r] - p.talks_restraint[r] * progress, 0.0, 1.0)


@rule
def russia_presence(r, w, p):
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
    target = p.pacific_presence[r, RUSSIA] + p.presence_war[r] * (1.0 - w.war_intensity[r])
    level = w.russia_presence[r]
    level = level + DT * p.presence_speed[r] * (at_least(target, 0.0) - level)
    w.russia_presence[r] = level
    push = DT * p.presence_tension[r] * (level - 1.0)
    for other in (USA, ROK, JAPAN):
        add_tension(r, w, RUSSIA, other, push)


@rule
def eu_security_response(r, w, p, ref):
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
    rise = w.tension[r, EU, RUSSIA] - ref.tension[EU, RUSSIA]
    target = p.ukraine_support[r, EU] * at_least(1.0 + p.security_response[r, EU] * rise, 0.0)
    support = w.eu_support[r]
    support = support + DT * p.budget_adjustment[r] * (target - support)
    w.eu_support[r] = support
    relative = support / ref.eu_support if ref.eu_support > 0 else 1.0
    w.war_demand[r] = at_least(1.0 + p.support_demand[r] * (relative - 1.0), 0.0)
    add_tension(r, w, EU, RUSSIA, DT * p.support_tension[r] * (relative - 1.0))


@rule
def pact_implementation(r, w, p, ref):
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
    # the mean rise over the (4, 2) sanctions: numpy's pairwise sum of eight terms, from 0.0
    s = w.sanctions
    t0 = s[r, 0, 0] - ref.sanctions[0, 0]
    t1 = s[r, 0, 1] - ref.sanctions[0, 1]
    t2 = s[r, 1, 0] - ref.sanctions[1, 0]
    t3 = s[r, 1, 1] - ref.sanctions[1, 1]
    t4 = s[r, 2, 0] - ref.sanctions[2, 0]
    t5 = s[r, 2, 1] - ref.sanctions[2, 1]
    t6 = s[r, 3, 0] - ref.sanctions[3, 0]
    t7 = s[r, 3, 1] - ref.sanctions[3, 1]
    rise = (0.0 + (((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7)))) / 8.0
    room = clip(1.0 - p.logistics_drag[r] * at_least(rise, 0.0), 0.0, 1.0)
    rate = room * at_most(w.capacity[r], 1.0) / at_least(p.implementation_lag[r], 1e-9)
    level = w.implementation[r]
    w.implementation[r] = clip(level + DT * rate * (1.0 - level), 0.0, 1.0)


@rule
def pact_capacity_replicate(r, w, p, ref, s, on, month, settings):
    """The start of replicate r's month: cooperation.pact_cooperation, then
    pact_implementation when it is on."""
    pact_cooperation(r, w, p, ref)
    if on.pact_implementation:
        pact_implementation(r, w, p, ref)


@rule
def respond_replicate(r, w, p, ref, s, on, month, settings):
    """Replicate r's responses in order, each when its mechanism is on: us_dprk_talks and
    talks_effects, russia_presence, eu_security_response."""
    if on.us_dprk_talks:
        us_dprk_talks(r, w, p)
        talks_effects(r, w, p, ref)
    if on.russia_presence:
        russia_presence(r, w, p)
    if on.eu_security:
        eu_security_response(r, w, p, ref)

"""Sanctions: imposing, tightening and relaxing; evasion; trade; diplomatic isolation.

Trade and ties are kept for the pact members only, (R, 2, N) indexed [replicate, member,
other actor]; the members' trade with each other appears in both rows. Sanctions are
(R, 4, 2) indexed [replicate, sanctioner (SANCTIONERS order), member].

Each rule is compiled (sim.model.mechanisms.compiled) and acts on one replicate `r`.
"""

from sim.actors import (
    BLOC_DPRK,
    BLOC_IDX,
    BLOC_RUSSIA,
    CHINA,
    DPRK,
    N_ACTORS,
    RUSSIA,
    SANCTIONER_IDX,
    SANCTIONERS,
)
from sim.calendar import DT
from sim.model.mechanisms.common import add_tension, at_least, at_most, clip, random_walk_step
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.maths import exp
from sim.model.randomness import CHINA_TRADE_SHOCKS

_SANCTIONERS = tuple(SANCTIONER_IDX)
_BLOC = tuple(BLOC_IDX)
_USA_ROW = SANCTIONERS.index("usa")


@rule
def impose_sanctions(r, w, p):
    """Sanctions move toward each sanctioner's desired level (L5, L8, L25).

    L25 "new sanctions and diplomatic initiatives aimed at further isolating Pyongyang and
    Moscow"; L5, L8 the sanctions both members already face. Imposed intensity moves toward
    the decided target (Sanctioner.decide) at sanction_speed a year; tightening raises tension
    between imposer and target (L25 "an escalation of tensions").
    """
    for k in range(len(_SANCTIONERS)):
        sanctioner = _SANCTIONERS[k]
        speed = DT * p.sanction_speed[r, sanctioner]
        for m in range(len(_BLOC)):
            step = speed * (w.sanction_target[r, k, m] - w.sanctions[r, k, m])
            w.sanctions[r, k, m] = w.sanctions[r, k, m] + step
            push = p.sanction_tension[r] * at_least(step, 0.0)
            add_tension(r, w, sanctioner, _BLOC[m], push)


@rule
def move_trade(r, w, p, ref, s, evasion_on):
    """Direct trade falls with sanctions; evasion reroutes part of the loss (L8, L24).

    Direct trade of a sanctioner with a member moves toward its 2024 level x exp(-bite x (the
    rise of sanction intensity over 2024)) (Hufbauer, Schott & Elliott 2007: sanctions cut
    trade). L8 "a potential ally in its bid to evade the embargo": of the trade so lost, a
    share evasion_m x c is rerouted through China, c = min(1, evasion_tolerance x China's
    alignment / its 2024 alignment), and evasion_m x min(third_country_channel, 1 - c) through
    countries outside the model. The members' own trade with countries outside the model
    (India, Turkey, Kazakhstan and others: data file) moves toward its 2024 level x
    exp(-secondary_bite x the rise of US sanctions on the member). Both count toward the
    member's lifeline but not toward its ties with the actors. China's trade with Russia
    changes by coalition_trade x (its alignment - 2024), with the DPRK by coalition_trade x
    (its engagement with Pyongyang - 2024) (L13: keeping its grip means trading and
    enforcing on its own terms). Trade with China is what these drivers settle times its own
    random factor (china_trade_factor). The members' help to each other is the pact's trade
    expansion (L8) and energy aid (L9), not rerouting. Trade moves at trade_adjustment a year.
    """
    channel = at_most(
        p.evasion_tolerance[r, CHINA] * w.china_alignment[r] / ref.china_alignment, 1.0
    )
    third = p.third_country_channel[r]
    rest = 1.0 - channel
    third = third if (third < rest or third != third) else rest  # np.minimum: NaN from either
    speed = DT * p.trade_adjustment[r]
    intra = ref.trade[BLOC_DPRK, RUSSIA] * w.trade_expansion[r]
    bite = -p.sanction_bite[r]
    for m in range(len(_BLOC)):
        lost = 0.0
        for k in range(len(_SANCTIONERS)):
            sanctioner = _SANCTIONERS[k]
            west = ref.trade[m, sanctioner]
            direct = west * exp(bite * (w.sanctions[r, k, m] - ref.sanctions[k, m]))
            lost = lost + at_least(west - direct, 0.0)
            w.trade[r, m, sanctioner] += speed * (direct - w.trade[r, m, sanctioner])
        share = p.evasion[r, _BLOC[m]] if evasion_on else 0.0
        via_china = lost * share * channel
        via_abroad = lost * share * third
        us_rise = at_least(w.sanctions[r, _USA_ROW, m] - ref.sanctions[_USA_ROW, m], 0.0)
        outside = ref.trade_outside[m] * exp(-p.secondary_bite[r] * us_rise)
        if m == BLOC_RUSSIA:
            shift = w.china_alignment[r] - ref.china_alignment
        else:
            shift = w.china_engagement[r] - ref.china_engagement
        shift = at_least(1.0 + p.coalition_trade[r] * shift, 0.0)
        china = ref.trade[m, CHINA] * shift + via_china
        settled = w.trade[r, m, CHINA] / exp(w.china_trade_shock[r, m])  # the drivers' part
        settled = settled + speed * (china - settled)
        w.trade[r, m, CHINA] = settled * china_trade_factor(r, w, p, s, m)
        to_dprk = intra if m == BLOC_RUSSIA else 0.0
        to_russia = 0.0 if m == BLOC_RUSSIA else intra
        w.trade[r, m, DPRK] += speed * (to_dprk - w.trade[r, m, DPRK])
        w.trade[r, m, RUSSIA] += speed * (to_russia - w.trade[r, m, RUSSIA])
        w.rerouted_abroad[r, m] += speed * (via_abroad - w.rerouted_abroad[r, m])
        w.trade_outside[r, m] += speed * (outside - w.trade_outside[r, m])
        total = 0.0
        for j in range(N_ACTORS):
            total = total + w.trade[r, m, j]
        w.access[r, m] = total + w.rerouted_abroad[r, m] + w.trade_outside[r, m]


@rule
def china_trade_factor(r, w, p, s, m):
    """This month's random factor on member m's trade with China, exp(z), returned (z kept in
    w.china_trade_shock).

    z is a random walk, dz = -sigma^2 / 2 dt + sigma dW with sigma the member's
    china_trade_noise, so the factor's mean stays 1 and the log change of trade in a year has
    standard deviation sigma: DPRK-China trade has moved by tens of per cent in a year on
    decisions the model does not carry (border openings, customs enforcement, L13's grip on
    Pyongyang: China's customs statistics); Russia-China trade less so.
    """
    sigma = p.china_trade_noise[r, _BLOC[m]]
    normal = s.normals[r, CHINA_TRADE_SHOCKS + m]
    w.china_trade_shock[r, m] = random_walk_step(w.china_trade_shock[r, m], sigma, normal)
    return exp(w.china_trade_shock[r, m])


@rule
def diplomatic_isolation(r, w, p, ref):
    """Isolation campaigns cut the West's ties with the bloc; China's follow its alignment.

    L25 "diplomatic initiatives aimed at further isolating Pyongyang and Moscow": each
    sanctioner's ties with both members move toward (1 - isolation_effort) x their 2024 level.
    L13 "a wider coalition with Russia and North Korea": China's ties with Russia move toward
    their 2024 level + coalition_ties x (its alignment - 2024), with the DPRK toward their
    2024 level + coalition_ties x (its engagement with Pyongyang - 2024). Ties move at
    ties_adjustment a year.
    """
    speed = DT * p.ties_adjustment[r]
    for m in range(len(_BLOC)):
        for sanctioner in _SANCTIONERS:
            keep = 1.0 - w.isolation_effort[r, sanctioner]
            west = w.ties[r, m, sanctioner]
            w.ties[r, m, sanctioner] = west + speed * (ref.ties[m, sanctioner] * keep - west)
        if m == BLOC_RUSSIA:
            shift = w.china_alignment[r] - ref.china_alignment
        else:
            shift = w.china_engagement[r] - ref.china_engagement
        china = clip(ref.ties[m, CHINA] + p.coalition_ties[r] * shift, 0.0, 1.0)
        w.ties[r, m, CHINA] += speed * (china - w.ties[r, m, CHINA])


@rule
def sanction_replicate(r, w, p, ref, s, on, month, settings):
    """Replicate r's sanction steps in order, each when its mechanism is on."""
    if on.sanctions:
        impose_sanctions(r, w, p)
    move_trade(r, w, p, ref, s, on.evasion)
    if on.diplomatic_isolation:
        diplomatic_isolation(r, w, p, ref)

"""Sanctions: imposing, tightening and relaxing; evasion; trade; diplomatic isolation.

Trade and ties are kept for the pact members only, (R, 2, N) indexed [replicate, member,
other actor]; the members' trade with each other appears in both rows. Sanctions are
(R, 4, 2) indexed [replicate, sanctioner (SANCTIONERS order), member].
"""

import numpy as np

from sim.actors import (
    BLOC_DPRK,
    BLOC_IDX,
    BLOC_RUSSIA,
    CHINA,
    DPRK,
    RUSSIA,
    SANCTIONER_IDX,
    SANCTIONERS,
)
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.mechanisms.escalation import add_tension
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, Settings, Switches, World

_SANCTIONERS = np.array(SANCTIONER_IDX)
_BLOC = np.array(BLOC_IDX)
_USA_ROW = SANCTIONERS.index("usa")


def impose_sanctions(w: World, p: Params) -> None:
    """Sanctions move toward each sanctioner's desired level (L5, L8, L25).

    L25 "new sanctions and diplomatic initiatives aimed at further isolating Pyongyang and
    Moscow"; L5, L8 the sanctions both members already face. Imposed intensity moves toward
    the decided target (Sanctioner.decide) at sanction_speed a year; tightening raises tension
    between imposer and target (L25 "an escalation of tensions").
    """
    if w.kernels:  # the same, add_tension included, compiled (sim.model.kernels)
        kernel("impose_sanctions")(
            w.sanctions,
            *contiguous(w.sanction_target, p.sanction_speed, p.sanction_tension),
            w.tension,
            _SANCTIONERS,
            _BLOC,
            DT,
        )
        return
    speed = DT * p.sanction_speed[:, SANCTIONER_IDX]
    step = speed[:, :, None] * (w.sanction_target - w.sanctions)
    w.sanctions += step
    push = p.sanction_tension[:, None, None] * np.maximum(0.0, step)
    for k, sanctioner in enumerate(SANCTIONER_IDX):
        add_tension(w, sanctioner, BLOC_IDX, push[:, k])


def move_trade(w: World, p: Params, ref: Reference, evasion_on: bool) -> None:
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
    enforcing on its own terms). The members' help to each other is the pact's trade
    expansion (L8) and energy aid (L9), not rerouting. Trade moves at trade_adjustment a
    year.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), exp in numpy between kernels
        exps = np.empty((w.replicates, 10))
        kernel("trade_exponents")(
            *contiguous(w.sanctions, ref.sanctions, p.sanction_bite, p.secondary_bite),
            _USA_ROW,
            exps,
        )
        np.exp(exps, out=exps)
        access = np.empty_like(w.access)
        kernel("move_trade")(
            exps,
            *contiguous(ref.trade, ref.trade_outside, p.evasion),
            evasion_on,
            *contiguous(p.evasion_tolerance, p.third_country_channel, p.coalition_trade),
            *contiguous(p.trade_adjustment, w.china_alignment, w.china_engagement),
            *contiguous(w.trade_expansion),
            float(ref.china_alignment),
            float(ref.china_engagement),
            w.trade,
            w.rerouted_abroad,
            w.trade_outside,
            access,
            _SANCTIONERS,
            _BLOC,
            CHINA,
            BLOC_RUSSIA,
            DT,
        )
        w.access = access
        return
    west_2024 = ref.trade[:, SANCTIONER_IDX].T  # (4, 2): sanctioner x member
    rise = w.sanctions - ref.sanctions
    direct = west_2024 * np.exp(-p.sanction_bite[:, None, None] * rise)  # (R, 4, 2)
    lost = np.maximum(0.0, west_2024 - direct).sum(axis=1)  # (R, 2)
    evasion = p.evasion[:, BLOC_IDX] if evasion_on else np.zeros_like(lost)
    china_channel = np.minimum(
        1.0, p.evasion_tolerance[:, CHINA] * w.china_alignment / ref.china_alignment
    )
    via_china = lost * evasion * china_channel[:, None]
    third = np.minimum(p.third_country_channel, 1.0 - china_channel)
    via_abroad = lost * evasion * third[:, None]
    us_rise = rise[:, SANCTIONERS.index("usa")]  # (R, 2)
    outside = ref.trade_outside * np.exp(-p.secondary_bite[:, None] * np.maximum(0.0, us_rise))

    china_shift = np.empty((w.replicates, 2))
    china_shift[:, BLOC_RUSSIA] = w.china_alignment - ref.china_alignment
    china_shift[:, BLOC_DPRK] = w.china_engagement - ref.china_engagement
    china_shift = np.maximum(0.0, 1.0 + p.coalition_trade[:, None] * china_shift)
    target = np.empty_like(w.trade)
    target[:, :, SANCTIONER_IDX] = direct.transpose(0, 2, 1)
    target[:, :, CHINA] = ref.trade[:, CHINA] * china_shift + via_china
    intra = ref.trade[0, RUSSIA] * w.trade_expansion
    target[:, BLOC_DPRK, DPRK] = target[:, BLOC_RUSSIA, RUSSIA] = 0.0
    target[:, BLOC_DPRK, RUSSIA] = target[:, BLOC_RUSSIA, DPRK] = intra
    speed = DT * p.trade_adjustment
    w.trade += speed[:, None, None] * (target - w.trade)
    w.rerouted_abroad += speed[:, None] * (via_abroad - w.rerouted_abroad)
    w.trade_outside += speed[:, None] * (outside - w.trade_outside)
    w.access = w.trade.sum(axis=2) + w.rerouted_abroad + w.trade_outside


def diplomatic_isolation(w: World, p: Params, ref: Reference) -> None:
    """Isolation campaigns cut the West's ties with the bloc; China's follow its alignment.

    L25 "diplomatic initiatives aimed at further isolating Pyongyang and Moscow": each
    sanctioner's ties with both members move toward (1 - isolation_effort) x their 2024 level.
    L13 "a wider coalition with Russia and North Korea": China's ties with Russia move toward
    their 2024 level + coalition_ties x (its alignment - 2024), with the DPRK toward their
    2024 level + coalition_ties x (its engagement with Pyongyang - 2024). Ties move at
    ties_adjustment a year.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels)
        kernel("diplomatic_isolation")(
            w.ties,
            *contiguous(ref.ties, w.isolation_effort, p.ties_adjustment, p.coalition_ties),
            *contiguous(w.china_alignment, w.china_engagement),
            float(ref.china_alignment),
            float(ref.china_engagement),
            _SANCTIONERS,
            CHINA,
            BLOC_RUSSIA,
            DT,
        )
        return
    speed = (DT * p.ties_adjustment)[:, None, None]
    keep = 1.0 - w.isolation_effort[:, SANCTIONER_IDX]  # (R, 4)
    west = w.ties[:, :, SANCTIONER_IDX]
    w.ties[:, :, SANCTIONER_IDX] = west + speed * (
        ref.ties[:, SANCTIONER_IDX] * keep[:, None, :] - west
    )
    shift = np.empty((w.replicates, 2))
    shift[:, BLOC_RUSSIA] = w.china_alignment - ref.china_alignment
    shift[:, BLOC_DPRK] = w.china_engagement - ref.china_engagement
    china = np.clip(ref.ties[:, CHINA] + p.coalition_ties[:, None] * shift, 0.0, 1.0)
    w.ties[:, :, CHINA] += speed[:, :, 0] * (china - w.ties[:, :, CHINA])


def sanction(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The month's sanction steps in order, each when its mechanism is on."""
    if on.sanctions:
        impose_sanctions(w, p)
    move_trade(w, p, ref, evasion_on=on.evasion)
    if on.diplomatic_isolation:
        diplomatic_isolation(w, p, ref)

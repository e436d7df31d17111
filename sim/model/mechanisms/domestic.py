"""Economy and domestic politics: output, hardship, support, leadership change."""

import numpy as np

from sim.actors import BLOC_DPRK, BLOC_IDX, BLOC_RUSSIA, DPRK, RIVAL_IDX, RUSSIA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.mechanisms.budgets import budget_ceiling
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, Settings, Switches, World, energy_shortfall

_BLOC = np.array(BLOC_IDX)
_RIVALS = np.array(RIVAL_IDX)


def grow_economies(w: World, p: Params, ref: Reference, shocks: Month) -> None:
    """Output: trend growth with shocks, minus losses from lost trade and energy (L5, L9, L24).

    Output is real, in constant 2024 US$. Potential output grows at the data file's trend (IMF WEO
    2024; Bank of Korea for the DPRK) plus, for the DPRK, power-plant and transport projects
    (L9, infrastructure x the pact's capacity x implementation, L24) and, for Russia, growth
    regained as the war ebbs (war_drag). A member's output is its potential x (1 - 2024
    trade/GDP x criticality x the share of its 2024 trade lost), and for the DPRK x the energy
    factor (L9 energy shortages; energy_elasticity), plus the part of its revenue change from
    2024 (munitions sales, cyber theft) that does not go to its military. Hardship is the output
    so lost relative to 2024, plus Russia's war strain (L22, L26).
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), exp in numpy between kernels
        growth = np.empty_like(w.potential_gdp)
        kernel("growth_exponents")(
            *contiguous(ref.gdp_trend, p.infrastructure, w.capacity, w.implementation),
            *contiguous(p.war_drag, w.war_intensity, p.gdp_noise),
            shocks.normal("gdp"),  # a strided view, read in place
            float(np.sqrt(DT)),
            DT,
            DPRK,
            RUSSIA,
            growth,
        )
        np.exp(growth, out=growth)
        hardship = np.empty_like(w.hardship)
        kernel("grow_economies")(
            growth,
            w.potential_gdp,
            w.gdp,
            hardship,
            *contiguous(w.access, ref.access, ref.dependence, p.criticality),
            *contiguous(p.energy_elasticity, w.energy_supply),
            float(ref.energy_need),
            float(ref.energy_shortfall),
            *contiguous(p.revenue_to_military, w.dprk_revenue, ref.dprk_revenue),
            *contiguous(p.war_strain, w.war_intensity),
            _BLOC,
            BLOC_DPRK,
            BLOC_RUSSIA,
        )
        w.hardship = hardship
        return
    trend = np.broadcast_to(ref.gdp_trend, w.gdp.shape).copy()
    trend[:, DPRK] += p.infrastructure[:, RUSSIA] * w.capacity * w.implementation
    trend[:, RUSSIA] += p.war_drag[:, RUSSIA] * (1.0 - w.war_intensity)
    shock = p.gdp_noise * np.sqrt(DT) * shocks.normal("gdp")
    w.potential_gdp *= np.exp(DT * trend + shock)

    lost_trade = 1.0 - w.access / ref.access
    factor = np.maximum(0.3, 1.0 - ref.dependence * p.criticality[:, BLOC_IDX] * lost_trade)
    factor[:, BLOC_DPRK] *= (1.0 - p.energy_elasticity * energy_shortfall(w, ref)) / (
        1.0 - p.energy_elasticity * ref.energy_shortfall
    )
    w.gdp[:] = w.potential_gdp
    w.gdp[:, BLOC_IDX] *= factor
    revenue = (1.0 - p.revenue_to_military[:, DPRK]) * (w.dprk_revenue - ref.dprk_revenue)
    w.gdp[:, DPRK] += revenue
    w.hardship = 1.0 - factor
    w.hardship[:, BLOC_DPRK] -= revenue / w.potential_gdp[:, DPRK]
    w.hardship[:, BLOC_RUSSIA] += p.war_strain[:, RUSSIA] * (w.war_intensity - 1.0)


def domestic_support(w: World, p: Params, ref: Reference) -> None:
    """Support at home: rally with external tension, erosion with hardship (L21, L22, L26).

    L21 "greeted with approval both in North Korea and Russia"; L22 "a banner to rally
    Russians behind Putin's leadership, especially hard-hit by Western sanctions and economic
    problems"; Mueller (1970) rally-round-the-flag. The push a year is rally x (rise of mean
    tension with rivals over 2024) - hardship_sensitivity x hardship, at 2024 support. It
    saturates: a rise closes the gap to support_ceiling exponentially (at the push's pace
    relative to 2024's gap), a fall the gap to 0, so support stays below its observed
    maximum without a clip. Support also returns toward its 2024 level at support_recovery.
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), exp in numpy between kernels
        push = np.empty_like(w.support)
        exps = np.empty_like(w.support)
        kernel("support_exponents")(
            *contiguous(w.tension, ref.rival_tension),
            _RIVALS,
            _BLOC,
            *contiguous(p.rally, p.hardship_sensitivity, w.hardship, p.support_ceiling),
            *contiguous(ref.support),
            DT,
            push,
            exps,
        )
        np.exp(exps, out=exps)
        support = np.empty_like(w.support)
        kernel("domestic_support")(
            exps,
            push,
            *contiguous(w.support, p.support_ceiling, p.support_recovery, ref.support),
            _BLOC,
            DT,
            support,
        )
        w.support = support
        return
    tension = w.tension[:, BLOC_IDX][:, :, RIVAL_IDX].mean(axis=2)
    push = p.rally[:, BLOC_IDX] * (tension - ref.rival_tension)
    push -= p.hardship_sensitivity[:, BLOC_IDX] * w.hardship
    ceiling = p.support_ceiling[:, BLOC_IDX]
    room_2024 = np.maximum(ceiling - ref.support, 1e-9)
    rise = ceiling - (ceiling - w.support) * np.exp(-DT * np.maximum(push, 0.0) / room_2024)
    fall = w.support * np.exp(DT * np.minimum(push, 0.0) / ref.support)
    recovery = DT * p.support_recovery[:, BLOC_IDX] * (ref.support - w.support)
    w.support = np.where(push > 0.0, rise, fall) + recovery


def leadership_change(w: World, p: Params, ref: Reference, shocks: Month) -> None:
    """A leadership change or instability in Pyongyang can break the commitment (L26).

    L26 "any change in leadership or any political instability could potentially impact on
    the country's commitment to the alliance". Monthly hazard = leadership_hazard x (1 + 3 x
    the relative fall of support below 2024); after a change the DPRK's commitment is
    post_change_commitment (PactMember.decide).
    """
    if w.kernels:  # the same, compiled (sim.model.kernels), expm1 in numpy between kernels
        exponent = np.empty(w.replicates)
        kernel("leadership_exponent")(
            *contiguous(w.support),
            float(ref.support[BLOC_DPRK]),
            *contiguous(p.leadership_hazard),
            BLOC_DPRK,
            DPRK,
            DT,
            exponent,
        )
        np.expm1(exponent, out=exponent)
        uniform = shocks.uniform("leadership")  # a strided view, read in place
        kernel("leadership_change")(exponent, uniform, w.leader_changed)
        return
    fall = np.maximum(
        0.0, (ref.support[BLOC_DPRK] - w.support[:, BLOC_DPRK]) / ref.support[BLOC_DPRK]
    )
    hazard = p.leadership_hazard[:, DPRK] * (1.0 + 3.0 * fall)
    happens = shocks.uniform("leadership")[:, 0] < -np.expm1(-hazard * DT)
    w.leader_changed |= happens


def domestic_politics(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The month's domestic steps in order, each when its mechanism is on; last, the
    budget ceiling against the month's GDP (budgets.budget_ceiling)."""
    if on.economy:
        grow_economies(w, p, ref, s)
    if on.domestic_politics:
        domestic_support(w, p, ref)
    if on.leadership_change:
        leadership_change(w, p, ref, s)
    if on.budget_ceiling:
        budget_ceiling(w, p)

"""Economy and domestic politics: output, hardship, support, leadership change.

Each rule is compiled (sim.model.mechanisms.compiled) and acts on one replicate `r`.
"""

import math

from sim.actors import BLOC_DPRK, BLOC_IDX, BLOC_RUSSIA, DPRK, N_ACTORS, RIVAL_IDX, RUSSIA
from sim.calendar import DT
from sim.model.mechanisms.common import at_least
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.maths import exp, expm1
from sim.model.randomness import GDP_SHOCKS, LEADERSHIP_DRAW

_BLOC = tuple(BLOC_IDX)
_RIVALS = tuple(RIVAL_IDX)
_SQRT_DT = math.sqrt(DT)


@rule
def grow_economies(r, w, p, ref, s):
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
    for i in range(N_ACTORS):
        trend = ref.gdp_trend[i]
        if i == DPRK:
            trend = trend + p.infrastructure[r, RUSSIA] * w.capacity[r] * w.implementation[r]
        elif i == RUSSIA:
            trend = trend + p.war_drag[r, RUSSIA] * (1.0 - w.war_intensity[r])
        shock = p.gdp_noise[r, i] * _SQRT_DT * s.normals[r, GDP_SHOCKS + i]
        w.potential_gdp[r, i] = w.potential_gdp[r, i] * exp(DT * trend + shock)

    factor_dprk = 0.0
    factor_russia = 0.0
    for m in range(len(_BLOC)):
        lost = 1.0 - w.access[r, m] / ref.access[m]
        factor = at_least(1.0 - ref.dependence[m] * p.criticality[r, _BLOC[m]] * lost, 0.3)
        if m == BLOC_DPRK:
            factor_dprk = factor
        else:
            factor_russia = factor
    shortfall = at_least(1.0 - w.energy_supply[r] / ref.energy_need, 0.0)
    factor_dprk = factor_dprk * (
        (1.0 - p.energy_elasticity[r] * shortfall)
        / (1.0 - p.energy_elasticity[r] * ref.energy_shortfall)
    )
    for i in range(N_ACTORS):
        w.gdp[r, i] = w.potential_gdp[r, i]
    w.gdp[r, DPRK] = w.gdp[r, DPRK] * factor_dprk
    w.gdp[r, RUSSIA] = w.gdp[r, RUSSIA] * factor_russia
    revenue = (1.0 - p.revenue_to_military[r, DPRK]) * (w.dprk_revenue[r] - ref.dprk_revenue[r])
    w.gdp[r, DPRK] = w.gdp[r, DPRK] + revenue
    w.hardship[r, BLOC_DPRK] = (1.0 - factor_dprk) - revenue / w.potential_gdp[r, DPRK]
    w.hardship[r, BLOC_RUSSIA] = (1.0 - factor_russia) + p.war_strain[r, RUSSIA] * (
        w.war_intensity[r] - 1.0
    )


@rule
def domestic_support(r, w, p, ref):
    """Support at home: rally with external tension, erosion with hardship (L21, L22, L26).

    L21 "greeted with approval both in North Korea and Russia"; L22 "a banner to rally
    Russians behind Putin's leadership, especially hard-hit by Western sanctions and economic
    problems"; Mueller (1970) rally-round-the-flag. The push a year is rally x (rise of mean
    tension with rivals over 2024) - hardship_sensitivity x hardship, at 2024 support. It
    saturates: a rise closes the gap to support_ceiling exponentially (at the push's pace
    relative to 2024's gap), a fall the gap to 0, so support stays below its observed
    maximum without a clip. Support also returns toward its 2024 level at support_recovery.
    """
    for m in range(len(_BLOC)):
        actor = _BLOC[m]
        total = 0.0
        for rival in _RIVALS:
            total = total + w.tension[r, actor, rival]
        mean = total / len(_RIVALS)
        push = p.rally[r, actor] * (mean - ref.rival_tension[m])
        push = push - p.hardship_sensitivity[r, actor] * w.hardship[r, m]
        ceiling = p.support_ceiling[r, actor]
        support = w.support[r, m]
        if push > 0.0:  # np.where(push > 0, rise, fall): only the branch kept is computed
            room_2024 = ceiling - ref.support[m]
            room_2024 = 1e-9 if room_2024 <= 1e-9 else room_2024  # np.maximum(x, 1e-9)
            moved = ceiling - (ceiling - support) * exp(-DT * push / room_2024)
        else:
            fall = 0.0 if push >= 0.0 else push  # np.minimum(push, 0), NaN kept
            moved = support * exp(DT * fall / ref.support[m])
        recovery = DT * p.support_recovery[r, actor] * (ref.support[m] - support)
        w.support[r, m] = moved + recovery


@rule
def leadership_change(r, w, p, ref, s, month):
    """A leadership change or instability in Pyongyang can break the commitment (L26).

    L26 "any change in leadership or any political instability could potentially impact on
    the country's commitment to the alliance". Monthly hazard = leadership_hazard x (1 + 3 x
    the relative fall of support below 2024) after the scenario's present (`present:`, the
    last observed month; from the start without one): no change was observed up to it, and a
    permanent switch the record rules out would leave every future that drew one a future
    from another present (issue 17). Events still force one at any date. After a change the
    DPRK's commitment is post_change_commitment (PactMember.decide).
    """
    if month <= ref.present:
        return
    support_2024 = ref.support[BLOC_DPRK]
    fall = at_least((support_2024 - w.support[r, BLOC_DPRK]) / support_2024, 0.0)
    hazard = p.leadership_hazard[r, DPRK] * (1.0 + 3.0 * fall)
    happens = s.uniforms[r, LEADERSHIP_DRAW] < -expm1(-hazard * DT)
    w.leader_changed[r] = w.leader_changed[r] or happens


@rule
def domestic_politics_replicate(r, w, p, ref, s, on, month, settings):
    """Replicate r's domestic steps in order, each when its mechanism is on (the budget
    ceiling, budgets.budget_ceiling, still runs after them for all replicates)."""
    if on.economy:
        grow_economies(r, w, p, ref, s)
    if on.domestic_politics:
        domestic_support(r, w, p, ref)
    if on.leadership_change:
        leadership_change(r, w, p, ref, s, month)

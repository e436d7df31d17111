"""Kernels of sanctions and trade (sim.model.mechanisms.sanctions) and of the economy and
domestic politics (sim.model.mechanisms.domestic).

Where a mechanism needs exp or expm1, a first kernel writes their arguments to a buffer, the
mechanism evaluates them there with numpy, and a second kernel finishes the month.
np.maximum(a, b) and np.minimum(a, b) return b on a tie and keep NaN from either side; the
comparisons below are written to do the same.
"""

import numpy as np


def _impose_sanctions(
    sanctions: np.ndarray,  # (R, 4, 2), updated in place
    target: np.ndarray,  # (R, 4, 2)
    sanction_speed: np.ndarray,  # (R, N)
    sanction_tension: np.ndarray,  # (R,)
    tension: np.ndarray,  # (R, N, N), updated in place
    sanctioners: np.ndarray,  # (4,) actor indices
    bloc: np.ndarray,  # (2,) actor indices
    dt: float,
) -> None:
    """impose_sanctions: the step toward the target, then add_tension of each sanctioner's
    tightening with both members, sanctioner by sanctioner."""
    n_rep = sanctions.shape[0]
    for r in range(n_rep):
        for k in range(sanctioners.shape[0]):
            s = sanctioners[k]
            speed = dt * sanction_speed[r, s]
            for m in range(bloc.shape[0]):
                step = speed * (target[r, k, m] - sanctions[r, k, m])
                sanctions[r, k, m] = sanctions[r, k, m] + step
                tighten = 0.0 if step < 0.0 else step
                push = sanction_tension[r] * tighten
                other = bloc[m]
                value = tension[r, s, other] + push
                value = 0.0 if value < 0.0 else value
                value = 1.0 if value > 1.0 else value
                tension[r, s, other] = value
                tension[r, other, s] = value


def _trade_exponents(
    sanctions: np.ndarray,  # (R, 4, 2)
    sanctions_2024: np.ndarray,  # (4, 2)
    sanction_bite: np.ndarray,  # (R,)
    secondary_bite: np.ndarray,  # (R,)
    usa: int,  # the US row of the sanctions
    out: np.ndarray,  # (R, 10): [:, :8] the direct trade's (R, 4, 2), [:, 8:] outside's
) -> None:
    """move_trade's exp arguments: -bite x rise of sanctions, -secondary_bite x max(0, rise
    of US sanctions)."""
    n_rep, n_s, n_m = sanctions.shape
    for r in range(n_rep):
        bite = -sanction_bite[r]
        secondary = -secondary_bite[r]
        for k in range(n_s):
            for m in range(n_m):
                out[r, k * n_m + m] = bite * (sanctions[r, k, m] - sanctions_2024[k, m])
        for m in range(n_m):
            rise = sanctions[r, usa, m] - sanctions_2024[usa, m]
            rise = 0.0 if rise < 0.0 else rise
            out[r, n_s * n_m + m] = secondary * rise


def _move_trade(
    exps: np.ndarray,  # (R, 10): exp of _trade_exponents' out
    trade_2024: np.ndarray,  # (2, N)
    outside_2024: np.ndarray,  # (2,)
    evasion: np.ndarray,  # (R, N)
    evasion_on: bool,
    evasion_tolerance: np.ndarray,  # (R, N)
    third_country_channel: np.ndarray,  # (R,)
    coalition_trade: np.ndarray,  # (R,)
    trade_adjustment: np.ndarray,  # (R,)
    china_alignment: np.ndarray,  # (R,)
    china_engagement: np.ndarray,  # (R,)
    trade_expansion: np.ndarray,  # (R,)
    alignment_2024: float,
    engagement_2024: float,
    trade: np.ndarray,  # (R, 2, N), updated in place
    rerouted_abroad: np.ndarray,  # (R, 2), updated in place
    trade_outside: np.ndarray,  # (R, 2), updated in place
    access: np.ndarray,  # (R, 2), written
    sanctioners: np.ndarray,  # (4,) actor indices
    bloc: np.ndarray,  # (2,) actor indices
    china: int,
    bloc_russia: int,
    dt: float,
) -> None:
    """move_trade after its exponentials: direct trade, the rerouted share of the loss, the
    members' trade outside the model, China's trade, the pact's trade, then the moves at
    trade_adjustment and the access sums."""
    n_rep, n_m, n = trade.shape
    n_s = sanctioners.shape[0]
    target = np.empty(n)
    dprk = bloc[0]
    russia = bloc[1]
    for r in range(n_rep):
        channel = evasion_tolerance[r, china] * china_alignment[r] / alignment_2024
        channel = 1.0 if channel > 1.0 else channel  # np.minimum(1, x)
        third = third_country_channel[r]
        rest = 1.0 - channel
        third = third if (third < rest or third != third) else rest  # np.minimum(a, b)
        speed = dt * trade_adjustment[r]
        intra = trade_2024[1 - bloc_russia, russia] * trade_expansion[r]
        for m in range(n_m):
            lost = 0.0
            for k in range(n_s):
                west = trade_2024[m, sanctioners[k]]
                direct = west * exps[r, k * n_m + m]
                target[sanctioners[k]] = direct
                gap = west - direct
                gap = 0.0 if gap < 0.0 else gap
                lost = lost + gap
            share = evasion[r, bloc[m]] if evasion_on else 0.0
            via_china = lost * share * channel
            via_abroad = lost * share * third
            outside = outside_2024[m] * exps[r, n_s * n_m + m]
            if m == bloc_russia:
                shift = china_alignment[r] - alignment_2024
            else:
                shift = china_engagement[r] - engagement_2024
            shift = 1.0 + coalition_trade[r] * shift
            shift = 0.0 if shift < 0.0 else shift
            target[china] = trade_2024[m, china] * shift + via_china
            target[dprk] = 0.0 if m != bloc_russia else intra
            target[russia] = intra if m != bloc_russia else 0.0
            total = 0.0
            for j in range(n):
                value = trade[r, m, j] + speed * (target[j] - trade[r, m, j])
                trade[r, m, j] = value
                total = total + value
            rerouted_abroad[r, m] = rerouted_abroad[r, m] + speed * (
                via_abroad - rerouted_abroad[r, m]
            )
            trade_outside[r, m] = trade_outside[r, m] + speed * (outside - trade_outside[r, m])
            access[r, m] = total + rerouted_abroad[r, m] + trade_outside[r, m]


def _diplomatic_isolation(
    ties: np.ndarray,  # (R, 2, N), updated in place
    ties_2024: np.ndarray,  # (2, N)
    isolation_effort: np.ndarray,  # (R, N)
    ties_adjustment: np.ndarray,  # (R,)
    coalition_ties: np.ndarray,  # (R,)
    china_alignment: np.ndarray,  # (R,)
    china_engagement: np.ndarray,  # (R,)
    alignment_2024: float,
    engagement_2024: float,
    sanctioners: np.ndarray,  # (4,) actor indices
    china: int,
    bloc_russia: int,
    dt: float,
) -> None:
    """diplomatic_isolation: the West's ties toward (1 - isolation effort) x 2024, China's
    toward 2024 + coalition_ties x its shift, clipped to [0, 1]."""
    n_rep, n_m, _ = ties.shape
    for r in range(n_rep):
        speed = dt * ties_adjustment[r]
        for m in range(n_m):
            for k in range(sanctioners.shape[0]):
                s = sanctioners[k]
                keep = 1.0 - isolation_effort[r, s]
                west = ties[r, m, s]
                ties[r, m, s] = west + speed * (ties_2024[m, s] * keep - west)
            if m == bloc_russia:
                shift = china_alignment[r] - alignment_2024
            else:
                shift = china_engagement[r] - engagement_2024
            value = ties_2024[m, china] + coalition_ties[r] * shift
            value = 0.0 if value < 0.0 else value
            value = 1.0 if value > 1.0 else value
            ties[r, m, china] = ties[r, m, china] + speed * (value - ties[r, m, china])


def _growth_exponents(
    gdp_trend: np.ndarray,  # (N,)
    infrastructure: np.ndarray,  # (R, N)
    capacity: np.ndarray,  # (R,)
    implementation: np.ndarray,  # (R,)
    war_drag: np.ndarray,  # (R, N)
    war_intensity: np.ndarray,  # (R,)
    gdp_noise: np.ndarray,  # (R, N)
    normal: np.ndarray,  # (R, N) the month's gdp shocks (a strided view)
    sqrt_dt: float,
    dt: float,
    dprk: int,
    russia: int,
    out: np.ndarray,  # (R, N)
) -> None:
    """grow_economies' exp argument: DT x trend + shock."""
    n_rep, n = out.shape
    for r in range(n_rep):
        for i in range(n):  # the trend's two additions are redone below, out of this loop
            out[r, i] = dt * gdp_trend[i] + gdp_noise[r, i] * sqrt_dt * normal[r, i]
        trend = gdp_trend[dprk] + infrastructure[r, russia] * capacity[r] * implementation[r]
        out[r, dprk] = dt * trend + gdp_noise[r, dprk] * sqrt_dt * normal[r, dprk]
        trend = gdp_trend[russia] + war_drag[r, russia] * (1.0 - war_intensity[r])
        out[r, russia] = dt * trend + gdp_noise[r, russia] * sqrt_dt * normal[r, russia]


def _grow_economies(
    growth: np.ndarray,  # (R, N): exp of _growth_exponents' out
    potential_gdp: np.ndarray,  # (R, N), updated in place
    gdp: np.ndarray,  # (R, N), written
    hardship: np.ndarray,  # (R, 2), written
    access: np.ndarray,  # (R, 2)
    access_2024: np.ndarray,  # (2,)
    dependence: np.ndarray,  # (2,)
    criticality: np.ndarray,  # (R, N)
    energy_elasticity: np.ndarray,  # (R,)
    energy_supply: np.ndarray,  # (R,)
    energy_need: float,
    shortfall_2024: float,
    revenue_to_military: np.ndarray,  # (R, N)
    dprk_revenue: np.ndarray,  # (R,)
    revenue_2024: np.ndarray,  # (R,)
    war_strain: np.ndarray,  # (R, N)
    war_intensity: np.ndarray,  # (R,)
    bloc: np.ndarray,  # (2,) actor indices
    bloc_dprk: int,
    bloc_russia: int,
) -> None:
    """grow_economies after its exponential: potential output, the trade and energy factors,
    output, hardship."""
    n_rep, n = gdp.shape
    dprk = bloc[bloc_dprk]
    russia = bloc[bloc_russia]
    factor = np.empty(bloc.shape[0])
    for r in range(n_rep):
        for i in range(n):
            potential_gdp[r, i] = potential_gdp[r, i] * growth[r, i]
        for m in range(bloc.shape[0]):
            lost = 1.0 - access[r, m] / access_2024[m]
            f = 1.0 - dependence[m] * criticality[r, bloc[m]] * lost
            factor[m] = 0.3 if f < 0.3 else f  # np.maximum(0.3, x)
        shortfall = 1.0 - energy_supply[r] / energy_need
        shortfall = 0.0 if shortfall < 0.0 else shortfall
        energy = (1.0 - energy_elasticity[r] * shortfall) / (
            1.0 - energy_elasticity[r] * shortfall_2024
        )
        factor[bloc_dprk] = factor[bloc_dprk] * energy
        for i in range(n):
            gdp[r, i] = potential_gdp[r, i]
        for m in range(bloc.shape[0]):
            gdp[r, bloc[m]] = gdp[r, bloc[m]] * factor[m]
        revenue = (1.0 - revenue_to_military[r, dprk]) * (dprk_revenue[r] - revenue_2024[r])
        gdp[r, dprk] = gdp[r, dprk] + revenue
        for m in range(bloc.shape[0]):
            hardship[r, m] = 1.0 - factor[m]
        hardship[r, bloc_dprk] = hardship[r, bloc_dprk] - revenue / potential_gdp[r, dprk]
        hardship[r, bloc_russia] = hardship[r, bloc_russia] + war_strain[r, russia] * (
            war_intensity[r] - 1.0
        )


def _support_exponents(
    tension: np.ndarray,  # (R, N, N)
    rival_tension_2024: np.ndarray,  # (2,)
    rivals: np.ndarray,  # (4,) actor indices
    bloc: np.ndarray,  # (2,) actor indices
    rally: np.ndarray,  # (R, N)
    hardship_sensitivity: np.ndarray,  # (R, N)
    hardship: np.ndarray,  # (R, 2)
    support_ceiling: np.ndarray,  # (R, N)
    support_2024: np.ndarray,  # (2,)
    dt: float,
    push: np.ndarray,  # (R, 2), written
    out: np.ndarray,  # (R, 2) the exp argument of the rise where push > 0, else the fall's
) -> None:
    """domestic_support's push and the exp argument of the branch np.where keeps (the other
    branch's value never reaches the state, so its exp is not taken)."""
    n_rep = push.shape[0]
    n_m = bloc.shape[0]
    pick = np.empty(2)
    for r in range(n_rep):
        for m in range(n_m):
            a = bloc[m]
            total = 0.0
            for k in range(rivals.shape[0]):
                total = total + tension[r, a, rivals[k]]
            mean = total / rivals.shape[0]
            value = rally[r, a] * (mean - rival_tension_2024[m])
            value = value - hardship_sensitivity[r, a] * hardship[r, m]
            push[r, m] = value
            room = support_ceiling[r, a] - support_2024[m]
            room = 1e-9 if room <= 1e-9 else room  # np.maximum(x, 1e-9)
            up = 0.0 if value <= 0.0 else value  # np.maximum(push, 0)
            down = 0.0 if value >= 0.0 else value  # np.minimum(push, 0)
            pick[0] = dt * down / support_2024[m]  # the fall
            pick[1] = -dt * up / room  # the rise
            out[r, m] = pick[1 if value > 0.0 else 0]  # no branch for the sign to mispredict


def _domestic_support(
    exps: np.ndarray,  # (R, 2): exp of _support_exponents' out
    push: np.ndarray,  # (R, 2)
    support: np.ndarray,  # (R, 2)
    support_ceiling: np.ndarray,  # (R, N)
    support_recovery: np.ndarray,  # (R, N)
    support_2024: np.ndarray,  # (2,)
    bloc: np.ndarray,  # (2,) actor indices
    dt: float,
    out: np.ndarray,  # (R, 2): the new support
) -> None:
    """domestic_support after its exponentials: the saturating rise or fall, plus recovery."""
    n_rep = push.shape[0]
    n_m = bloc.shape[0]
    for r in range(n_rep):
        for m in range(n_m):
            a = bloc[m]
            ceiling = support_ceiling[r, a]
            if push[r, m] > 0.0:
                moved = ceiling - (ceiling - support[r, m]) * exps[r, m]
            else:
                moved = support[r, m] * exps[r, m]
            recovery = dt * support_recovery[r, a] * (support_2024[m] - support[r, m])
            out[r, m] = moved + recovery


def _leadership_exponent(
    support: np.ndarray,  # (R, 2)
    support_2024: float,  # the DPRK's
    leadership_hazard: np.ndarray,  # (R, N)
    bloc_dprk: int,
    dprk: int,
    dt: float,
    out: np.ndarray,  # (R,)
) -> None:
    """leadership_change's expm1 argument: -hazard x DT."""
    for r in range(out.shape[0]):
        fall = (support_2024 - support[r, bloc_dprk]) / support_2024
        fall = 0.0 if fall < 0.0 else fall
        hazard = leadership_hazard[r, dprk] * (1.0 + 3.0 * fall)
        out[r] = -hazard * dt


def _leadership_change(
    expm1: np.ndarray,  # (R,): expm1 of _leadership_exponent's out
    uniform: np.ndarray,  # (R, k) the month's leadership draws, column 0 used (a view)
    changed: np.ndarray,  # (R,) bool, updated in place
) -> None:
    """leadership_change after its expm1: the draw against the month's probability."""
    for r in range(changed.shape[0]):
        changed[r] = changed[r] | (uniform[r, 0] < -expm1[r])


PYTHON_KERNELS = {
    "impose_sanctions": _impose_sanctions,
    "trade_exponents": _trade_exponents,
    "move_trade": _move_trade,
    "diplomatic_isolation": _diplomatic_isolation,
    "growth_exponents": _growth_exponents,
    "grow_economies": _grow_economies,
    "support_exponents": _support_exponents,
    "domestic_support": _domestic_support,
    "leadership_exponent": _leadership_exponent,
    "leadership_change": _leadership_change,
}

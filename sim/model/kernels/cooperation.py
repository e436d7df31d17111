"""Kernels of the pact's cooperation (sim.model.mechanisms.cooperation) and of the
responses to the pact (sim.model.mechanisms.responses).

One kernel per group of mechanisms that run one after the other in the month, each
mechanism behind a flag: pact_capacity (pact_cooperation, pact_implementation),
choose_engagement, respond (us_dprk_talks, talks_effects, russia_presence,
eu_security_response) and cooperate (technology_transfer ... china_dialogue). Every step is
elementwise per replicate, so running all of a replicate's mechanisms before the next
replicate's gives the bits of running each mechanism over all replicates in turn. A
mechanism called on its own runs its group's kernel with only its own flag set.

Parameters come whole, (R, N) or (R,), and the kernels index the actor's column. World
arrays are written in place, also those the numpy path replaces with a new array (no other
object holds them); `writable` makes sure each can be.
"""

import numpy as np

from sim.calendar import DT


def writable(w, *names: str) -> list[np.ndarray]:
    """The world's arrays by name, each C-contiguous and writable so a kernel can write into
    it: a C-contiguous copy replaces, in the World, any that is not."""
    out = []
    for name in names:
        array = getattr(w, name)
        if not (array.flags.c_contiguous and array.flags.writeable):
            array = np.array(array, order="C")
            setattr(w, name, array)
        out.append(array)
    return out


def _pact_capacity(
    cooperate: bool,
    implement: bool,
    hardship: np.ndarray,  # (R, 2)
    commitment: np.ndarray,  # (R, 2)
    strain_limit: np.ndarray,  # (R,)
    ref_cooperation: float,
    cooperation: np.ndarray,  # (R,), written
    capacity: np.ndarray,  # (R,), written
    sanctions: np.ndarray,  # (R, 4, 2)
    ref_sanctions: np.ndarray,  # (4, 2)
    logistics_drag: np.ndarray,  # (R,)
    implementation_lag: np.ndarray,  # (R,)
    implementation: np.ndarray,  # (R,), updated
) -> None:
    """pact_cooperation, then pact_implementation, as flagged."""
    n_rep = capacity.shape[0]
    n_sanctioners, n_members = ref_sanctions.shape
    n_cells = n_sanctioners * n_members
    rise_terms = np.empty(n_cells)
    for r in range(n_rep):
        if cooperate:
            h0 = hardship[r, 0]
            h1 = hardship[r, 1]
            h0 = 0.0 if h0 < 0.0 else h0
            h1 = 0.0 if h1 < 0.0 else h1
            strain = 1.0 - strain_limit[r] * ((h0 + h1) / 2.0)
            strain = 0.0 if strain < 0.0 else strain
            strain = 1.0 if strain > 1.0 else strain
            c0 = commitment[r, 0]
            c1 = commitment[r, 1]
            weaker = c0 if (c0 < c1 or c0 != c0) else c1  # np.minimum, NaN kept
            cooperation[r] = weaker * strain
            capacity[r] = cooperation[r] / ref_cooperation
        if implement:
            if n_sanctioners == 4 and n_members == 2:  # numpy's pairwise sum of 8, unrolled
                t0 = sanctions[r, 0, 0] - ref_sanctions[0, 0]
                t1 = sanctions[r, 0, 1] - ref_sanctions[0, 1]
                t2 = sanctions[r, 1, 0] - ref_sanctions[1, 0]
                t3 = sanctions[r, 1, 1] - ref_sanctions[1, 1]
                t4 = sanctions[r, 2, 0] - ref_sanctions[2, 0]
                t5 = sanctions[r, 2, 1] - ref_sanctions[2, 1]
                t6 = sanctions[r, 3, 0] - ref_sanctions[3, 0]
                t7 = sanctions[r, 3, 1] - ref_sanctions[3, 1]
                total = 0.0 + (((t0 + t1) + (t2 + t3)) + ((t4 + t5) + (t6 + t7)))
            else:
                d = 0
                for s in range(n_sanctioners):
                    for m in range(n_members):
                        rise_terms[d] = sanctions[r, s, m] - ref_sanctions[s, m]
                        d += 1
                total = _sum(rise_terms)
            rise = total / n_cells
            rise = 0.0 if rise < 0.0 else rise
            room = 1.0 - logistics_drag[r] * rise
            room = 0.0 if room < 0.0 else room
            room = 1.0 if room > 1.0 else room
            cap = capacity[r]
            cap = 1.0 if cap > 1.0 else cap
            lag = implementation_lag[r]
            lag = 1e-9 if lag < 1e-9 else lag
            rate = room * cap / lag
            value = implementation[r] + DT * rate * (1.0 - implementation[r])
            value = 0.0 if value < 0.0 else value
            implementation[r] = 1.0 if value > 1.0 else value


def _sum(values: np.ndarray) -> float:
    """np.sum of a short row: left to right below 8 elements, else numpy's pairwise sum
    (eight interleaved partial sums, then the rest one by one)."""
    n = values.shape[0]
    if n < 8:
        total = 0.0
        for i in range(n):
            total = total + values[i]  # from +0.0, as numpy (-0.0 rows sum to +0.0)
        return total
    a0, a1, a2, a3 = values[0], values[1], values[2], values[3]
    a4, a5, a6, a7 = values[4], values[5], values[6], values[7]
    i = 8
    while i < n - n % 8:
        a0, a1, a2, a3 = a0 + values[i], a1 + values[i + 1], a2 + values[i + 2], a3 + values[i + 3]
        a4, a5, a6, a7 = (
            a4 + values[i + 4],
            a5 + values[i + 5],
            a6 + values[i + 6],
            a7 + values[i + 7],
        )
        i += 8
    total = 0.0 + (((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)))  # numpy starts at +0.0
    while i < n:
        total = total + values[i]
        i += 1
    return total


def _choose_engagement(
    us_engagement: np.ndarray,  # (R,)
    engagement_speed: np.ndarray,  # (R, N)
    talks_engagement: np.ndarray,  # (R, N)
    provocation_aversion: np.ndarray,  # (R, N)
    ally_alarm: np.ndarray,  # (R, N)
    pact_hardening: np.ndarray,  # (R, N)
    provocation_rate: np.ndarray,  # (R,)
    ref_provocation_rate: float,
    tension: np.ndarray,  # (R, N, N)
    ref_allies: float,  # 2024 mean tension of the DPRK with South Korea and Japan
    capacity: np.ndarray,  # (R,)
    usa: int,
    dprk: int,
    rok: int,
    japan: int,
    out: np.ndarray,  # (R,), written
) -> None:
    """choose_engagement with us_engagement_target."""
    for r in range(out.shape[0]):
        provocations = provocation_rate[r] - ref_provocation_rate
        allies = (tension[r, dprk, rok] + tension[r, dprk, japan]) / 2.0 - ref_allies
        target = (
            talks_engagement[r, usa]
            - provocation_aversion[r, usa] * provocations
            - ally_alarm[r, usa] * allies
            - pact_hardening[r, usa] * (capacity[r] - 1.0)
        )
        target = 0.0 if target < 0.0 else target
        target = 1.0 if target > 1.0 else target
        speed = DT * engagement_speed[r, usa]
        out[r] = us_engagement[r] + speed * (target - us_engagement[r])


def _respond(
    talks: bool,
    effects: bool,
    presence: bool,
    eu_response: bool,
    tension: np.ndarray,  # (R, N, N), updated
    peninsula: np.ndarray,  # (3,) actor indices
    dprk: int,
    # us_dprk_talks
    talks_progress: np.ndarray,  # (R,), updated
    talks_speed: np.ndarray,  # (R,)
    us_engagement: np.ndarray,  # (R,)
    pact_leverage: np.ndarray,  # (R,)
    capacity: np.ndarray,  # (R,)
    war_intensity: np.ndarray,  # (R,)
    talks_decay: np.ndarray,  # (R,)
    setback: np.ndarray,  # (R,) (1 - dialogue_setback) ** provocations, from numpy
    # talks_effects
    ref_talks: float,
    talks_moratorium: np.ndarray,  # (R,)
    provocation_rate: np.ndarray,  # (R,), updated
    sanction_target: np.ndarray,  # (R, 4, 2), updated
    us_row: int,
    bloc_dprk: int,
    talks_relief: np.ndarray,  # (R,)
    us_buildup: np.ndarray,  # (R,), updated
    talks_restraint: np.ndarray,  # (R,)
    # russia_presence
    russia: int,
    pacific_presence: np.ndarray,  # (R, N)
    presence_war: np.ndarray,  # (R,)
    presence_speed: np.ndarray,  # (R,)
    russia_presence: np.ndarray,  # (R,), updated
    presence_tension: np.ndarray,  # (R,)
    presence_others: np.ndarray,  # actor indices: USA, South Korea, Japan
    # eu_security_response
    eu: int,
    ukraine_support: np.ndarray,  # (R, N)
    security_response: np.ndarray,  # (R, N)
    ref_eu_russia: float,  # 2024 EU-Russia tension
    budget_adjustment: np.ndarray,  # (R,)
    eu_support: np.ndarray,  # (R,), updated
    ref_eu_support: float,
    support_demand: np.ndarray,  # (R,)
    war_demand: np.ndarray,  # (R,), written
    support_tension: np.ndarray,  # (R,)
) -> None:
    """us_dprk_talks (with dprk_willingness), talks_effects, russia_presence and
    eu_security_response (with their add_tension), as flagged."""
    for r in range(talks_progress.shape[0]):
        if talks:
            total = 0.0
            for k in range(peninsula.shape[0]):
                t = tension[r, dprk, peninsula[k]]
                total = total + t
            room = (1.0 - talks_progress[r]) * (1.0 - total / peninsula.shape[0])
            willingness = 1.0 - pact_leverage[r] * capacity[r] * war_intensity[r]
            willingness = 0.0 if willingness < 0.0 else willingness
            willingness = 1.0 if willingness > 1.0 else willingness
            growth = talks_speed[r] * us_engagement[r] * willingness * room
            value = talks_progress[r] + DT * (growth - talks_decay[r] * talks_progress[r])
            value = value * setback[r]
            value = 0.0 if value < 0.0 else value
            talks_progress[r] = 1.0 if value > 1.0 else value
        if effects:
            progress = talks_progress[r] - ref_talks
            rate = provocation_rate[r] * (1.0 - talks_moratorium[r] * progress)
            provocation_rate[r] = 0.0 if rate < 0.0 else rate
            target = sanction_target[r, us_row, bloc_dprk] - talks_relief[r] * progress
            target = 0.0 if target < 0.0 else target
            sanction_target[r, us_row, bloc_dprk] = 1.0 if target > 1.0 else target
            level = us_buildup[r] - talks_restraint[r] * progress
            level = 0.0 if level < 0.0 else level
            us_buildup[r] = 1.0 if level > 1.0 else level
        if presence:
            target = pacific_presence[r, russia] + presence_war[r] * (1.0 - war_intensity[r])
            target = 0.0 if target < 0.0 else target
            russia_presence[r] = russia_presence[r] + DT * presence_speed[r] * (
                target - russia_presence[r]
            )
            push = DT * presence_tension[r] * (russia_presence[r] - 1.0)
            for k in range(presence_others.shape[0]):  # add_tension
                other = presence_others[k]
                value = tension[r, russia, other] + push
                value = 0.0 if value < 0.0 else value
                value = 1.0 if value > 1.0 else value
                tension[r, russia, other] = value
                tension[r, other, russia] = value
        if eu_response:
            rise = tension[r, eu, russia] - ref_eu_russia
            factor = 1.0 + security_response[r, eu] * rise
            factor = 0.0 if factor < 0.0 else factor
            target = ukraine_support[r, eu] * factor
            eu_support[r] = eu_support[r] + DT * budget_adjustment[r] * (target - eu_support[r])
            relative = eu_support[r] / ref_eu_support if ref_eu_support > 0 else 1.0
            demand = 1.0 + support_demand[r] * (relative - 1.0)
            war_demand[r] = 0.0 if demand < 0.0 else demand
            push = DT * support_tension[r] * (relative - 1.0)
            value = tension[r, eu, russia] + push  # add_tension
            value = 0.0 if value < 0.0 else value
            value = 1.0 if value > 1.0 else value
            tension[r, eu, russia] = value
            tension[r, russia, eu] = value


def _cooperate(
    technology: bool,
    cyber_on: bool,
    munitions_on: bool,
    revenue: bool,
    energy: bool,
    trade: bool,
    dialogue: bool,
    dprk: int,
    russia: int,
    bloc_dprk: int,
    bloc_russia: int,
    capacity: np.ndarray,  # (R,)
    implementation: np.ndarray,  # (R,)
    transfer_draw: np.ndarray,  # (R, 2)
    # technology_transfer
    tech: np.ndarray,  # (R, 2), updated
    tech_transfer: np.ndarray,  # (R, N)
    combat_learning: np.ndarray,  # (R, N)
    troops: np.ndarray,  # (R,), updated
    # cyber_sharing
    cyber: np.ndarray,  # (R, 2), updated
    cyber_sharing: np.ndarray,  # (R, N)
    # munitions_for_war
    war_intensity: np.ndarray,  # (R,)
    war_demand: np.ndarray,  # (R,)
    munitions_param: np.ndarray,  # (R, N)
    munitions_capacity: np.ndarray,  # (R, N)
    munitions: np.ndarray,  # (R,), written
    munitions_stock: np.ndarray,  # (R,), updated
    troop_losses: np.ndarray,  # (R, N)
    troops_param: np.ndarray,  # (R, N)
    deployment_speed: np.ndarray,  # (R, N)
    troop_deaths: np.ndarray,  # (R,), updated
    # dprk_revenue
    cyber_gain: bool,
    ref_cyber: float,  # the DPRK's 2024 cyber capability
    munitions_price: np.ndarray,  # (R, N)
    cyber_revenue: np.ndarray,  # (R, N)
    dprk_revenue: np.ndarray,  # (R,), written
    # energy_aid
    energy_non_russian: float,
    energy_aid: np.ndarray,  # (R, N)
    energy_supply: np.ndarray,  # (R,), written
    # trade_expansion
    trade_expansion_param: np.ndarray,  # (R, N)
    trade_expansion: np.ndarray,  # (R,), updated
    # china_dialogue
    tension: np.ndarray,  # (R, N, N)
    peninsula: np.ndarray,  # (3,) actor indices
    dialogue_progress: np.ndarray,  # (R,), updated
    dialogue_speed: np.ndarray,  # (R,)
    dialogue_effort: np.ndarray,  # (R,)
) -> None:
    """technology_transfer, cyber_sharing, munitions_for_war, dprk_revenue, energy_aid,
    trade_expansion and china_dialogue, as flagged."""
    for r in range(capacity.shape[0]):
        if technology:
            gap = tech[r, bloc_russia] - tech[r, bloc_dprk]
            gap = 0.0 if gap < 0.0 else gap
            transfer = tech_transfer[r, russia] * capacity[r] * implementation[r]
            transfer = transfer * (transfer_draw[r, 0] * gap)
            learning = combat_learning[r, dprk] * (troops[r] / 1e4) * (1.0 - tech[r, bloc_dprk])
            tech[r, bloc_dprk] = tech[r, bloc_dprk] + DT * (transfer + learning)
        if cyber_on:
            rate = cyber_sharing[r, dprk] * capacity[r] * cyber[r, bloc_dprk]
            cyber[r, bloc_russia] = cyber[r, bloc_russia] + DT * rate * (
                1.0 - cyber[r, bloc_russia]
            )
        if munitions_on:
            demand = war_intensity[r] * war_demand[r] * capacity[r]
            wanted = munitions_param[r, dprk] * demand * transfer_draw[r, 1]
            produced = munitions_capacity[r, dprk]
            if munitions_stock[r] > 0.0:
                delivered = wanted
            else:  # np.minimum, NaN kept
                delivered = wanted if (wanted < produced or wanted != wanted) else produced
            munitions[r] = delivered
            stock = munitions_stock[r] + DT * (produced - delivered)
            munitions_stock[r] = 0.0 if stock < 0.0 else stock
            deaths = DT * troop_losses[r, dprk] * troops[r]
            target = troops_param[r, dprk] * demand
            deployed = troops[r] + (DT * deployment_speed[r, dprk] * (target - troops[r]) - deaths)
            troops[r] = 0.0 if deployed < 0.0 else deployed
            troop_deaths[r] = troop_deaths[r] + deaths
        if revenue:
            gain = cyber[r, bloc_dprk] / ref_cyber if cyber_gain else 1.0
            dprk_revenue[r] = (
                munitions_price[r, dprk] * munitions[r] + cyber_revenue[r, dprk] * gain
            )
        if energy:
            energy_supply[r] = energy_non_russian + energy_aid[r, russia] * capacity[r]
        if trade:
            growth = DT * trade_expansion_param[r, russia] * capacity[r] * implementation[r]
            trade_expansion[r] = trade_expansion[r] * (1.0 + growth)
        if dialogue:
            total = 0.0
            for k in range(peninsula.shape[0]):
                t = tension[r, dprk, peninsula[k]]
                total = total + t
            room = (1.0 - dialogue_progress[r]) * (1.0 - total / peninsula.shape[0])
            value = dialogue_progress[r] + DT * dialogue_speed[r] * dialogue_effort[r] * room
            value = 0.0 if value < 0.0 else value
            dialogue_progress[r] = 1.0 if value > 1.0 else value


HELPERS = ("_sum",)

PYTHON_KERNELS = {
    "pact_capacity": _pact_capacity,
    "choose_engagement": _choose_engagement,
    "respond": _respond,
    "cooperate": _cooperate,
}

"""Cooperation: the pact's capacity, transfers both ways, payment, energy aid, trade, China's
dialogue."""

import numpy as np

from sim.actors import BLOC_DPRK, BLOC_RUSSIA, DPRK, PENINSULA_IDX, RUSSIA
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.kernels.cooperation import writable
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, Settings, Switches, World


def pact_cooperation(w: World, p: Params, ref: Reference) -> None:
    """How much of its full capacity the pact delivers this month, a share 0-1 (L24).

    L24 "extremely harsh economic sanctions ... likely to constrain the extent of their
    cooperation and its effectiveness": cooperation = the weaker member's effective
    commitment (PactMember.decide, L26) x (1 - strain_limit x the members' mean hardship
    above 2024). Hardship below 2024 (a ceasefire's relief) does not strengthen the pact
    beyond its members' commitment. Transfers scale with `capacity`, cooperation relative to
    2024.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        pact_kernel(w, p, ref, cooperate=True, implement=False)
        return
    strain = np.clip(1.0 - p.strain_limit * np.maximum(0.0, w.hardship).mean(axis=1), 0.0, 1.0)
    w.cooperation = w.commitment.min(axis=1) * strain
    w.capacity = w.cooperation / ref.cooperation


def technology_transfer(w: World, p: Params) -> None:
    """Russian military technology and know-how to the DPRK, plus combat learning (L5, L10).

    L5 "access to Russian sophisticated military equipment, know-how"; L10 "sharing more
    sophisticated technologies with North Korea to bolster the latter's military
    capabilities". The DPRK's technology closes the gap to Russia's at rate tech_transfer x
    capacity x implementation (a new channel of the treaty, ramping up: L24,
    responses.pact_implementation) x the replicate's transfer multiplier
    (transfer_uncertainty: nobody observes the rate); troops deployed in Russia's war add
    combat experience (combat_learning a year per 10,000 troops deployed, i.e. per 10,000
    troop-years) toward the US level.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, None, technology=True)
        return
    gap = np.maximum(0.0, w.tech[:, BLOC_RUSSIA] - w.tech[:, BLOC_DPRK])
    transfer = p.tech_transfer[:, RUSSIA] * w.capacity * w.implementation
    transfer *= w.transfer_draw[:, 0] * gap
    learning = p.combat_learning[:, DPRK] * (w.troops / 1e4) * (1.0 - w.tech[:, BLOC_DPRK])
    w.tech[:, BLOC_DPRK] += DT * (transfer + learning)


def cyber_sharing(w: World, p: Params) -> None:
    """The DPRK's cyber capabilities to Russia (L10).

    L10 "Russia, meanwhile, would be interested in acquiring specific cyber warfare
    capabilities that North Korea may develop". Russia's cyber capability rises at rate
    cyber_sharing x capacity x the DPRK's level, saturating at 1.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, None, cyber=True)
        return
    rate = p.cyber_sharing[:, DPRK] * w.capacity * w.cyber[:, BLOC_DPRK]
    w.cyber[:, BLOC_RUSSIA] += DT * rate * (1.0 - w.cyber[:, BLOC_RUSSIA])


def munitions_for_war(w: World, p: Params) -> None:
    """DPRK munitions and troops for Russia's war in Ukraine, and what Russia pays (L5, L8).

    The theatre absorbs Russian resources and DPRK munitions (L6, L8, L18). Russia draws
    munitions at the 2024 rate (MSMT first report, 2025: about 9 million rounds) x the war's
    intensity x Russia's war demand from Western support (war_demand, L18; 1 in 2024) x the
    pact's capacity x the replicate's transfer multiplier; the DPRK delivers
    from its stock while it lasts and from production (munitions_capacity) after. Troops are
    a stock: the deployment moves toward troops x intensity x capacity at deployment_speed,
    losing troop_losses a year (NIS, 2025: about 2,000 killed). Russia pays munitions_price
    per million rounds (L5 "access to Russian ... know-how" is part of the price).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, None, munitions=True)
        return
    demand = w.war_intensity * w.war_demand * w.capacity
    wanted = p.munitions[:, DPRK] * demand * w.transfer_draw[:, 1]
    capacity = p.munitions_capacity[:, DPRK]
    w.munitions = np.where(w.munitions_stock > 0.0, wanted, np.minimum(wanted, capacity))
    w.munitions_stock = np.maximum(0.0, w.munitions_stock + DT * (capacity - w.munitions))
    deaths = DT * p.troop_losses[:, DPRK] * w.troops
    target = p.troops[:, DPRK] * demand
    w.troops += DT * p.deployment_speed[:, DPRK] * (target - w.troops) - deaths
    np.maximum(w.troops, 0.0, out=w.troops)
    w.troop_deaths += deaths


def dprk_revenue(w: World, p: Params, ref: Reference, cyber_on: bool) -> None:
    """The DPRK's hard-currency revenue: payment for munitions and cyber theft (L5, L8, L10).

    Munitions: munitions_price x the rounds delivered. Cyber theft (L10 "high-level cyber
    warfare"): cyber_revenue at 2024 capability, in proportion to the DPRK's capability
    (MSMT second report, October 2025: US$ 1.19 bn in 2024; held at that level with the
    mechanism cyber_revenue off). Its change from 2024 goes to the DPRK's output and, in
    part, its military budget (revenue_to_military).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, ref, revenue=True, cyber_revenue=cyber_on)
        return
    gain = w.cyber[:, BLOC_DPRK] / ref.cyber[BLOC_DPRK] if cyber_on else 1.0
    w.dprk_revenue = p.munitions_price[:, DPRK] * w.munitions + p.cyber_revenue[:, DPRK] * gain


def energy_aid(w: World, p: Params, ref: Reference) -> None:
    """Russian oil to the DPRK (L8, L9).

    L8 "a focus on energy exports"; L9 "a country that has been plagued by energy shortages".
    Supply = deliveries from others (UN-notified refined products and China's pipeline crude,
    data file) + Russia's energy_aid x capacity (Open Source Centre, 2024: over 1 million
    barrels in March-November 2024). Power-plant and transport projects raise the DPRK's
    potential growth (grow_economies).
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, ref, energy=True)
        return
    w.energy_supply = ref.energy_non_russian + p.energy_aid[:, RUSSIA] * w.capacity


def trade_expansion(w: World, p: Params) -> None:
    """Russia-DPRK trade expansion (L8 "The two states are to expand their trade ties").

    Recorded Russia-DPRK trade (US$ 34.4 m in 2023) grows at trade_expansion x capacity x
    implementation (a new channel, ramping up: L24) a year; the trade mechanism moves actual
    trade toward it.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, None, trade=True)
        return
    w.trade_expansion *= 1.0 + DT * p.trade_expansion[:, RUSSIA] * w.capacity * w.implementation


def china_dialogue(w: World, p: Params) -> None:
    """China's dialogue track builds progress when tension allows (L19, L29).

    L19 "Beijing has struck a note of stability preaching and called for dialogue"; L29
    "Diplomatic engagement and dialogue take on a new urgency". Progress P grows at
    dialogue_speed x China's effort x (1 - P) x (1 - peninsula tension); provocations set it
    back (provocations). It starts at its 2024 steady state; P above that lowers resting
    tension, the provocation rate and sanctions on the DPRK.
    """
    if w.kernels:  # the same steps compiled (sim.model.kernels), bit for bit
        _cooperate_kernel(w, p, None, dialogue=True)
        return
    room = (1.0 - w.dialogue_progress) * (1.0 - w.peninsula_tension())
    w.dialogue_progress += DT * p.dialogue_speed * w.dialogue_effort * room
    np.clip(w.dialogue_progress, 0.0, 1.0, out=w.dialogue_progress)


def cooperate(
    w: World,
    p: Params,
    ref: Reference,
    s: Month,
    on: Switches,
    month: int,
    settings: Settings,
) -> None:
    """The month's cooperation steps in order, each when its mechanism is on (`on`, the
    model's switch): technology_transfer, cyber_sharing, munitions_for_war, dprk_revenue
    (always), energy_aid, trade_expansion, china_dialogue. With w.kernels, one kernel call."""
    if w.kernels:
        _cooperate_kernel(
            w,
            p,
            ref,
            technology=on("technology_transfer"),
            cyber=on("cyber_sharing"),
            munitions=on("munitions_for_war"),
            revenue=True,
            cyber_revenue=on("cyber_revenue"),
            energy=on("energy_aid"),
            trade=on("trade_expansion"),
            dialogue=on("china_dialogue"),
        )
        return
    if on("technology_transfer"):
        technology_transfer(w, p)
    if on("cyber_sharing"):
        cyber_sharing(w, p)
    if on("munitions_for_war"):
        munitions_for_war(w, p)
    dprk_revenue(w, p, ref, cyber_on=on("cyber_revenue"))
    if on("energy_aid"):
        energy_aid(w, p, ref)
    if on("trade_expansion"):
        trade_expansion(w, p)
    if on("china_dialogue"):
        china_dialogue(w, p)


def pact_kernel(w: World, p: Params, ref: Reference, cooperate: bool, implement: bool) -> None:
    """The compiled pact_cooperation and/or responses.pact_implementation, in that order."""
    cooperation, capacity = writable(w, "cooperation", "capacity")
    (implementation,) = writable(w, "implementation")
    kernel("pact_capacity")(
        bool(cooperate),
        bool(implement),
        *contiguous(w.hardship, w.commitment, p.strain_limit),
        float(ref.cooperation),
        cooperation,
        capacity,
        *contiguous(w.sanctions, ref.sanctions, p.logistics_drag, p.implementation_lag),
        implementation,
    )


def _cooperate_kernel(
    w: World,
    p: Params,
    ref: Reference | None,
    technology: bool = False,
    cyber: bool = False,
    munitions: bool = False,
    revenue: bool = False,
    cyber_revenue: bool = False,
    energy: bool = False,
    trade: bool = False,
    dialogue: bool = False,
) -> None:
    """The compiled cooperation steps that are flagged, in the order of `cooperate` (`ref`
    is read only by dprk_revenue and energy_aid)."""
    tech, cyber_level, troops, munitions_stock = writable(
        w, "tech", "cyber", "troops", "munitions_stock"
    )
    munitions_out, troop_deaths, revenue_out = writable(
        w, "munitions", "troop_deaths", "dprk_revenue"
    )
    energy_supply, expansion, progress = writable(
        w, "energy_supply", "trade_expansion", "dialogue_progress"
    )
    ref_cyber = float(ref.cyber[BLOC_DPRK]) if ref is not None else 1.0
    energy_non_russian = float(ref.energy_non_russian) if ref is not None else 0.0
    kernel("cooperate")(
        bool(technology),
        bool(cyber),
        bool(munitions),
        bool(revenue),
        bool(energy),
        bool(trade),
        bool(dialogue),
        DPRK,
        RUSSIA,
        BLOC_DPRK,
        BLOC_RUSSIA,
        *contiguous(w.capacity, w.implementation, w.transfer_draw),
        tech,
        *contiguous(p.tech_transfer, p.combat_learning),
        troops,
        cyber_level,
        *contiguous(p.cyber_sharing, w.war_intensity, w.war_demand, p.munitions),
        *contiguous(p.munitions_capacity),
        munitions_out,
        munitions_stock,
        *contiguous(p.troop_losses, p.troops, p.deployment_speed),
        troop_deaths,
        bool(cyber_revenue),
        ref_cyber,
        *contiguous(p.munitions_price, p.cyber_revenue),
        revenue_out,
        energy_non_russian,
        *contiguous(p.energy_aid),
        energy_supply,
        *contiguous(p.trade_expansion),
        expansion,
        *contiguous(w.tension, _PENINSULA),
        progress,
        *contiguous(p.dialogue_speed, w.dialogue_effort),
    )


_PENINSULA = np.asarray(PENINSULA_IDX)

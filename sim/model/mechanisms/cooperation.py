"""Cooperation: the pact's capacity, transfers both ways, payment, energy aid, trade, China's
dialogue.

Each rule is a compiled function of one replicate r (sim.model.mechanisms.compiled): it
reads the world's arrays `w` (World.arrays()), the parameters `p` (Params.arrays()) and June
2024's values `ref` (Reference.arrays()), and writes the world's arrays in place.
"""

from sim.actors import BLOC_DPRK, BLOC_RUSSIA, DPRK, PENINSULA_IDX, RUSSIA
from sim.calendar import DT
from sim.model.mechanisms.common import at_least, clip, random_walk_step
from sim.model.mechanisms.compiled import rule
from sim.model.mechanisms.maths import exp
from sim.model.randomness import TRANSFER_SHOCKS

_PENINSULA = tuple(PENINSULA_IDX)  # a tuple: numba freezes it as a constant


@rule
def peninsula_tension(r, w) -> float:
    """Mean tension of the DPRK with South Korea, Japan and the US in replicate r: numpy's
    mean (World.peninsula_tension), a sum from 0.0 left to right."""
    total = 0.0
    for other in _PENINSULA:
        total = total + w.tension[r, DPRK, other]
    return total / len(_PENINSULA)


@rule
def pact_cooperation(r, w, p, ref):
    """How much of its full capacity the pact delivers this month, a share 0-1 (L24).

    L24 "extremely harsh economic sanctions ... likely to constrain the extent of their
    cooperation and its effectiveness": cooperation = the weaker member's effective
    commitment (PactMember.decide, L26) x (1 - strain_limit x the members' mean hardship
    above 2024). Hardship below 2024 (a ceasefire's relief) does not strengthen the pact
    beyond its members' commitment. Transfers scale with `capacity`, cooperation relative to
    2024.
    """
    hardship = 0.0 + at_least(w.hardship[r, 0], 0.0) + at_least(w.hardship[r, 1], 0.0)
    strain = clip(1.0 - p.strain_limit[r] * (hardship / 2.0), 0.0, 1.0)
    first = w.commitment[r, 0]
    second = w.commitment[r, 1]
    weaker = first if (first < second or first != first) else second  # np.minimum, NaN kept
    w.cooperation[r] = weaker * strain
    w.capacity[r] = w.cooperation[r] / ref.cooperation


@rule
def technology_transfer(r, w, p):
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
    gap = at_least(w.tech[r, BLOC_RUSSIA] - w.tech[r, BLOC_DPRK], 0.0)
    transfer = p.tech_transfer[r, RUSSIA] * w.capacity[r] * w.implementation[r]
    transfer = transfer * (w.transfer_draw[r, 0] * gap)
    learning = p.combat_learning[r, DPRK] * (w.troops[r] / 1e4) * (1.0 - w.tech[r, BLOC_DPRK])
    w.tech[r, BLOC_DPRK] = w.tech[r, BLOC_DPRK] + DT * (transfer + learning)


@rule
def cyber_sharing(r, w, p):
    """The DPRK's cyber capabilities to Russia (L10).

    L10 "Russia, meanwhile, would be interested in acquiring specific cyber warfare
    capabilities that North Korea may develop". Russia's cyber capability rises at rate
    cyber_sharing x capacity x the DPRK's level, saturating at 1.
    """
    rate = p.cyber_sharing[r, DPRK] * w.capacity[r] * w.cyber[r, BLOC_DPRK]
    level = w.cyber[r, BLOC_RUSSIA]
    w.cyber[r, BLOC_RUSSIA] = level + DT * rate * (1.0 - level)


@rule
def munitions_for_war(r, w, p, s):
    """DPRK munitions and troops for Russia's war in Ukraine, and what Russia pays (L5, L8).

    The theatre absorbs Russian resources and DPRK munitions (L6, L8, L18). Russia draws
    munitions at the 2024 rate (MSMT first report, 2025: about 9 million rounds) x the war's
    intensity x Russia's war demand from Western support (war_demand, L18; 1 in 2024) x the
    pact's capacity x the replicate's transfer multiplier x a random factor that moves
    month by month (shipments come in voyages; the record's rate changed by about a quarter
    from one year to the next: munitions_noise); the DPRK delivers from its stock while it
    lasts and from production (munitions_capacity) after. Troops are a stock: the deployment
    moves toward troops x intensity x capacity at deployment_speed, losing troop_losses a year
    (NIS, 2025: about 2,000 killed) x its own random factor (combat flares and pauses:
    loss_noise); the size and the loss rate each carry the replicate's lognormal multiplier
    (troop_uncertainty, loss_uncertainty: both are estimates with wide ranges, MSMT 2025, NIS
    2025). Both random factors are random walks of mean 1 (common.random_walk_step; sized in
    docs/research/transfers_and_trade.md). Russia pays munitions_price per million rounds
    (L5 "access to Russian ... know-how" is part of the price).
    """
    log_factor = w.transfer_shock  # (R, 2): munitions, losses
    normal = s.normals[r, TRANSFER_SHOCKS]
    log_factor[r, 0] = random_walk_step(log_factor[r, 0], p.munitions_noise[r, DPRK], normal)
    normal = s.normals[r, TRANSFER_SHOCKS + 1]
    log_factor[r, 1] = random_walk_step(log_factor[r, 1], p.loss_noise[r, DPRK], normal)
    demand = w.war_intensity[r] * w.war_demand[r] * w.capacity[r]
    wanted = p.munitions[r, DPRK] * demand * w.transfer_draw[r, 1] * exp(log_factor[r, 0])
    produced = p.munitions_capacity[r, DPRK]
    if w.munitions_stock[r] > 0.0:
        delivered = wanted
    else:  # np.minimum, NaN kept
        delivered = wanted if (wanted < produced or wanted != wanted) else produced
    w.munitions[r] = delivered
    w.munitions_stock[r] = at_least(w.munitions_stock[r] + DT * (produced - delivered), 0.0)
    loss_rate = p.troop_losses[r, DPRK] * w.transfer_draw[r, 3] * exp(log_factor[r, 1])
    deaths = DT * loss_rate * w.troops[r]
    target = p.troops[r, DPRK] * demand * w.transfer_draw[r, 2]
    move = DT * p.deployment_speed[r, DPRK] * (target - w.troops[r]) - deaths
    w.troops[r] = at_least(w.troops[r] + move, 0.0)
    w.troop_deaths[r] = w.troop_deaths[r] + deaths


@rule
def dprk_revenue(r, w, p, ref, cyber_on):
    """The DPRK's hard-currency revenue: payment for munitions and cyber theft (L5, L8, L10).

    Munitions: munitions_price x the rounds delivered. Cyber theft (L10 "high-level cyber
    warfare"): cyber_revenue at 2024 capability, in proportion to the DPRK's capability
    (MSMT second report, October 2025: US$ 1.19 bn in 2024; held at that level with the
    mechanism cyber_revenue off). Its change from 2024 goes to the DPRK's output and, in
    part, its military budget (revenue_to_military).
    """
    gain = w.cyber[r, BLOC_DPRK] / ref.cyber[BLOC_DPRK] if cyber_on else 1.0
    payment = p.munitions_price[r, DPRK] * w.munitions[r]
    w.dprk_revenue[r] = payment + p.cyber_revenue[r, DPRK] * gain


@rule
def energy_aid(r, w, p, ref):
    """Russian oil to the DPRK (L8, L9).

    L8 "a focus on energy exports"; L9 "a country that has been plagued by energy shortages".
    Supply = deliveries from others (UN-notified refined products and China's pipeline crude,
    data file) + Russia's energy_aid x capacity (Open Source Centre, 2024: over 1 million
    barrels in March-November 2024). Power-plant and transport projects raise the DPRK's
    potential growth (grow_economies).
    """
    w.energy_supply[r] = ref.energy_non_russian + p.energy_aid[r, RUSSIA] * w.capacity[r]


@rule
def trade_expansion(r, w, p):
    """Russia-DPRK trade expansion (L8 "The two states are to expand their trade ties").

    Recorded Russia-DPRK trade (US$ 34.4 m in 2023) grows at trade_expansion x capacity x
    implementation (a new channel, ramping up: L24) a year; the trade mechanism moves actual
    trade toward it.
    """
    growth = DT * p.trade_expansion[r, RUSSIA] * w.capacity[r] * w.implementation[r]
    w.trade_expansion[r] = w.trade_expansion[r] * (1.0 + growth)


@rule
def china_dialogue(r, w, p):
    """China's dialogue track builds progress when tension allows (L19, L29).

    L19 "Beijing has struck a note of stability preaching and called for dialogue"; L29
    "Diplomatic engagement and dialogue take on a new urgency". Progress P grows at
    dialogue_speed x China's effort x (1 - P) x (1 - peninsula tension); provocations set it
    back (provocations). It starts at its 2024 steady state; P above that lowers resting
    tension, the provocation rate and sanctions on the DPRK.
    """
    room = (1.0 - w.dialogue_progress[r]) * (1.0 - peninsula_tension(r, w))
    progress = w.dialogue_progress[r] + DT * p.dialogue_speed[r] * w.dialogue_effort[r] * room
    w.dialogue_progress[r] = clip(progress, 0.0, 1.0)


@rule
def cooperate_replicate(r, w, p, ref, s, on, month, settings):
    """The month's cooperation steps of replicate r in order, each when its mechanism is on:
    technology_transfer, cyber_sharing, munitions_for_war, dprk_revenue (always), energy_aid,
    trade_expansion, china_dialogue."""
    if on.technology_transfer:
        technology_transfer(r, w, p)
    if on.cyber_sharing:
        cyber_sharing(r, w, p)
    if on.munitions_for_war:
        munitions_for_war(r, w, p, s)
    dprk_revenue(r, w, p, ref, on.cyber_revenue)
    if on.energy_aid:
        energy_aid(r, w, p, ref)
    if on.trade_expansion:
        trade_expansion(r, w, p)
    if on.china_dialogue:
        china_dialogue(r, w, p)

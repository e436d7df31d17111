"""Cooperation: the pact's capacity, transfers both ways, energy aid, trade, China's dialogue."""

import numpy as np

from sim.actors import BLOC_DPRK, BLOC_RUSSIA, DPRK, RUSSIA
from sim.calendar import DT
from sim.model.params import Params
from sim.model.state import Reference, World


def pact_cooperation(w: World, p: Params, ref: Reference) -> None:
    """How much the pact can deliver this month, 2024 = 1 (L24).

    L24 "extremely harsh economic sanctions ... likely to constrain the extent of their
    cooperation and its effectiveness": capacity = the weaker member's effective commitment
    (PactMember.decide, L26) x (1 - strain_limit x the members' mean hardship), relative to
    2024. Every transfer below scales with it.
    """
    strain = np.maximum(0.0, 1.0 - p.strain_limit * w.hardship.mean(axis=1))
    w.cooperation = w.commitment.min(axis=1) * strain / ref.cooperation_raw


def technology_transfer(w: World, p: Params) -> None:
    """Russian military technology and know-how to the DPRK, plus combat learning (L5, L10).

    L5 "access to Russian sophisticated military equipment, know-how"; L10 "sharing more
    sophisticated technologies with North Korea to bolster the latter's military
    capabilities". The DPRK's technology closes the gap to Russia's at rate tech_transfer x
    cooperation; troops in Russia's war add combat experience (combat_learning per 10,000
    troop-years) toward the US level.
    """
    gap = np.maximum(0.0, w.tech[:, BLOC_RUSSIA] - w.tech[:, BLOC_DPRK])
    transfer = p.tech_transfer[:, RUSSIA] * w.cooperation * gap
    learning = p.combat_learning[:, DPRK] * (w.troops / 1e4) * (1.0 - w.tech[:, BLOC_DPRK])
    w.tech[:, BLOC_DPRK] += DT * (transfer + learning)


def cyber_sharing(w: World, p: Params) -> None:
    """The DPRK's cyber capabilities to Russia (L10).

    L10 "Russia, meanwhile, would be interested in acquiring specific cyber warfare
    capabilities that North Korea may develop". Russia's cyber capability rises at rate
    cyber_sharing x cooperation x the DPRK's level, saturating at 1.
    """
    rate = p.cyber_sharing[:, DPRK] * w.cooperation * w.cyber[:, BLOC_DPRK]
    w.cyber[:, BLOC_RUSSIA] += DT * rate * (1.0 - w.cyber[:, BLOC_RUSSIA])


def munitions_for_war(w: World, p: Params) -> None:
    """DPRK munitions and troops for Russia's war in Ukraine.

    The theatre absorbs Russian resources and DPRK munitions (L6, L8, L18). Flows are the 2024
    levels (MSMT first report, 2025: about 9 million rounds and over 11,000 troops in 2024)
    scaled by the war's intensity and the pact's cooperation.
    """
    demand = w.war_intensity * w.cooperation
    w.munitions = p.munitions[:, DPRK] * demand
    w.troops = p.troops[:, DPRK] * demand


def energy_aid(w: World, p: Params, ref: Reference) -> None:
    """Russian oil to the DPRK (L8, L9).

    L8 "a focus on energy exports"; L9 "a country that has been plagued by energy shortages".
    Supply = deliveries from others (at the UN cap, data file) + Russia's energy_aid x
    cooperation (MSMT: over 1 million barrels in March-October 2024). Power-plant and transport
    projects raise the DPRK's potential growth (grow_economies).
    """
    w.energy_supply = ref.energy_non_russian + p.energy_aid[:, RUSSIA] * w.cooperation


def trade_expansion(w: World, p: Params) -> None:
    """Russia-DPRK trade expansion (L8 "The two states are to expand their trade ties").

    Recorded Russia-DPRK trade (US$ 34.4 m in 2023) grows at trade_expansion x cooperation a
    year; the trade mechanism moves actual trade toward it.
    """
    w.trade_expansion *= 1.0 + DT * p.trade_expansion[:, RUSSIA] * w.cooperation


def china_dialogue(w: World, p: Params) -> None:
    """China's dialogue track builds progress when tension allows (L19, L29).

    L19 "Beijing has struck a note of stability preaching and called for dialogue"; L29
    "Diplomatic engagement and dialogue take on a new urgency". Progress P grows at
    dialogue_speed x China's effort x (1 - P) x (1 - peninsula tension); provocations set it
    back (provocations). P lowers resting tension, the provocation rate and sanctions.
    """
    room = (1.0 - w.dialogue_progress) * (1.0 - w.peninsula_tension())
    w.dialogue_progress += DT * p.dialogue_speed * w.dialogue_effort * room
    np.clip(w.dialogue_progress, 0.0, 1.0, out=w.dialogue_progress)

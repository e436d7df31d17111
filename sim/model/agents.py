"""The actors as Mesa agents: each owns its parameters and decides its policy each month.

An agent reads the shared world arrays and writes its own decisions (its rows of the
decision arrays); the mechanisms (sim/model/mechanisms/) then apply what the decisions do to
the world. Each agent's decision is one compiled rule of one replicate, named by its class's
`rule` (in sim/model/mechanisms/decisions.py). `decide()` runs it for every replicate (a
notebook can call it); the model's compiled month (sim/model/mechanisms/month.py) calls the
same rules for each replicate in the order of AGENT_CLASSES (decisions.DECISION_ORDER). The
order matters little but is kept: China reads the provocation rate the DPRK decided this
month and the isolation effort of the US (before it) and of the other sanctioners (last
month's).
"""

from typing import ClassVar, Protocol

import mesa
import numpy as np

from sim.actors import INDEX
from sim.model.mechanisms import decisions
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, Switches, World


class ActorModel(Protocol):
    """What an actor reads from its model (sim.model.model.AllianceModel): the shared state,
    the parameters, June 2024, this month's shocks and the scenario's mechanism switches."""

    world: World
    params: Params
    reference: Reference
    shocks_now: Month
    switches: Switches


class Actor(mesa.Agent):
    """A state the article names: owns its parameters, decides its policy each month."""

    model: ActorModel
    rule: ClassVar[str] = ""
    """Its decision rule (module.function in sim/model/mechanisms/), or none."""

    def __init__(self, model: ActorModel, actor_id: str) -> None:
        super().__init__(model)
        self.actor_id = actor_id
        self.index = INDEX[actor_id]

    def parameters(self) -> dict[str, np.ndarray]:
        """This actor's parameters, (R,) views of its column of the shared parameter arrays:
        writing into one changes the running model (a notebook can steer an actor mid-run).
        Mapping parameters come as (R, N) views, one column per other actor. A parameter
        stored once for all replicates gets its own array first (Params.writable), so the
        views can be written and the model reads what is written."""
        p = self.model.params
        return {
            name: p.writable(name)[:, self.index] for name in p.names() if getattr(p, name).ndim > 1
        }

    def decide(self) -> None:
        """Run its rule for every replicate (decisions.decide_all): its decisions this month,
        written into the world. The model's month calls the same rule, replicate by
        replicate, in the compiled month."""
        model = self.model
        decisions.decide_all(
            model.world.arrays(),
            model.params.arrays(),
            model.reference.arrays(),
            model.shocks_now,
            model.switches,
            self.index,
        )


class Sanctioner(Actor):
    """Sets its desired sanctions on each pact member and its isolation effort (L5, L8, L25).

    Desired intensity = 2024 level + sanction_tightening + sanction_response x (change of its
    tension with the target from 2024, either way); for Russia + war_response x (the war's
    intensity - 2024) (L18); for the DPRK - relax_with_dialogue x (dialogue progress - 2024)
    (L19): condemn, then punish (L17, L25), relax when talks move or the war ebbs.
    """

    rule = "decisions.sanctioner_decide"


class UnitedStates(Sanctioner):
    """A sanctioner that also decides its regional force build-up (L17, L25).

    Build-up = `buildup` + buildup_response x (rise of peninsula tension over 2024) +
    presence_pull x (rise of Russia's regional presence over 2024), in [0, 1]: "it will come
    to the defense of its regional allies" (L17). It also chooses between pressure and
    engagement with Pyongyang (responses.choose_engagement; L14).
    """

    rule = "decisions.us_decide"


class China(Actor):
    """Chooses between keeping its grip on Pyongyang and a wider coalition; presses dialogue.

    L13: Beijing "might see such an alliance as a loosening of its grip on Pyongyang" or "an
    opening for countering U.S. influence in the region through a wider coalition"; L19
    "called for dialogue". Alignment (with the bloc against the US) moves toward
    coalition_bias + rivalry_pull x (change of US-China tension from 2024) -
    instability_aversion x (the DPRK's provocation rate minus 2024's, in events a month,
    plus 1 once a war has broken out) - sanction_fear x the West's mean isolation effort,
    with noise. Separately, its engagement with Pyongyang (trade, visits: its grip) moves
    toward `engagement` at the same speed. Its dialogue effort is `dialogue` x (1 -
    alignment).
    """

    rule = "decisions.china_decide"


class PactMember(Actor):
    """Decides how committed it is to the pact given politics at home (L4, L26).

    Effective commitment = commitment x min(1, support / opposition_threshold): L26 "Putin
    could also face domestic economic difficulties and political opposition"; for the DPRK,
    after a leadership change, post_change_commitment replaces commitment (L26).
    """

    rule = "decisions.pact_member_decide"


class NorthKorea(PactMember):
    """A pact member that also decides its rate of military provocations (L15).

    Rate = provocation_rate x (1 + threat_response x (perceived threat / 2024 threat - 1)) x
    (1 - dialogue_effect x dialogue progress); see mechanisms.escalation.provocations.
    """

    rule = "decisions.dprk_decide"


AGENT_CLASSES: dict[str, type[Actor]] = {
    "dprk": NorthKorea,
    "russia": PactMember,
    "usa": UnitedStates,
    "china": China,
    "rok": Sanctioner,
    "japan": Sanctioner,
    "eu": Sanctioner,
}

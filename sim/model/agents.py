"""The actors as Mesa agents: each owns its parameters and decides its policy each month.

An agent reads the shared world arrays and writes its own decisions (its rows of the
decision arrays) for all replicates at once; the mechanisms (sim/model/mechanisms/) then apply
what the decisions do to the world. Decisions read only last month's state, so the order
in which agents decide does not matter.
"""

from typing import Protocol

import mesa
import numpy as np

from sim.actors import (
    BLOC,
    BLOC_DPRK,
    BLOC_IDX,
    BLOC_RUSSIA,
    CHINA,
    DPRK,
    INDEX,
    PENINSULA_IDX,
    SANCTIONER_IDX,
    SANCTIONERS,
    USA,
)
from sim.calendar import DT
from sim.model.kernels import contiguous, kernel
from sim.model.mechanisms.escalation import dprk_provocation_rate
from sim.model.mechanisms.responses import choose_engagement
from sim.model.params import Params
from sim.model.randomness import Month
from sim.model.state import Reference, World

_BLOC, _PENINSULA, _SANCTIONERS = (np.asarray(i) for i in (BLOC_IDX, PENINSULA_IDX, SANCTIONER_IDX))
"""Index lists as arrays, for the kernels."""


class ActorModel(Protocol):
    """What an actor reads from its model (sim.model.model.AllianceModel): the shared state,
    the parameters, June 2024, this month's shocks and the scenario's mechanism switches."""

    world: World
    params: Params
    reference: Reference
    shocks_now: Month

    def switch(self, mechanism: str) -> bool: ...


class Actor(mesa.Agent):
    """A state the article names: owns its parameters, decides its policy each month."""

    model: ActorModel

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
        """No discretionary policy: its spending follows its plan and the Richardson reaction."""


class Sanctioner(Actor):
    """Sets its desired sanctions on each pact member and its isolation effort (L5, L8, L25).

    Desired intensity = 2024 level + sanction_tightening + sanction_response x (change of its
    tension with the target from 2024, either way); for Russia + war_response x (the war's
    intensity - 2024) (L18); for the DPRK - relax_with_dialogue x (dialogue progress - 2024)
    (L19): condemn, then punish (L17, L25), relax when talks move or the war ebbs.
    """

    def decide(self) -> None:
        w, p, ref, i = self.model.world, self.model.params, self.model.reference, self.index
        row = SANCTIONERS.index(self.actor_id)
        if w.kernels:  # the same, compiled (sim.model.kernels.decisions)
            kernel("sanctioner_decide")(*self._sanctioner_arguments())
            return
        rise = w.tension[:, i, BLOC_IDX] - ref.tension[i, BLOC_IDX]
        target = (
            ref.sanctions[row]
            + p.sanction_tightening[:, i, BLOC_IDX]
            + p.sanction_response[:, i, None] * rise
        )
        progress = w.dialogue_progress - ref.dialogue_progress
        target[:, BLOC_DPRK] -= p.relax_with_dialogue[:, i] * progress
        target[:, BLOC_RUSSIA] += p.war_response[:, i] * (w.war_intensity - 1.0)
        w.sanction_target[:, row] = np.clip(target, 0.0, 1.0)
        w.isolation_effort[:, i] = p.isolation_effort[:, i]

    def _sanctioner_arguments(self) -> list:
        """What the sanctioner's kernels read and write (the outputs as they are: in place)."""
        w, p, ref, i = self.model.world, self.model.params, self.model.reference, self.index
        return [
            i,
            SANCTIONERS.index(self.actor_id),
            _BLOC,
            *contiguous(w.tension, ref.tension, ref.sanctions),
            *contiguous(p.sanction_tightening, p.sanction_response, w.dialogue_progress),
            float(ref.dialogue_progress),
            *contiguous(p.relax_with_dialogue, p.war_response, w.war_intensity),
            contiguous(p.isolation_effort)[0],
            w.sanction_target,
            w.isolation_effort,
        ]


class UnitedStates(Sanctioner):
    """A sanctioner that also decides its regional force build-up (L17, L25).

    Build-up = `buildup` + buildup_response x (rise of peninsula tension over 2024) +
    presence_pull x (rise of Russia's regional presence over 2024), in [0, 1]: "it will come
    to the defense of its regional allies" (L17). It also chooses between pressure and
    engagement with Pyongyang (responses.choose_engagement; L14).
    """

    def decide(self) -> None:
        w, p, ref = self.model.world, self.model.params, self.model.reference
        if w.kernels:  # the sanctioner's decision and the build-up in one compiled call
            w.us_buildup = np.empty(w.replicates)
            kernel("us_decide")(
                *self._sanctioner_arguments(),
                DPRK,
                _PENINSULA,
                float(ref.tension[DPRK, PENINSULA_IDX].mean()),
                *contiguous(p.presence_pull, w.russia_presence, p.buildup, p.buildup_response),
                w.us_buildup,
            )
        else:
            super().decide()
            rise = np.maximum(0.0, w.peninsula_tension() - ref.tension[DPRK, PENINSULA_IDX].mean())
            presence = p.presence_pull[:, USA] * (w.russia_presence - 1.0)
            w.us_buildup = np.clip(
                p.buildup[:, USA] + p.buildup_response[:, USA] * rise + presence, 0.0, 1.0
            )
        if self.model.switch("us_dprk_talks"):
            w.us_engagement = choose_engagement(w, p, ref)


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

    def decide(self) -> None:
        model = self.model
        w, p, ref = model.world, model.params, model.reference
        if w.kernels:
            self._decide_compiled()
            return
        if model.switch("china_alignment"):
            rivalry = w.tension[:, CHINA, USA] - ref.tension[CHINA, USA]
            crisis = (w.provocation_rate - ref.provocation_rate) + (w.wars > 0)
            fear = w.isolation_effort[:, SANCTIONER_IDX].mean(axis=1)
            target = np.clip(
                p.coalition_bias[:, CHINA]
                + p.rivalry_pull[:, CHINA] * rivalry
                - p.instability_aversion[:, CHINA] * crisis
                - p.sanction_fear[:, CHINA] * fear,
                0.0,
                1.0,
            )
            noise = (
                p.alignment_noise[:, CHINA]
                * np.sqrt(DT)
                * model.shocks_now.normal("alignment")[:, 0]
            )
            speed = DT * p.alignment_speed[:, CHINA]
            w.china_alignment = np.clip(
                w.china_alignment + speed * (target - w.china_alignment) + noise, 0.0, 1.0
            )
            w.china_engagement += speed * (p.engagement[:, CHINA] - w.china_engagement)
        w.dialogue_effort = p.dialogue[:, CHINA] * (1.0 - w.china_alignment)

    def _decide_compiled(self) -> None:
        """decide in one compiled call (sim.model.kernels.decisions), the same bits."""
        model = self.model
        w, p, ref = model.world, model.params, model.reference
        aligning = model.switch("china_alignment")
        normal = model.shocks_now.normal("alignment")[:, 0] if aligning else w.china_alignment
        alignment = w.china_alignment
        if aligning:
            w.china_alignment = np.empty(w.replicates)
        w.dialogue_effort = np.empty(w.replicates)
        kernel("china_decide")(
            aligning,
            CHINA,
            USA,
            *contiguous(w.tension),
            float(ref.tension[CHINA, USA]),
            *contiguous(w.provocation_rate),
            float(ref.provocation_rate),
            *contiguous(w.wars, w.isolation_effort),
            _SANCTIONERS,
            *contiguous(p.coalition_bias, p.rivalry_pull, p.instability_aversion),
            *contiguous(p.sanction_fear, p.alignment_noise),
            float(np.sqrt(DT)),
            *contiguous(normal),
            DT,
            *contiguous(p.alignment_speed, p.engagement, p.dialogue, alignment),
            w.china_engagement,
            w.china_alignment,
            w.dialogue_effort,
        )


class PactMember(Actor):
    """Decides how committed it is to the pact given politics at home (L4, L26).

    Effective commitment = commitment x min(1, support / opposition_threshold): L26 "Putin
    could also face domestic economic difficulties and political opposition"; for the DPRK,
    after a leadership change, post_change_commitment replaces commitment (L26).
    """

    def decide(self) -> None:
        w, p, i = self.model.world, self.model.params, self.index
        m = BLOC.index(self.actor_id)
        if w.kernels:  # the same, compiled (sim.model.kernels.decisions)
            kernel("pact_member_decide")(
                i,
                m,
                i == DPRK,
                *contiguous(p.commitment, p.post_change_commitment, w.leader_changed),
                *contiguous(w.support, p.opposition_threshold),
                w.commitment,
            )
            return
        base = p.commitment[:, i]
        if i == DPRK:
            base = np.where(w.leader_changed, p.post_change_commitment[:, i], base)
        backing = np.minimum(1.0, w.support[:, m] / p.opposition_threshold[:, i])
        w.commitment[:, m] = base * backing


class NorthKorea(PactMember):
    """A pact member that also decides its rate of military provocations (L15).

    Rate = provocation_rate x (1 + threat_response x (perceived threat / 2024 threat - 1)) x
    (1 - dialogue_effect x dialogue progress); see mechanisms.escalation.provocations.
    """

    def decide(self) -> None:
        super().decide()
        model = self.model
        if model.switch("provocations"):
            model.world.provocation_rate = dprk_provocation_rate(
                model.world, model.params, model.reference
            )


AGENT_CLASSES: dict[str, type[Actor]] = {
    "dprk": NorthKorea,
    "russia": PactMember,
    "usa": UnitedStates,
    "china": China,
    "rok": Sanctioner,
    "japan": Sanctioner,
    "eu": Sanctioner,
}

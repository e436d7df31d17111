"""The actors the article names, their order in every state array, and their groupings."""

from typing import Final

ACTORS: Final = ("dprk", "russia", "usa", "china", "rok", "japan", "eu")
"""Actor ids in array order: index i of every (R, N) array is ACTORS[i]."""

NAMES: Final = {
    "dprk": "North Korea",
    "russia": "Russia",
    "usa": "United States",
    "china": "China",
    "rok": "South Korea",
    "japan": "Japan",
    "eu": "European Union",
}

N_ACTORS: Final = len(ACTORS)
INDEX: Final = {actor: i for i, actor in enumerate(ACTORS)}

BLOC: Final = ("dprk", "russia")
"""The pact members (L1, L4). Arrays with a bloc axis, (R, 2), use this order."""

BLOC_DPRK, BLOC_RUSSIA = 0, 1
"""Index of each member on a bloc axis: w.tech[:, BLOC_DPRK] is the DPRK's technology."""

SANCTIONERS: Final = ("usa", "eu", "japan", "rok")
"""Actors that impose sanctions on the bloc and run isolation campaigns (L5, L8, L25)."""

RIVALS: Final = ("usa", "rok", "japan", "eu")
"""Non-bloc actors with which a bloc member can come to armed clashes (L4, L15, L18)."""

PENINSULA_RIVALS: Final = ("rok", "japan", "usa")
"""Those threatened by the DPRK's capability and provocations (L15, L17)."""


DPRK, RUSSIA, USA, CHINA, ROK, JAPAN, EU = (INDEX[a] for a in ACTORS)
BLOC_IDX: Final = [INDEX[a] for a in BLOC]
SANCTIONER_IDX: Final = [INDEX[a] for a in SANCTIONERS]
RIVAL_IDX: Final = [INDEX[a] for a in RIVALS]
PENINSULA_IDX: Final = [INDEX[a] for a in PENINSULA_RIVALS]


def partner(member: str) -> str:
    """The other pact member."""
    return BLOC[1 - BLOC.index(member)]

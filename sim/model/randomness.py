"""Random shocks: one stream per replicate, drawn up front, in a fixed layout.

Replicate r of a run with seed s draws from numpy's PCG64 seeded by
SeedSequence(s, spawn_key=(r,)) (numpy's algorithms, compiled: sim.model.streams), whatever
the number of replicates run alongside it, the chunking or the number of processes: so
replicate r is the same everywhere. Every shock has a
fixed slot in the layout below whatever the scenario switches on, so two scenarios run with
the same seed and horizon see the same shocks (common random numbers): their difference is
the policy, not the noise.
"""

from typing import NamedTuple

import numpy as np

from sim.actors import BLOC, N_ACTORS, RIVALS
from sim.model.streams import draw_streams, words
from sim.scenario.schema import ENACTED_YEARS
from sim.scenario.uncertain import MAX_UNCERTAIN

N_CLASH_PAIRS = len(BLOC) * len(RIVALS)
N_DYADS = N_ACTORS * (N_ACTORS - 1) // 2

NORMAL_LAYOUT: dict[str, int] = {
    "spending": N_ACTORS,
    "gdp": N_ACTORS,
    "alignment": 1,
    "tension": N_DYADS,
    "china_trade": len(BLOC),
    "transfers": 2,
}
"""Standard-normal shocks a month, by name and count (`transfers`: the DPRK's munitions to
Russia and its troops' loss rate)."""

UNIFORM_LAYOUT: dict[str, int] = {
    "provocation_count": 1,
    "provocation_size": 1,
    "clash": N_CLASH_PAIRS,
    "reciprocity": N_CLASH_PAIRS,
    "leadership": 1,
    "escalation": N_CLASH_PAIRS,
}
"""Uniform(0, 1) shocks a month, by name and count."""

STATIC_LAYOUT: dict[str, int] = {
    "transfer": 2,
    "uncertain": MAX_UNCERTAIN,
    "troops": 2,
    "budgets": ENACTED_YEARS * N_ACTORS,
}
"""Standard normals drawn once per replicate (uncertain parameters), by name and count.
`transfer`: technology and munitions multipliers; `troops`: the DPRK deployment's size and
loss-rate multipliers (added after `uncertain`, so no earlier draw moved); `budgets`: each
enacted budget's growth within its stated range, (year, actor) in row-major order.
New slots go at the end: a replicate's earlier draws then stay what they were. `uncertain`
holds the draws of a scenario's `uncertain:` block, one slot per declared parameter in sorted
path order (sim.model.uncertainty)."""

N_NORMAL = sum(NORMAL_LAYOUT.values())
N_UNIFORM = sum(UNIFORM_LAYOUT.values())
N_STATIC = sum(STATIC_LAYOUT.values())


def _slices(layout: dict[str, int]) -> dict[str, slice]:
    out, start = {}, 0
    for name, count in layout.items():
        out[name] = slice(start, start + count)
        start += count
    return out


NORMAL_SLICES = _slices(NORMAL_LAYOUT)
UNIFORM_SLICES = _slices(UNIFORM_LAYOUT)
STATIC_SLICES = _slices(STATIC_LAYOUT)

(
    SPENDING_SHOCKS,
    GDP_SHOCKS,
    ALIGNMENT_SHOCK,
    TENSION_SHOCKS,
    CHINA_TRADE_SHOCKS,
    TRANSFER_SHOCKS,
) = (NORMAL_SLICES[name].start for name in NORMAL_LAYOUT)
"""Where each normal shock starts in a month's row (the compiled rules read them there)."""
(
    PROVOCATION_COUNT_DRAW,
    PROVOCATION_SIZE_DRAW,
    CLASH_DRAWS,
    RECIPROCITY_DRAWS,
    LEADERSHIP_DRAW,
    ESCALATION_DRAWS,
) = (UNIFORM_SLICES[name].start for name in UNIFORM_LAYOUT)
"""Where each uniform draw starts in a month's row."""


class Month(NamedTuple):
    """The shocks of one month for all replicates, by name: `month.normal("gdp")` is (R, N);
    a compiled rule reads `s.normals[r, GDP_SHOCKS + i]`."""

    normals: np.ndarray
    uniforms: np.ndarray

    def normal(self, name: str) -> np.ndarray:
        return self.normals[:, NORMAL_SLICES[name]]

    def uniform(self, name: str) -> np.ndarray:
        return self.uniforms[:, UNIFORM_SLICES[name]]


class Shocks:
    """All shocks of a run: each replicate's stream gives first its uniforms (months,
    N_UNIFORM), then its standard normals (months, N_NORMAL), then its static normals
    (N_STATIC,), drawn once for the whole run. Stored month-major, `uniforms` (months, R,
    N_UNIFORM) and `normals` (months, R, N_NORMAL), so that a month's shocks are one
    contiguous block the mechanisms read in order; `static` is (R, N_STATIC)."""

    def __init__(self, seed: int, replicate_ids: np.ndarray, months: int) -> None:
        unique, rows = np.unique(np.asarray(replicate_ids), return_inverse=True)
        uniforms = np.empty((months, len(unique), N_UNIFORM))
        normals = np.empty((months, len(unique), N_NORMAL))
        static = np.empty((len(unique), N_STATIC))
        with np.errstate(over="ignore"):  # uncompiled (debugging), numpy warns when PCG64's
            # 64-bit arithmetic wraps around, as it is meant to
            draw_streams(words(seed), unique.astype(np.uint64), uniforms, normals, static)
        # a sweep repeats replicate ids across its points: draw each stream once. np.take
        # gives C-contiguous shocks, as the compiled month takes them (one compiled variant,
        # cached at set-up); indexing the middle axis gave a non-contiguous array (a variant
        # every sweep worker compiled again) and copying it to C order cost 50 times more.
        same_order = len(unique) == len(rows) and np.array_equal(rows, np.arange(len(rows)))
        self.uniforms = uniforms if same_order else np.take(uniforms, rows, axis=1)
        self.normals = normals if same_order else np.take(normals, rows, axis=1)
        self.static = static if same_order else static[rows]

    def static_normal(self, name: str) -> np.ndarray:
        """The replicates' once-per-run standard normals `name`, (R, count)."""
        return self.static[:, STATIC_SLICES[name]]

    def transfer_normals(self) -> np.ndarray:
        """The standard normals of the four transfer multipliers (technology, munitions, troops
        deployed, troop losses), (R, 4)."""
        return np.concatenate([self.static_normal("transfer"), self.static_normal("troops")], 1)

    def month(self, t: int) -> Month:
        """Shocks of month t (1-based, as the model counts steps), contiguous (R, K) views."""
        return Month(self.normals[t - 1], self.uniforms[t - 1])


class ReplicateStreamsOnly:
    """Stands in for Mesa's shared `model.random` / `model.rng`: any use raises.

    A draw from one generator shared by all replicates would make replicate r's path depend
    on how many replicates run beside it; every draw must come from the replicate streams
    (model.shocks_now)."""

    def __getattr__(self, name: str) -> None:
        if name.startswith("__"):  # copy, pickle and friends probe for optional hooks
            raise AttributeError(name)
        raise RuntimeError(
            f"model.random / model.rng .{name}: AllianceModel draws only from per-replicate "
            "streams (model.shocks_now, sim/model/randomness.py); a shared generator would "
            "break bit-identical replicates. Add a slot to the shock layout instead."
        )

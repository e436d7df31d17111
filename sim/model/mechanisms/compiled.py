"""The month's rules, compiled: one implementation of each rule, run by numba in every run.

Each rule of the model (the modules of this package; the agents' decisions in
`decisions.py`) is written once, as a function of one replicate's state, decorated with
`@rule`:

    @rule
    def joint_exercises(r, w, p):
        ...w.tension[r, member, other]...

`r` is the replicate, `w` the world's arrays (World.arrays()), `p` the parameters'
(Params.arrays()), `ref` June 2024's (Reference.arrays()), `s` the month's shocks
(randomness.Month). A compiled driver per phase of the month loops over the replicates and
calls the rules in the article's order (`month.py`), so a replicate's month is one pass over
its state. numba compiles them on first use and caches the machine code on disk; `make`
compiles them once after installing (`python -m sim.model.warmup`).

Debugging: `NUMBA_DISABLE_JIT=1` runs every rule and driver as plain Python (slowly, the
same arithmetic), and `some_rule.py_func` is any rule uncompiled. No fast-math and no fused
multiply-add (numba's defaults), so results are the same bits on a given machine whatever
the batch; transcendental functions come from the C library, compiled or not (`maths.py`),
and may differ in the last bit between machines (README, Reproducibility).

numba's disk cache does not notice when a rule in another file that a cached driver calls
has changed; `cache.prepare()` removes this package's cache when any of its sources changed
since the cache was written.
"""

from collections.abc import Callable
from typing import Any

import numba

rule: Callable[[Callable[..., Any]], Any] = numba.njit(
    cache=True, nogil=True, error_model="numpy", _nrt=False, inline="always"
)
"""Compile a rule (or a driver) with numba: cached on disk, no fast-math, numpy's error
model (a division by zero gives inf or NaN, caught by the model's finite-state check), no
reference counting (`_nrt=False`) and inlined into its caller (`inline="always"`). A rule
only reads and writes the arrays it is given and allocates none (scratch space comes in
budgets.Scratch): counting references to the ~130 arrays of the state's named tuples on
every access cost about 45 us a replicate-month, and passing the tuples to a call that is
not inlined about 1.5 us more, against about 2 us for the month itself."""

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
the batch; transcendental functions come from the C library, which may differ in the last
bit between machines (README, Reproducibility).

numba's disk cache does not notice when a rule in another file that a cached driver calls
has changed; `prepare()` removes this package's cache when any of its sources changed since
the cache was written.
"""

import hashlib
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numba

SOURCES = tuple(sorted(Path(__file__).parent.glob("*.py")))
"""The files whose compiled code depends on each other (rules, helpers, drivers)."""

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

counted: Callable[[Callable[..., Any]], Any] = numba.njit(
    cache=True, nogil=True, error_model="numpy"
)
"""Compile a function that needs numba's reference counting (one that makes array views or
uses numpy's Generator): the stream drawer and the finite-state check, called once a run or
a month, not per replicate."""


def fingerprint() -> str:
    """A digest of the rules' sources and numba's version."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in SOURCES:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _month() -> Any:
    from sim.model.mechanisms.month import month_step  # month.py imports this module

    return month_step


def cache_folder() -> Path:
    """Where numba caches the compiled month, as numba's own cache locator chose it:
    NUMBA_CACHE_DIR when set, else the __pycache__ beside the sources, else (the package
    installed read-only) numba's user-wide cache folder."""
    return Path(_month()._cache._cache_path)


def _stamp() -> Path:
    return cache_folder() / f"rules-{fingerprint()}.stamp"


def stamped() -> bool:
    """Was numba's cache folder stamped for these sources (its code compiled from them)?"""
    return _stamp().exists()


def cached() -> bool:
    """Does numba's cache hold the month compiled from these sources for the CPU numba
    targets now (NUMBA_CPU_NAME, or this machine's)? numba's own index of the month says:
    it keys each compiled version on the CPU name and features, so one folder keeps a
    build per CPU side by side."""
    from numba.core.registry import cpu_target

    wanted = cpu_target.target_context.codegen().magic_tuple()
    index = _month()._cache._cache_file._load_index()  # {} when stale or missing
    return stamped() and any(key[1] == wanted for key in index)


def _drop_stale(folder: Path) -> None:
    """Remove this package's compiled code and stamps from `folder`, then stamp it for
    these sources: numba would otherwise reuse a driver compiled with an older rule."""
    prefixes = tuple(f"{path.stem}." for path in SOURCES)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for entry in folder.iterdir():
            stale_stamp = entry.name.startswith("rules-") and entry.suffix == ".stamp"
            stale_code = entry.suffix in (".nbi", ".nbc") and entry.name.startswith(prefixes)
            if stale_stamp or stale_code:
                entry.unlink(missing_ok=True)
        _stamp().touch()
    except OSError:  # a folder we cannot write: numba caches elsewhere or not at all
        pass


@cache
def prepare(say: bool = True) -> None:
    """Before the first run of a process: when the cache was not written for these sources,
    drop it; when the month is not cached for the CPU numba targets, say on stderr that the
    rules are about to be compiled, and where numba will cache them."""
    if numba.config.DISABLE_JIT:  # uncompiled (debugging)
        return
    if not stamped():
        _drop_stale(cache_folder())
    if say and not cached():
        print(
            f"note: compiling the model's rules for {target()} (once, a minute or two; cached"
            f" in {cache_folder()}; `make` does it at set-up)",
            file=sys.stderr,
            flush=True,
        )


def target() -> str:
    """The CPU numba compiles for, in words."""
    name = numba.config.CPU_NAME
    return f"a {name} CPU (NUMBA_CPU_NAME)" if name else "this CPU"

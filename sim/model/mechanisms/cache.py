"""Where numba caches the compiled month, whether it is cached for the CPU numba targets,
and a cache that follows the rules' sources.

numba compiles the rules (compiled.rule) on first use and caches the machine code in the
folder its cache locator chooses: NUMBA_CACHE_DIR when set, else the __pycache__ beside the
sources, else (the package installed read-only) numba's user-wide cache folder. Its index
keys each build on the CPU's name and features, so one folder keeps a build per CPU side by
side (this machine's, and the generic one `make test` also runs). numba's cache does not
notice when a rule in another file that a cached driver calls has changed: `prepare()` drops
this package's cache when any of its sources changed since the cache was written.
"""

import hashlib
import sys
from functools import cache
from pathlib import Path

import numba
from numba.core.registry import cpu_target

from sim.model.mechanisms.month import month_step

SOURCES = tuple(sorted(Path(__file__).parent.glob("*.py")))
"""The files whose compiled code depends on each other (rules, helpers, drivers)."""

LAYOUT = Path(__file__).parent.parent / "state.py"
"""The state's layout (state.packed), which the compiled month's array types follow."""


def fingerprint() -> str:
    """A digest of the rules' sources, the state's layout and numba's version."""
    digest = hashlib.sha256(numba.__version__.encode())
    for path in (*SOURCES, LAYOUT):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def cache_folder() -> Path:
    """Where numba caches the compiled month, as numba's own cache locator chose it:
    NUMBA_CACHE_DIR when set, else the __pycache__ beside the sources, else (the package
    installed read-only) numba's user-wide cache folder."""
    return Path(month_step._cache._cache_path)


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
    wanted = cpu_target.target_context.codegen().magic_tuple()
    index = month_step._cache._cache_file._load_index()  # {} when stale or missing
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

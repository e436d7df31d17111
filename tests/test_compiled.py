"""The one compiled implementation: numpy's random numbers, the same code uncompiled for
debugging, a cache that follows the rules' sources, and a clear first-compile note."""

import os
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.mechanisms import cache, maths
from sim.model.randomness import N_NORMAL, N_STATIC, N_UNIFORM, Shocks

ROOT = Path(__file__).resolve().parents[1]


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**63 - 1),
    replicate_ids=st.lists(st.integers(0, 10**9), min_size=1, max_size=6, unique=True),
    months=st.integers(1, 40),
)
def test_each_replicates_shocks_are_numpys_own_stream(seed, replicate_ids, months):
    shocks = Shocks(seed, np.array(replicate_ids), months)
    for row, replicate in enumerate(replicate_ids):
        stream = np.random.Generator(
            np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(replicate,)))
        )
        assert np.array_equal(shocks.uniforms[:, row], stream.random((months, N_UNIFORM)))
        assert np.array_equal(shocks.normals[:, row], stream.standard_normal((months, N_NORMAL)))
        assert np.array_equal(shocks.static[row], stream.standard_normal(N_STATIC))


@pytest.mark.parametrize("seed", [0, 2**32, 2**64 + 5, 2**100 + 1])
def test_seeds_and_replicate_ids_of_several_words_give_numpys_streams(seed):
    ids = np.array([0, 2**32 - 1, 2**32, 2**62 + 3])  # a spawn key of one word, then two
    shocks = Shocks(seed, ids, 3)
    for row, replicate in enumerate(ids):
        sequence = np.random.SeedSequence(seed, spawn_key=(int(replicate),))
        stream = np.random.Generator(np.random.PCG64(sequence))
        assert np.array_equal(shocks.uniforms[:, row], stream.random((3, N_UNIFORM)))
        assert np.array_equal(shocks.normals[:, row], stream.standard_normal((3, N_NORMAL)))


def test_the_compiled_draws_reach_the_ziggurats_tail():
    # about 3 in 10,000 standard normals fall in the tail, drawn with log and exp
    shocks = Shocks(7, np.arange(30), 120)
    assert np.abs(shocks.normals).max() > 3.7


MATHS = (maths.exp, maths.log, maths.log1p, maths.expm1)


@numba.njit(cache=False)
def _compiled_maths(x, out):
    for i in range(len(x)):
        out[0, i] = maths.exp(x[i])
        out[1, i] = maths.log(x[i])
        out[2, i] = maths.log1p(x[i])
        out[3, i] = maths.expm1(x[i])


def _same_bits_compiled_and_plain(x: np.ndarray) -> None:
    compiled = np.empty((len(MATHS), len(x)))
    _compiled_maths(x, compiled)
    plain = np.array([[function(value) for value in x] for function in MATHS])
    assert np.array_equal(compiled, plain, equal_nan=True)
    numbers = ~np.isnan(compiled)  # a NaN's sign bit means nothing
    assert np.array_equal(np.signbit(compiled[numbers]), np.signbit(plain[numbers]))


def test_the_rules_maths_give_the_compiled_bits_when_run_as_plain_python():
    # numpy's AVX-512 exp, log, log1p and expm1 differ from the C library's in the last bit
    # for 0.2-8.5 % of such arguments; the rules' own give the compiled month's bits uncompiled
    x = np.random.default_rng(3).uniform(-0.999, 12.0, 50_000)
    _same_bits_compiled_and_plain(x)
    _same_bits_compiled_and_plain(-x)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40))
def test_the_rules_maths_match_the_compiled_code_at_every_float(values):
    _same_bits_compiled_and_plain(np.array(values))


def test_the_rules_maths_never_raise_where_the_compiled_code_gives_inf_or_nan():
    x = np.array([0.0, -0.0, -1.0, -2.0, 1000.0, -1000.0, np.inf, -np.inf, np.nan])
    plain = np.array([[function(value) for value in x] for function in MATHS])
    assert plain[0, 4] == np.inf and plain[1, 0] == -np.inf and np.isnan(plain[1, 2])
    assert plain[2, 2] == -np.inf and np.isnan(plain[2, 3]) and plain[3, 5] == -1.0
    _same_bits_compiled_and_plain(x)


RUN = """
import sys, numpy as np
from sim import load_scenario, run
scenario = load_scenario("scenarios/baseline.yaml").with_params(
    replicates=3, horizon_months=5,
    events=[{"month": 2, "trigger": "armed_clash", "between": ["dprk", "rok"]}])
arrays = run(scenario, progress=False).arrays
np.savez(sys.argv[1], **arrays)
"""


@pytest.mark.slow  # two interpreters, one running the rules as plain Python
def test_the_rules_run_uncompiled_for_debugging_with_the_same_results(tmp_path):
    """NUMBA_DISABLE_JIT=1 runs the very same rules as plain Python: same numbers."""
    results = {}
    for jit in ("0", "1"):
        out = tmp_path / f"jit{jit}.npz"
        env = {**os.environ, "NUMBA_DISABLE_JIT": jit}
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(out)], cwd=ROOT, env=env, capture_output=True
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        results[jit] = np.load(out)
    for name in results["0"].files:
        assert np.array_equal(results["0"][name], results["1"][name], equal_nan=True), name


def test_a_changed_rule_source_drops_the_stale_cache(tmp_path, monkeypatch):
    """numba's cache would keep a driver compiled with an older rule from another file."""
    folder = tmp_path / "__pycache__"
    folder.mkdir()
    stale = [folder / "escalation.armed_clashes-10.py312.nbi", folder / "rules-old.stamp"]
    kept = folder / "unrelated.py312.pyc"
    for path in (*stale, kept):
        path.touch()
    monkeypatch.setattr(cache, "cache_folder", lambda: folder)
    cache.prepare.cache_clear()
    try:
        cache.prepare(say=False)
    finally:
        cache.prepare.cache_clear()
    assert not any(path.exists() for path in stale) and kept.exists()
    assert cache.stamped()  # stamped for the current sources


def _notes(capsys, monkeypatch, month_cached: bool) -> str:
    """What prepare() says on stderr when the month is (not) cached for this CPU."""
    monkeypatch.setattr(cache, "cached", lambda: month_cached)
    cache.prepare.cache_clear()
    try:
        cache.prepare()
    finally:
        cache.prepare.cache_clear()
    return capsys.readouterr().err


def test_the_first_compile_note_is_said_when_the_month_is_not_cached_for_this_cpu(
    capsys, monkeypatch
):
    assert _notes(capsys, monkeypatch, month_cached=True) == ""
    err = _notes(capsys, monkeypatch, month_cached=False)
    assert err.startswith("note: compiling the model's rules for this CPU (once")
    assert f"cached in {cache.cache_folder()};" in err


def test_cached_asks_numbas_own_index_of_the_month_for_the_cpu_it_targets(
    started_model, monkeypatch
):
    """numba keys each cached build on the CPU's name and features: the month compiled for
    this machine does not count as compiled for another CPU (NUMBA_CPU_NAME)."""
    started_model(1, months=1)  # the month compiled (or loaded from the cache) for this CPU
    assert cache.cached()
    monkeypatch.setattr(numba.config, "CPU_NAME", "a-cpu-never-compiled-for")
    assert not cache.cached()


LOCATE = """
from sim.model.mechanisms import cache, maths
cache.prepare()
print(cache.cache_folder())
print(cache.stamped(), cache.cached())
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    "numba_env",
    [
        # numba's choice when the package folder cannot be written (a read-only install)
        {"NUMBA_CACHE_LOCATOR_CLASSES": "UserWideCacheLocator"},
        {"NUMBA_CACHE_DIR": "{tmp}/chosen"},
    ],
    ids=["read-only-install", "NUMBA_CACHE_DIR"],
)
def test_the_note_and_the_stamp_go_where_numba_caches(tmp_path, numba_env):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    env |= {key: value.format(tmp=tmp_path) for key, value in numba_env.items()}
    env.pop("NUMBA_DISABLE_JIT", None)
    done = subprocess.run(
        [sys.executable, "-c", LOCATE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    folder, state = done.stdout.splitlines()
    assert Path(folder).is_relative_to(tmp_path)  # not the package's __pycache__
    assert state == "True False"  # stamped there; nothing compiled there yet
    assert f"cached in {folder};" in done.stderr


def test_a_sweeps_shocks_are_contiguous_like_a_runs():
    """A sweep repeats replicate ids across its points; its month of shocks must still be
    C-contiguous, or the compiled month is compiled again (minutes) in every sweep worker
    instead of loading the variant cached at set-up."""
    for ids in (np.arange(4), np.array([0, 1, 0, 1]), np.array([3, 1, 2])):
        month = Shocks(7, ids, 2).month(2)
        assert month.normals.flags["C_CONTIGUOUS"] and month.uniforms.flags["C_CONTIGUOUS"]

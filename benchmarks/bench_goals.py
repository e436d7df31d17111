"""The speed goals in one run: every figure with its goal and PASS or SHORT (`make bench`).

  model      the batched model's months (baseline, 120 months) per replicate-month, against
             a fused compiled reference: one numba loop over replicates doing a same-sized
             stand-in of the month's arithmetic (reference_month below); goal: within 1.5x.
             Like for like: the reference's shocks are drawn and its record touched before
             its clock starts, so the model's are too (model_months); the whole run
             (drawing the shocks, first touch of the record, the months) against the same
             reference, goal within 2.5x. Measured at --model-replicates (default 10,000);
             replicates 0-9 of that batch are checked bit for bit against a run of those 10
             alone. Also: a fresh process's load of the cached compiled month (goal < 0.5 s).
  run        `run.py scenarios/baseline.yaml --replicates 1000` end to end in a fresh
             process, with plots (goal < 2.5 s) and with --no-plots (goal < 1.5 s), median of
             --repeats; peak memory of those processes (goal < 500 MB).
  validate   `run.py validate scenarios/*.yaml` (goal < 1 s).
  scale      100,000 runs end to end with outcomes written, on 2 workers (goal < 8 s), and
             the ratio to mesa.batch_run on the same model, extrapolated from a timed sample
             as in bench_scale.py (goal >= 1,200x); peak RSS of the workers. Chunks of
             --chunk-size runs (default 2,000, the command line's).
  million    with --million: 1,000,000 outcome-only runs streamed to Parquet on 2 workers,
             peak RSS of parent and workers (bounded: it does not grow with the runs).
  commands   the README's two commands on this clone, set up already: `make run` and
             `make test` (goal: at most 2 minutes), once each.

With --json PATH (`make bench`: docs/generated/bench.json) each part measured is kept in
that record with its date, machine (CPU model, cores) and load, beside the parts an earlier
`--only` call measured; `python -m sim.docgen --speed` renders docs/speed.md's table and the
README's times from it.

Timings are wall clock on a shared machine: the load average at the start and end is
printed with them. Not part of the tests. Run from the project root:

    make bench
    .venv/bin/python benchmarks/bench_goals.py [--repeats 3] [--million] [--json PATH]
"""

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numba
import numpy as np
from bench_scale import DescendantPeaks
from bench_speed import BatchRunAllianceModel, baseline
from mesa.batchrunner import batch_run

from sim.execution import runner
from sim.execution.settings import DEFAULT_CHUNK, JobSettings
from sim.execution.sweep import run_ensemble
from sim.model.model import AllianceModel
from sim.scenario.scenario import Scenario

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
GOALS = {
    "model_ratio": 1.5,
    "whole_ratio": 2.5,
    "load_s": 0.5,
    "run_plots_s": 2.5,
    "run_no_plots_s": 1.5,
    "run_peak_mib": 500.0,
    "validate_s": 1.0,
    "scale_s": 8.0,
    "scale_ratio": 1200.0,
    "make_test_s": 120.0,
}


# --- the fused reference: a same-sized stand-in of one month, one pass per replicate ---------


@numba.njit(cache=True, fastmath=False)
def reference_month(
    t: int,
    spending: np.ndarray,  # (R, 7)
    departure: np.ndarray,  # (R, 7)
    gdp: np.ndarray,  # (R, 7)
    tension: np.ndarray,  # (R, 7, 7)
    rest: np.ndarray,  # (7, 7)
    reactivity: np.ndarray,  # (7, 7)
    sanctions: np.ndarray,  # (R, 4, 2)
    trade: np.ndarray,  # (R, 2, 7)
    ties: np.ndarray,  # (R, 2, 7)
    counts: np.ndarray,  # (R, 4): clashes, wars, reciprocity, provocations
    normals: np.ndarray,  # (R, months, 36)
    uniforms: np.ndarray,  # (R, months, 27)
    record: np.ndarray,  # (months + 1, R, 79)
) -> None:
    """The month's arithmetic, fused: the same array sizes and about the same operations as
    AllianceModel.step (Richardson drive over a 7x7 reaction matrix, spending noise and
    trend, tension relaxation and 21 noisy dyads with a clip, 8 clash hazards with exp and
    escalation, a Poisson inversion, 4x2 sanctions and trade with exp, ties, output growth
    with exp, support and commitment, decisions, and 79 recorded values)."""
    dt = 1.0 / 12.0
    n_rep = spending.shape[0]
    capability = np.empty(7)
    for r in range(n_rep):
        z = normals[r, t - 1]
        u = uniforms[r, t - 1]
        # decisions: a target per actor from tension and spending
        decision = 0.0
        for i in range(7):
            mean_t = 0.0
            for j in range(7):
                mean_t += tension[r, i, j]
            decision += 0.1 * mean_t / 7.0 + 0.01 * spending[r, i] / (1.0 + gdp[r, i])
        # Richardson
        for j in range(7):
            capability[j] = spending[r, j] * (1.0 + 0.01 * decision)
        for i in range(7):
            drive = 0.0
            for j in range(7):
                f = 1.0 + 0.5 * (tension[r, i, j] - rest[i, j])
                f = max(f, 0.0) * reactivity[i, j] * capability[j]
                drive += f
            planned = 0.0
            for j in range(7):
                planned += reactivity[i, j] * spending[r, j]
            departure[r, i] += dt * (drive - planned - 0.2 * departure[r, i])
            before = spending[r, i]
            spending[r, i] = max(0.0, spending[r, i] + departure[r, i] * dt)
            spending[r, i] += spending[r, i] * 0.02 * np.sqrt(dt) * z[i]
            spending[r, i] = min(spending[r, i], 0.3 * gdp[r, i])
            if before > 0 and spending[r, i] > 0:
                departure[r, i] += 0.0 * np.log(spending[r, i] / before)
        # tension: relax, noise on 21 dyads, clip
        d = 0
        for i in range(7):
            for j in range(i + 1, 7):
                value = tension[r, i, j] + 0.5 * dt * (rest[i, j] - tension[r, i, j])
                value += 0.05 * np.sqrt(dt) * z[15 + d]
                value = min(1.0, max(0.0, value))
                tension[r, i, j] = value
                tension[r, j, i] = value
                d += 1
        # provocations: Poisson by inversion
        rate = 0.5 + 0.1 * tension[r, 0, 4]
        term = np.exp(-rate)
        cumulative = term
        count = 0
        while u[0] >= cumulative and count < 30:
            count += 1
            term = term * rate / count
            cumulative += term
        counts[r, 3] = count
        # clashes: 8 dyads
        for m in range(2):
            for k in range(4):
                dyad = 2 + k
                hazard = 0.1 * np.exp(3.0 * (tension[r, m, dyad] - rest[m, dyad]))
                if u[2 + 4 * m + k] < -np.expm1(-hazard * dt):
                    counts[r, 0] += 1
                    tension[r, m, dyad] = min(1.0, tension[r, m, dyad] + 0.1)
                    tension[r, dyad, m] = tension[r, m, dyad]
                    if u[18 + 4 * m + k] < 0.1:
                        counts[r, 1] += 1
                        if u[10 + 4 * m + k] < 0.5:
                            counts[r, 2] += 1
        # sanctions and trade
        for s in range(4):
            for m in range(2):
                sanctions[r, s, m] += dt * 0.5 * (0.8 - sanctions[r, s, m])
                direct = 10.0 * np.exp(-2.0 * (sanctions[r, s, m] - 0.5))
                trade[r, m, 2 + s] += dt * (direct - trade[r, m, 2 + s])
        for m in range(2):
            for j in range(7):
                ties[r, m, j] += dt * 0.3 * (0.5 - ties[r, m, j])
        # economy
        for i in range(7):
            gdp[r, i] *= np.exp(0.02 * dt + 0.01 * np.sqrt(dt) * z[7 + i])
        # record 79 values
        out = record[t, r]
        for i in range(7):
            out[i] = spending[r, i]
            out[7 + i] = capability[i]
            out[14 + i] = gdp[r, i]
            out[21 + i] = departure[r, i]
            out[28 + i] = spending[r, i] / gdp[r, i]
        for m in range(2):
            total = 0.0
            for j in range(7):
                total += trade[r, m, j]
            out[35 + m] = total
            out[37 + m] = sanctions[r, 0, m]
        k = 39
        for i in range(7):
            for j in range(i + 1, 7):
                if k < 75:
                    out[k] = tension[r, i, j]
                    k += 1
        for c in range(4):
            out[75 + c] = counts[r, c]


def reference_run(replicates: int, months: int = 120) -> float:
    """Seconds for `months` fused months of `replicates` replicates (draws, state and the
    record allocated and touched before the clock starts: the practical limit)."""
    rng = np.random.default_rng(1)
    state = dict(
        spending=rng.uniform(1, 100, (replicates, 7)),
        departure=np.zeros((replicates, 7)),
        gdp=rng.uniform(100, 1000, (replicates, 7)),
        tension=np.full((replicates, 7, 7), 0.4),
        rest=np.full((7, 7), 0.4),
        reactivity=np.full((7, 7), 0.02),
        sanctions=np.full((replicates, 4, 2), 0.5),
        trade=np.ones((replicates, 2, 7)),
        ties=np.full((replicates, 2, 7), 0.5),
        counts=np.zeros((replicates, 4)),
        normals=rng.standard_normal((replicates, months, 36)),
        uniforms=rng.random((replicates, months, 27)),
        record=np.zeros((months + 1, replicates, 79)),
    )
    state["record"].fill(1.0)  # touched before the clock: the reference pays no page faults
    start = time.perf_counter()
    for t in range(1, months + 1):
        reference_month(t, **state)
    return time.perf_counter() - start


# --- the figures --------------------------------------------------------------------------------


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def model_months(scenario: Scenario) -> tuple[float, float, dict[str, np.ndarray]]:
    """Seconds for the model's months alone, like the reference: the shocks are drawn and the
    record's pages touched before the clock starts; also the seconds of that set-up."""
    start = time.perf_counter()
    model = AllianceModel(scenario)
    model.recorder.values.fill(0.0)  # first touch before the clock, as the reference's record
    setup = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(scenario.spec.horizon_months):
        model.step()
    return time.perf_counter() - start, setup, model.release()


LOAD = """
import time
from sim.model.model import AllianceModel
from sim.scenario.scenario import scenario_from_json
model = AllianceModel(scenario_from_json('{"name": "load", "replicates": 2}'))
start = time.perf_counter()
model.step()  # the first call loads the cached compiled month
first = time.perf_counter() - start
start = time.perf_counter()
model.step()
print(first - (time.perf_counter() - start))
"""


def load_seconds(repeats: int) -> float:
    """Seconds a fresh process spends loading the cached compiled month (its first step
    less its second), median of `repeats` processes."""
    times = []
    for _ in range(repeats):
        done = subprocess.run([PY, "-c", LOAD], cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"loading the compiled month failed:\n{done.stderr[-2000:]}")
        times.append(float(done.stdout.split()[-1]))
    return statistics.median(times)


def model_figures(replicates: int, repeats: int) -> dict[str, Any]:
    scenario = baseline().with_params(replicates=replicates)
    months = scenario.spec.horizon_months
    reference_run(100)  # compile (or load from the cache)
    fused = statistics.median(reference_run(replicates, months) for _ in range(repeats))
    out: dict[str, Any] = {"replicates": replicates, "fused_s": fused}
    runner.run(scenario.with_params(replicates=50), progress=False)  # warm up
    steps, setups, wholes = [], [], []
    for _ in range(repeats):
        step_s, setup_s, _ = model_months(scenario)
        steps.append(step_s)
        setups.append(setup_s)
        start = time.perf_counter()
        result = runner.run(scenario, progress=False)
        wholes.append(time.perf_counter() - start)
    alone = runner.run(scenario.with_params(replicates=10), progress=False)
    out["identical"] = all(
        np.array_equal(values[:, :10], alone.arrays[name], equal_nan=True)
        for name, values in result.arrays.items()
    )
    del result
    out["months_s"] = statistics.median(steps)
    out["setup_s"] = statistics.median(setups)
    out["whole_s"] = statistics.median(wholes)
    per = 1e6 / (replicates * months)
    out["fused_us"] = fused * per
    out["months_us"] = out["months_s"] * per
    out["whole_us"] = out["whole_s"] * per
    out["ratio"] = out["months_s"] / fused
    out["ratio_whole"] = out["whole_s"] / fused
    out["load_s"] = load_seconds(repeats)
    return out


TIME = Path("/usr/bin/time")


def timed_process(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of a fresh `python run.py ...` process.

    The peak comes from GNU time's %M (the run.py process alone): this process's own
    RUSAGE_CHILDREN would count the memory of this benchmark, which the child had before it
    exec'd run.py. NaN without /usr/bin/time."""
    command = [PY, "run.py", *args]
    if TIME.exists():
        command = [str(TIME), "-f", "maxrss_kib=%M", *command]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"run.py {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    peaks = [line for line in done.stderr.splitlines() if line.startswith("maxrss_kib=")]
    return seconds, int(peaks[-1].split("=")[1]) / 1024 if peaks else float("nan")


def run_figures(repeats: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = ["scenarios/baseline.yaml", "--replicates", "1000", "--out", tmp]
        timed_process([*base, "--no-plots"])  # warm the file cache and numba's cache
        peaks = []
        for name, extra in (("run_no_plots", ["--no-plots"]), ("run_plots", [])):
            runs = [timed_process(base + extra) for _ in range(repeats)]
            out[f"{name}_s"] = statistics.median(s for s, _ in runs)
            out[f"{name}_all_s"] = [s for s, _ in runs]
            peaks += [mib for _, mib in runs]
        out["run_peak_mib"] = max(peaks)
        files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))
        out["validate_s"] = statistics.median(
            timed_process(["validate", *files])[0] for _ in range(repeats)
        )
    return out


class OwnPeak:
    """This process's resident memory (MiB) when the block starts and its peak while in the
    block, sampled from /proc/self/status (its maxrss would include what the model figures
    held before; what they left allocated shows in `start`)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval, self.peak = interval, 0.0
        self.start = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "OwnPeak":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def rss() -> float:
        status = Path("/proc/self/status")
        if not status.exists():
            return float("nan")
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.rss())


def ensemble(runs: int, workers: int, chunk: int) -> tuple[float, list[float], tuple[float, float]]:
    """Seconds for `runs` runs end to end with outcomes written, the workers' peak RSS and
    this process's RSS at the start and its peak during the runs (MiB)."""
    scenario = baseline().with_params(replicates=runs)
    # the samplers read /proc from this process: rarely, so as not to take a core's time from
    # the workers (a worker's VmHWM is a high-water mark, so a late sample still sees it)
    with (
        tempfile.TemporaryDirectory() as tmp,
        DescendantPeaks(interval=1.0) as peaks,
        OwnPeak(interval=0.25) as own,
    ):
        start = time.perf_counter()
        run_ensemble(scenario, JobSettings(Path(tmp), workers, chunk_size=chunk, progress=False))
        seconds = time.perf_counter() - start
    return seconds, peaks.workers(), (own.start, own.peak)


def scale_figures(runs: int, workers: int, chunk: int, batch_sample: int) -> dict[str, Any]:
    seconds, worker_peaks, _ = ensemble(runs, workers, chunk)
    batch_args: dict[str, Any] = {
        "rng": [baseline().spec.seed],
        "number_processes": 1,
        "data_collection_period": 1,
        "max_steps": baseline().spec.horizon_months,
        "display_progress": False,
    }
    batch_run(BatchRunAllianceModel, parameters={"replicate": [0]}, **batch_args)  # warm-up
    start = time.perf_counter()
    batch_run(
        BatchRunAllianceModel, parameters={"replicate": list(range(batch_sample))}, **batch_args
    )
    batch_s = (time.perf_counter() - start) * runs / batch_sample
    return {
        "runs": runs,
        "workers": workers,
        "chunk": chunk,
        "scale_s": seconds,
        "batch_run_s": batch_s,
        "scale_ratio": batch_s / seconds,
        "worker_peak_mib": max(worker_peaks, default=float("nan")),
    }


def verdict(value: float, goal: float, higher_is_better: bool = False) -> str:
    ok = value >= goal if higher_is_better else value <= goal
    return "PASS" if ok else "SHORT"


Row = tuple[str, str, str, str]
"""(figure, measured, goal, verdict): a line of the printout and of docs/speed.md's table."""


def row(label: str, measured: str, goal: str = "", verdict_: str = "") -> Row:
    return (label, measured, goal, verdict_)


HEADER: Row = ("figure", "measured", "goal", "verdict")


def line(figure: Row) -> str:
    label, measured, goal, verdict_ = figure
    return f"{label:<58} {measured:>14} {goal:>10}  {verdict_}".rstrip()


def model_rows(m: dict[str, Any]) -> list[Row]:
    model = f"model months / fused reference loop, R = {m['replicates']:,}"
    return [
        row(model, f"{m['ratio']:.2f}x", "<= 1.5x", verdict(m["ratio"], GOALS["model_ratio"])),
        row("  model months, us per replicate-month", f"{m['months_us']:.2f}"),
        row("  fused reference loop, us per replicate-month", f"{m['fused_us']:.3f}"),
        row(
            "whole run (draws, first touch, months) / fused loop",
            f"{m['ratio_whole']:.2f}x",
            "<= 2.5x",
            verdict(m["ratio_whole"], GOALS["whole_ratio"]),
        ),
        row("  whole run, us per replicate-month", f"{m['whole_us']:.2f}"),
        row("  set-up before the months (draws, state, touch), s", f"{m['setup_s']:.2f}"),
        row(
            "fresh process: loading the cached compiled month, s",
            f"{m['load_s']:.2f}",
            "< 0.5",
            verdict(m["load_s"], GOALS["load_s"]),
        ),
        row(
            "replicates 0-9 of the batch = the same run alone, bits",
            str(m["identical"]),
            "True",
            "PASS" if m["identical"] else "FAIL",
        ),
    ]


def run_rows(r: dict[str, Any]) -> list[Row]:
    return [
        row(
            "run.py baseline --replicates 1000, plots, s",
            f"{r['run_plots_s']:.2f}",
            "< 2.5",
            verdict(r["run_plots_s"], GOALS["run_plots_s"]),
        ),
        row(
            "run.py baseline --replicates 1000 --no-plots, s",
            f"{r['run_no_plots_s']:.2f}",
            "< 1.5",
            verdict(r["run_no_plots_s"], GOALS["run_no_plots_s"]),
        ),
        row(
            "run.py peak memory (largest of those runs), MiB",
            f"{r['run_peak_mib']:.0f}",
            "< 500",
            verdict(r["run_peak_mib"], GOALS["run_peak_mib"]),
        ),
        row(
            "run.py validate scenarios/*.yaml, s",
            f"{r['validate_s']:.2f}",
            "< 1",
            verdict(r["validate_s"], GOALS["validate_s"]),
        ),
    ]


def scale_rows(s: dict[str, Any]) -> list[Row]:
    scale = f"{s['runs']:,} runs, outcomes written, {s['workers']} workers, s"
    goals = [
        ("< 8", verdict(s["scale_s"], GOALS["scale_s"])),
        (">= 1,200x", verdict(s["scale_ratio"], GOALS["scale_ratio"], higher_is_better=True)),
    ]
    if s["runs"] != 100_000:  # the goals are for 100,000 runs; a smaller check is not judged
        goals = [(f"({goal} at 100,000)", "") for goal, _ in goals]
    return [
        row(scale, f"{s['scale_s']:.1f}", *goals[0]),
        row(
            "  mesa.batch_run / ours (mesa.batch_run extrapolated)",
            f"{s['scale_ratio']:,.0f}x",
            *goals[1],
        ),
        row(
            f"  worker peak memory, MiB (chunks of {s['chunk']:,})",
            f"{s['worker_peak_mib']:.0f}",
        ),
    ]


def million_rows(mm: dict[str, Any]) -> list[Row]:
    return [
        row("1,000,000 outcome-only runs streamed, 2 workers, s", f"{mm['seconds']:.1f}"),
        row(
            "  memory: parent at start-peak | largest worker, MiB",
            f"{mm['parent_start_mib']:.0f}-{mm['parent_mib']:.0f} | {mm['worker_mib']:.0f}",
            "bounded",
        ),
    ]


def million_figures(workers: int, chunk: int) -> dict[str, Any]:
    seconds, worker_peaks, parent = ensemble(1_000_000, workers, chunk)
    return {
        "seconds": seconds,
        "worker_mib": max(worker_peaks, default=float("nan")),
        "parent_start_mib": parent[0],
        "parent_mib": parent[1],
    }


def timed_make(target: str) -> float:
    """Wall seconds of `make TARGET` in the project root (already set up)."""
    start = time.perf_counter()
    done = subprocess.run(["make", target], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"make {target} failed:\n{(done.stdout + done.stderr)[-2000:]}")
    return seconds


def command_figures() -> dict[str, Any]:
    """The README's two commands on this clone once set up (`make setup` first, untimed: a
    stale compiled build would otherwise be timed as part of `make test`), once each."""
    timed_make("setup")
    return {"make_run_s": timed_make("run"), "make_test_s": timed_make("test")}


def command_rows(c: dict[str, Any]) -> list[Row]:
    return [
        row("`make run` on a set-up clone, s", f"{c['make_run_s']:.0f}"),
        row(
            "`make test` on a set-up clone, s",
            f"{c['make_test_s']:.0f}",
            "<= 120",
            verdict(c["make_test_s"], GOALS["make_test_s"]),
        ),
    ]


ROWS = {
    "model": model_rows,
    "run": run_rows,
    "scale": scale_rows,
    "million": million_rows,
    "commands": command_rows,
}
"""Each part of the benchmark and its lines, in the printout's and the table's order."""


def machine() -> dict[str, Any]:
    """The CPU model, core count and system the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo")
    names = [
        entry.split(":", 1)[1].strip()
        for entry in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if entry.startswith("model name")
    ]
    return {
        "cpu": names[0] if names else platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "numba": numba.__version__,
    }


def measured(part: str, measure: Any, argv: list[str]) -> dict[str, Any]:
    """One part measured, with when, where, how, the load around it and its table rows."""
    before = load()
    print(f"{part}: {before}", flush=True)
    figures = measure()
    return {
        "date": f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "command": " ".join(["benchmarks/bench_goals.py", *argv]),
        "load_before": before,
        "load_after": load(),
        "rows": [list(figure) for figure in ROWS[part](figures)],
        "figures": figures,
    }


def keep(path: Path, parts: dict[str, dict[str, Any]]) -> None:
    """Write the parts measured now into the record at `path`, keeping the parts measured
    by an earlier call (`--only`) with their own date and machine. docs/speed.md's table and
    the README's times are rendered from it (`python -m sim.docgen --speed`)."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept = {name: old.get("parts", {})[name] for name in old.get("parts", {}) if name in ROWS}
    kept |= parts
    ordered = {name: kept[name] for name in ROWS if name in kept}
    record = {"columns": ["figure", "measured", "goal", "verdict"], "parts": ordered}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (median)")
    parser.add_argument("--model-replicates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--chunk-size", type=int, default=DEFAULT_CHUNK, help="runs a chunk (the CLI default)"
    )
    parser.add_argument("--batch-run-sample", type=int, default=20)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 runs streamed")
    parser.add_argument(
        "--json", type=Path, metavar="PATH", help="also keep the figures in this record"
    )
    parser.add_argument(
        "--only",
        choices=("model", "run", "scale", "commands"),
        action="append",
        help="measure only this part (repeatable; default all)",
    )
    args = parser.parse_args()
    chosen = set(args.only or ("model", "run", "scale", "commands"))
    if args.million:
        chosen.add("million")
    measures = {
        "model": lambda: model_figures(args.model_replicates, args.repeats),
        "run": lambda: run_figures(args.repeats),
        "scale": lambda: scale_figures(
            args.runs, args.workers, args.chunk_size, args.batch_run_sample
        ),
        "million": lambda: million_figures(args.workers, args.chunk_size),
        "commands": command_figures,
    }
    parts = {part: measured(part, measures[part], sys.argv[1:]) for part in ROWS if part in chosen}
    table = [tuple(figure) for entry in parts.values() for figure in entry["rows"]]
    print("\n".join(line(figure) for figure in [HEADER, *table]))
    print(f"after: {load()}")
    if args.json:
        keep(args.json, parts)
    return 0 if parts.get("model", {}).get("figures", {}).get("identical", True) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of the largest job each command allows by default, beside its estimate and
the memory budget: one line per command, PASS when the peak is within the budget.

    python benchmarks/peak_memory.py                 # every command (a few minutes)
    python benchmarks/peak_memory.py run compare     # some of them

Each size is the largest whose estimate (sim.execution.budget, the commands' own estimate
functions, default options: as many workers as cores) passes the budget check without
--allow-large, found by bisection on the command's size:
  run           baseline, replicates (the most a run keeps in memory; beyond them it is chunked)
  run-chunked   baseline on the default workers, replicates: its peak is the chunks in flight
                and the sample's series, whatever the job's size (CHUNKED_RUNS runs are enough)
  compare       baseline against itself, replicates each
  sweep         a Latin hypercube of design points, 1 replicate, 12 months: the most points
                (its analysis holds a row a point)
  hindcast      history_uncertain against observations/history.yaml, replicates
  condition     history_uncertain, prior draws (with its 2 x replicates hindcast runs)
  uncertainty   history_uncertain, parameter sets x 10 shock streams
Each runs as `python run.py ... --no-plots` in a fresh process. Its peak is the larger of the
process tree's summed proportional set size (psutil, sampled every 50 ms: the main process,
the forkserver, the resource tracker and the workers, shared pages counted once) and its
largest process's ru_maxrss (os.wait4; that alone without psutil). Not part of the test
suite.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

try:
    import psutil
except ImportError:  # then the peak is the largest process's ru_maxrss alone
    psutil = None

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim import load_scenario  # noqa: E402
from sim.cli import SERIES_LIMIT  # noqa: E402
from sim.errors import ResourceError  # noqa: E402
from sim.execution import budget  # noqa: E402
from sim.execution.settings import DEFAULT_CHUNK  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
HISTORY = ROOT / "scenarios" / "history_uncertain.yaml"
OBSERVATIONS = ROOT / "observations" / "history.yaml"
SHOCKS = 10
CHUNKED_RUNS = 40_000
SWEEP = """\
extends: {base}
name: peak_sweep
replicates: 1
horizon_months: 12
sweep:
  design: lhs
  points: {points}
  parameters:
    china.dialogue: [0.0, 1.0]
    usa.buildup: [0.0, 1.0]
"""


@dataclass(frozen=True)
class Case:
    """A command at its largest allowed size: `estimate(n)` of size n, `argv(n)` to run it."""

    name: str
    unit: str
    estimate: Callable[[int], budget.Estimate]
    argv: Callable[[int, Path], list[str]]
    most: int = 10**9  # beyond this size the command changes how it runs


def allowed(estimate: budget.Estimate) -> bool:
    try:
        budget.check(estimate, allow_large=False)
    except ResourceError:
        return False
    return True


def largest(case: Case) -> int:
    """The largest size n <= case.most whose estimate passes the budget."""
    low, high = 1, case.most
    if allowed(case.estimate(high)):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if allowed(case.estimate(middle)) else (low, middle)
    return low


def cases(workers: int) -> list[Case]:
    base, history = load_scenario(BASELINE).spec, load_scenario(HISTORY).spec
    months = base.horizon_months
    n = history.replicates

    def in_memory(runs: int, spec=history) -> budget.Estimate:
        return budget.parameter_sets_estimate(runs, spec.horizon_months, spec.substeps)

    def sweep_file(points: int, folder: Path) -> Path:
        path = folder / "peak_sweep.yaml"
        path.write_text(SWEEP.format(base=BASELINE, points=points))
        return path

    observed = ["--observations", str(OBSERVATIONS)]
    return [
        Case(
            "run",
            "replicates",
            lambda r: budget.in_memory_estimate(r, months, substeps=base.substeps),
            lambda r, _: ["run", str(BASELINE), "--replicates", str(r)],
            most=min(SERIES_LIMIT, budget.series_replicates(months)),
        ),
        Case(
            "run-chunked",
            "replicates",
            lambda r: budget.chunked_estimate(
                r, months, workers, DEFAULT_CHUNK, sample=budget.sample_replicates(r, months)
            ),
            lambda r, _: ["run", str(BASELINE), "--replicates", str(r), "--workers", str(workers)],
            most=CHUNKED_RUNS,
        ),
        Case(
            "compare",
            "replicates each",
            lambda r: in_memory(2 * r, base),
            lambda r, _: ["compare", str(BASELINE), str(BASELINE), "--replicates", str(r)],
        ),
        Case(
            "sweep",
            "design points",
            lambda p: budget.chunked_estimate(p, 12, workers, DEFAULT_CHUNK, points=p),
            lambda p, folder: ["sweep", str(sweep_file(p, folder)), "--workers", str(workers)],
            most=budget.MAX_POINTS,
        ),
        Case(
            "hindcast",
            "replicates",
            in_memory,
            lambda r, _: ["hindcast", str(HISTORY), *observed, "--replicates", str(r)],
        ),
        Case(
            "condition",
            "prior draws",
            lambda d: in_memory(d + 2 * n),
            lambda d, _: ["condition", str(HISTORY), *observed, "--draws", str(d)],
        ),
        Case(
            "uncertainty",
            f"sets x {SHOCKS} shocks",
            lambda s: in_memory(s * SHOCKS),
            lambda s, _: ["uncertainty", str(HISTORY), "--sets", str(s), "--shocks", str(SHOCKS)],
        ),
    ]


def _resident(process: psutil.Process) -> int:
    """A process's proportional set size (its private pages and its share of those it shares
    with the others, so a forked worker's pages are not counted twice), else its RSS."""
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):
        return process.memory_info().rss


def peak_of(argv: list[str]) -> tuple[int, int, float]:
    """Run `python run.py argv`; (exit status, peak bytes, seconds)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "run.py", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    sampled = [0]
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                family = [root, *root.children(recursive=True)]
                sampled[0] = max(sampled[0], sum(_resident(p) for p in family))
            except psutil.Error:
                pass
            time.sleep(0.05)

    watcher = threading.Thread(target=sample if psutil else done.wait, daemon=True)
    watcher.start()
    assert process.stderr is not None
    err = process.stderr.read()  # until the process and every helper holding it have ended
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    if process.returncode != 0:
        print(err.decode(errors="replace")[-1000:], file=sys.stderr)
    return process.returncode, max(sampled[0], usage.ru_maxrss * 1024), time.monotonic() - started


def mb(n: float) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commands", nargs="*", help="run, run-chunked, compare, sweep, ...")
    args = parser.parse_args()
    workers = os.cpu_count() or 1
    chosen = [c for c in cases(workers) if not args.commands or c.name in args.commands]
    limit = mb(budget.MEMORY_BUDGET)
    print(f"{'command':12} {'size':>28} {'estimate':>10} {'peak':>10} {'budget':>10}  result")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="peak-memory-") as scratch:
        folder = Path(scratch)
        for case in chosen:
            n = largest(case)
            estimate = case.estimate(n)
            argv = [*case.argv(n, folder), "--no-plots", "--out", str(folder / "out")]
            status, peak, seconds = peak_of(argv)
            verdict = "PASS" if status == 0 and peak <= budget.MEMORY_BUDGET else "FAIL"
            failed += verdict == "FAIL"
            note = f" (exit {status})" if status else ""
            note += " peak above the estimate" if peak > estimate.memory else ""
            print(
                f"{case.name:12} {f'{n:,} {case.unit}':>28} {mb(estimate.memory):>10} "
                f"{mb(peak):>10} {limit:>10}  {verdict}{note} [{seconds:.0f} s]",
                flush=True,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

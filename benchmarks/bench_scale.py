"""Scale benchmark: 100,000 baseline runs end to end, written to Parquet, against mesa.batch_run.

Runs the baseline scenario (scenarios/baseline.yaml, 120 monthly steps) --runs times
(default 100,000) and reports, in one run:

  (1) end to end, results written: `sim.execution.sweep.run_ensemble(scenario.with_params(
      replicates=N), JobSettings(<temporary folder>, W, chunk_size=C, progress=False))`, timed from
      before the call until it returns (process pool start-up, every chunk, the Parquet
      parts runs/part-*.parquet with one outcome row per run, summary.csv and manifest.json);
      also the size on disk of what it wrote and the number of part files; goal: under 60 s;
  (2) the same runs through `mesa.batch_run` (number_processes=1, spending collected monthly
      with a Mesa DataCollector, as in bench_speed.py): --batch-run-sample runs are timed and
      the total is EXTRAPOLATED to N; it writes nothing; goal: (2) / (1) at least 100;
  (3) peak memory, MiB: this process's maxrss (RUSAGE_SELF); the workers' as RUSAGE_CHILDREN
      reports it (largest reaped child) and, because sim.execution.executors starts workers from a
      forkserver (so they are grandchildren that RUSAGE_CHILDREN never sees), as sampled from
      /proc/<pid>/status VmHWM (peak RSS) of every descendant process during (1);
      chunking bounds both, whatever N;
  (4) determinism: the outcomes of a few sampled replicates (chunk edges included), read back
      from the written parts, equal the same replicates run alone (`runner.run(...,
      replicate_ids=[r])`), column by column, exactly.

Exit status 1 if (4) fails; the speed goals are reported, not enforced. The temporary results
folder is removed at the end unless --keep. Timings are noisy (one timed run each).

Run from the project root (not part of the tests; about a minute or two):

    .venv/bin/python benchmarks/bench_scale.py [--runs 100000] [--workers 2]
        [--chunk-size 5000] [--batch-run-sample 30] [--check-sample 6] [--keep]
        [--json results/bench_scale.json]
"""

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from bench_speed import BASELINE, ROOT, BatchRunAllianceModel, baseline, sample_ids
from mesa.batchrunner import batch_run

from sim.execution import runner
from sim.execution.settings import JobSettings
from sim.execution.sweep import run_ensemble
from sim.provenance import package_versions
from sim.results.parts import read_runs
from sim.scenario.scenario import Scenario

GOAL_SECONDS = 60.0
GOAL_RATIO = 100.0


@dataclass
class Case:
    """One timed case; `seconds` is for all `runs` (extrapolated if `measured_runs` < runs)."""

    case: str
    what: str
    runs: int
    measured_runs: int
    seconds: float
    ratio: float | None = None  # seconds / (1)'s seconds

    @property
    def per_run_ms(self) -> float:
        return 1000.0 * self.seconds / self.runs


def maxrss_mib(who: int) -> float:
    """Peak resident set size, MiB: RUSAGE_SELF, or RUSAGE_CHILDREN (largest reaped child)."""
    kib = resource.getrusage(who).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


class DescendantPeaks:
    """Peak RSS (VmHWM) of every descendant process, sampled from /proc while in the block.

    Worker pools started from a forkserver are grandchildren, so RUSAGE_CHILDREN misses them
    (and the forkserver stays alive); sampling their high-water mark works for any start
    method. Growth between the last sample and a worker's exit is missed (small: a worker's
    peak is in its chunks, and it idles before exiting). Linux only; elsewhere empty.
    """

    def __init__(self, interval: float = 0.1) -> None:
        self.interval = interval
        self.peaks: dict[int, float] = {}  # pid -> VmHWM, MiB
        self.parents: dict[int, int] = {}  # pid -> ppid
        self.helpers: set[int] = set()  # resource trackers, not sampled
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> "DescendantPeaks":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        """Record the current VmHWM of every process descended from this one."""
        proc = Path("/proc")
        if not proc.is_dir():
            return
        parents: dict[int, int] = {}
        for stat in proc.glob("[0-9]*/stat"):
            try:
                text = stat.read_text()
            except OSError:
                continue
            parents[int(stat.parent.name)] = int(text.rsplit(")", 1)[1].split()[1])
        mine, frontier = set(), {os.getpid()}
        while frontier:
            frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - mine
            mine |= frontier
        for pid in mine - self.helpers:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                if (
                    pid not in self.peaks
                    and b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
                ):
                    self.helpers.add(pid)  # multiprocessing's resource tracker: no work
                    continue
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    mib = int(line.split()[1]) / 1024
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), mib)
                    self.parents[pid] = parents[pid]

    def workers(self) -> list[float]:
        """Peaks of the leaf processes (the workers; a forkserver has children)."""
        has_children = set(self.parents.values())
        return [mib for pid, mib in self.peaks.items() if pid not in has_children]

    def others(self) -> list[float]:
        """Peaks of the non-leaf descendants (a forkserver, if any)."""
        has_children = set(self.parents.values())
        return [mib for pid, mib in self.peaks.items() if pid in has_children]


def folder_size(folder: Path) -> tuple[int, int, int]:
    """(bytes of all files, bytes of the part files, number of part files) under `folder`."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    parts = [
        p
        for p in files
        if p.parent.name == "runs" and p.name.startswith("part-") and p.suffix == ".parquet"
    ]
    return sum(p.stat().st_size for p in files), sum(p.stat().st_size for p in parts), len(parts)


def check_ids(runs: int, chunk_size: int, sample: int) -> np.ndarray:
    """Replicates to check: both sides of the first chunk edge, then ids spread over 0 .. N-1."""
    edges = [r for r in (chunk_size - 1, chunk_size) if r < runs]
    spread = sample_ids(runs, max(sample - len(edges), 1))
    return np.unique(np.concatenate([spread, np.array(edges, dtype=int)]))


def check_determinism(scenario: Scenario, written: pd.DataFrame, ids: np.ndarray) -> dict[str, Any]:
    """Compare replicate r's written outcome row with replicate r run alone, column by column.

    Exact equality (same dtype and value; NaN equals NaN only in the same place).
    """
    mismatches: list[str] = []
    for r in ids:
        alone = runner.run(scenario, replicate_ids=np.array([r]), progress=False).outcomes
        row = written.iloc[[int(r)]].reset_index(drop=True)
        if int(row["run"].iloc[0]) != r or int(row["point"].iloc[0]) != 0:
            mismatches.append(f"r={r}: row {r} holds run {int(row['run'].iloc[0])}")
            continue
        for column in alone.columns:
            if column not in row:
                mismatches.append(f"r={r}: column {column} not written")
                continue
            a, b = alone[column].to_numpy(), row[column].to_numpy()
            equal_nan = a.dtype.kind == "f"
            if a.dtype != b.dtype or not np.array_equal(a, b, equal_nan=equal_nan):
                mismatches.append(
                    f"r={r} {column}: written {b[0]!r} ({b.dtype}), alone {a[0]!r} ({a.dtype})"
                )
    return {
        "replicates_checked": [int(r) for r in ids],
        "all_equal": not mismatches,
        "mismatches": mismatches,
    }


def bench(
    runs: int,
    workers: int,
    chunk_size: int,
    batch_run_sample: int,
    check_sample: int,
    base: Path | None,
    keep: bool,
) -> dict[str, Any]:
    """Run the cases and the check; return everything as a JSON-ready dict."""
    scenario = baseline().with_params(replicates=runs)
    months = scenario.spec.horizon_months
    rss_start = maxrss_mib(resource.RUSAGE_SELF)
    root = Path(tempfile.mkdtemp(prefix="bench_scale-", dir=base))
    try:
        with DescendantPeaks() as sampled:
            start = time.perf_counter()
            options = JobSettings(root, workers, chunk_size=chunk_size, progress=False)
            folder, summary = run_ensemble(scenario, options)
            seconds_1 = time.perf_counter() - start
        rss_parent = maxrss_mib(resource.RUSAGE_SELF)
        rss_workers = maxrss_mib(resource.RUSAGE_CHILDREN)
        total_bytes, part_bytes, parts = folder_size(folder)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))

        written = read_runs(folder)
        complete = (
            len(written) == runs
            and manifest.get("status") == "complete"
            and np.array_equal(written["run"].to_numpy(), np.arange(runs))
            and np.array_equal(written["replicate"].to_numpy(), np.arange(runs))
        )
        ids_4 = check_ids(runs, chunk_size, check_sample)
        check = check_determinism(scenario, written, ids_4)
        check["all_rows_written_in_order"] = bool(complete)
        del written
    finally:
        if keep:
            print(f"kept the results in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    ids_2 = sample_ids(runs, batch_run_sample)
    batch_args: dict[str, Any] = {
        "rng": [scenario.spec.seed],
        "number_processes": 1,
        "data_collection_period": 1,
        "max_steps": months,
        "display_progress": False,
    }
    batch_run(BatchRunAllianceModel, parameters={"replicate": [0]}, **batch_args)  # warm-up
    start = time.perf_counter()
    rows = batch_run(BatchRunAllianceModel, parameters={"replicate": ids_2.tolist()}, **batch_args)
    seconds_2 = time.perf_counter() - start
    collected_ok = len(rows) == len(ids_2) * (months + 1)
    del rows

    plural = "s" if workers > 1 else ""
    case_1 = Case(
        "(1)",
        f"run_ensemble, {runs:,} runs, {workers} worker{plural}, chunks of {chunk_size:,}, written",
        runs,
        runs,
        seconds_1,
        1.0,
    )
    est = "" if len(ids_2) == runs else f", EXTRAPOLATED from {len(ids_2)}"
    case_2 = Case(
        "(2)",
        f"mesa.batch_run, {runs:,} runs, 1 process{est}, writes nothing",
        runs,
        len(ids_2),
        seconds_2 * runs / len(ids_2),
    )
    case_2.ratio = case_2.seconds / case_1.seconds
    return {
        "scenario": str(BASELINE.relative_to(ROOT)),
        "months": months,
        "runs": runs,
        "workers": workers,
        "chunk_size": chunk_size,
        "chunks": -(-runs // chunk_size),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": package_versions(),
        "cases": [asdict(c) | {"per_run_ms": c.per_run_ms} for c in (case_1, case_2)],
        "batch_run_sample_seconds": seconds_2,
        "batch_run_rows_ok": collected_ok,
        "goal_seconds": GOAL_SECONDS,
        "goal_seconds_met": seconds_1 < GOAL_SECONDS * runs / 100_000,
        "goal_ratio": GOAL_RATIO,
        "goal_ratio_met": bool(case_2.ratio >= GOAL_RATIO),
        "written_bytes": total_bytes,
        "part_bytes": part_bytes,
        "part_files": parts,
        "results_folder": str(folder) if keep else None,
        "summary": summary[["outcome", "share", "ci_low", "ci_high"]].to_dict("records"),
        "peak_rss_mib_parent_before": rss_start,
        "peak_rss_mib_parent": rss_parent,
        "peak_rss_mib_children_rusage": rss_workers,
        "peak_rss_mib_workers_sampled": sorted(sampled.workers(), reverse=True),
        "peak_rss_mib_forkserver_sampled": sorted(sampled.others(), reverse=True),
        "peak_rss_mib_parent_at_end": maxrss_mib(resource.RUSAGE_SELF),
        "determinism": check,
    }


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _mib_list(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values) + " MiB" if values else "none seen"


def report(out: dict[str, Any]) -> str:
    """The results as a readable table and check list."""
    v = out["versions"]

    def ok(flag: bool) -> str:
        return "ok" if flag else "NOT MET"

    lines = [
        f"alliance-sim scale benchmark: {out['scenario']}, {out['months']} monthly steps, "
        f"N = {out['runs']:,} runs",
        f"Python {v['python']}, numpy {v['numpy']}, mesa {v['mesa']}, pyarrow {v['pyarrow']}, "
        f"{out['machine']['cpus']} CPUs, {out['when']}",
        "",
        f"{'case':<5} {'what':<76} {'seconds':>9} {'per-run ms':>11} {'ratio':>7}",
    ]
    for c in out["cases"]:
        lines.append(
            f"{c['case']:<5} {c['what']:<76} {c['seconds']:>9.1f} "
            f"{c['per_run_ms']:>11.3f} {_fmt(c['ratio'], '.1f'):>7}"
        )
    one, two = out["cases"]
    check = out["determinism"]
    workers = out["peak_rss_mib_workers_sampled"]
    server = out["peak_rss_mib_forkserver_sampled"]
    if workers:
        above = max(workers) - (max(server) if server else out["peak_rss_mib_parent_before"])
        growth = (
            f"{above:.0f} MiB, {1024 * above / out['chunk_size']:.0f} KiB per run of a "
            "chunk (a chunk's model needs about 55 KiB per run: much more means the "
            "models of finished chunks are kept)"
        )
    else:
        growth = "no worker processes (one worker runs in a thread of this process)"
    goal_1 = GOAL_SECONDS * out["runs"] / 100_000
    lines += [
        "",
        "(1) is measured end to end: from before run_ensemble is called until it returns, "
        "results on disk.",
        f"(2) is EXTRAPOLATED: {two['measured_runs']} runs timed "
        f"({out['batch_run_sample_seconds']:.2f} s) and scaled to {out['runs']:,}; it writes "
        "nothing (rows stay in memory).",
        "ratio: seconds / (1)'s seconds.",
        "",
        f"goal (1) < {goal_1:g} s: {one['seconds']:.1f} s  {ok(out['goal_seconds_met'])}",
        f"goal (2) / (1) >= {out['goal_ratio']:g}: {two['ratio']:.1f}x  "
        f"{ok(out['goal_ratio_met'])}",
        f"written: {out['written_bytes'] / 2**20:.2f} MiB in all, "
        f"{out['part_files']} part files ({out['part_bytes'] / 2**20:.2f} MiB, "
        f"{out['part_bytes'] / out['runs']:.1f} bytes per run), plus summary.csv and "
        "manifest.json",
        f"peak RSS (maxrss), chunk size {out['chunk_size']:,} ({out['chunks']} chunks): "
        f"parent {out['peak_rss_mib_parent']:.0f} MiB (before the run "
        f"{out['peak_rss_mib_parent_before']:.0f} MiB, at the end "
        f"{out['peak_rss_mib_parent_at_end']:.0f} MiB after reading back and batch_run)",
        f"  workers: RUSAGE_CHILDREN {out['peak_rss_mib_children_rusage']:.0f} MiB "
        "(largest reaped child; forkserver workers are grandchildren it does not count);",
        f"  sampled VmHWM of each worker: {_mib_list(workers)}"
        f"{f' (forkserver {_mib_list(server)})' if server else ''}",
        "  chunking is meant to bound memory whatever N: a worker holds one chunk's model, the "
        "parent a few finished chunks' tables;",
        f"  worker peak above the forkserver: {growth}",
        f"determinism, written parts == replicate run alone, every column, exact, "
        f"r in {check['replicates_checked']}: "
        f"{'ok' if check['all_equal'] else 'FAILED'}; all {out['runs']:,} rows written in "
        f"run order: {'ok' if check['all_rows_written_in_order'] else 'FAILED'}",
        *(f"  {m}" for m in check["mismatches"]),
    ]
    if out["results_folder"]:
        lines.append(f"results kept in {out['results_folder']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark, print the table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=100_000, help="runs N of the baseline (default 100000)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes for (1) (default 2, the machine's cores)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=5000,
        help="runs per chunk and per part file in (1) (default 5000)",
    )
    parser.add_argument(
        "--batch-run-sample",
        type=int,
        default=30,
        help="mesa.batch_run runs timed in (2), extrapolated to N (default 30)",
    )
    parser.add_argument(
        "--check-sample", type=int, default=6, help="replicates compared in (4) (default 6)"
    )
    parser.add_argument(
        "--tmp-dir",
        type=Path,
        default=None,
        help="where to make the temporary results folder (default: system's)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary results folder")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results here")
    args = parser.parse_args(argv)
    for name in ("runs", "workers", "chunk_size", "batch_run_sample", "check_sample"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    out = bench(
        args.runs,
        args.workers,
        args.chunk_size,
        args.batch_run_sample,
        args.check_sample,
        args.tmp_dir,
        args.keep,
    )
    print(report(out))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {args.json}")
    ok = out["determinism"]["all_equal"] and out["determinism"]["all_rows_written_in_order"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

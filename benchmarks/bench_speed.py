"""Speed benchmark: batched replicates against single runs and mesa.batch_run.

Runs the baseline scenario (scenarios/baseline.yaml, 120 monthly steps) four ways:

  (a) one run, R = 1 (median of --repeats runs);
  (b) --replicates replicates (default 1000) in one batched model, `runner.run(...,
      replicates=N)`; goal: under 1 s for 1,000 (median of --repeats runs);
  (c) the same replicates as N single runs one after another (`replicate_ids=[r]`, R = 1
      each, so the work equals (b)); --sample of them (default 100, spread over 0 .. N - 1)
      are timed and the total is extrapolated to N; goal: (b) at least 50 times faster;
  (d) the single-run model through `mesa.batch_run` (number_processes=1) with a Mesa
      DataCollector recording monthly spending, as a Mesa user would run it;
      --batch-run-sample runs (default 50) are timed and extrapolated to N.

It checks that replicate r of (b) equals the single run r of (c) bit for bit (every recorded
series) and that the spending (d) collected equals (b)'s, for every sampled r, and reports
peak memory (maxrss). Timings are noisy: (a) and (b) report median and best of several runs.
Exit status 1 if a bit-for-bit check fails; the speed goals are reported, not enforced.

Run from the project root (not part of the tests):

    make bench-detail
    .venv/bin/python benchmarks/bench_speed.py [--replicates 1000] [--sample 100]
        [--batch-run-sample 50] [--repeats 5] [--json results/bench.json]
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from mesa.batchrunner import batch_run

from sim.actors import ACTORS
from sim.execution import runner
from sim.model.model import AllianceModel
from sim.provenance import package_versions
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
GOAL_BATCHED_SECONDS = 1.0
GOAL_SPEEDUP = 50.0


@cache
def baseline() -> Scenario:
    """The baseline scenario, loaded once (loading is not what is measured)."""
    return load_scenario(BASELINE)


def _spending_reporter(i: int) -> Callable[[mesa.Model], float]:
    """A model reporter: replicate 0's spending of actor i (US$ bn/yr)."""
    return lambda m: float(m.world.spending[0, i])


class BatchRunAllianceModel(AllianceModel):
    """AllianceModel as `mesa.batch_run` builds it: keyword parameters, an `rng`, a collector.

    One replicate (`replicate`) of the baseline scenario; `rng` (an int) is the scenario seed,
    None keeps the scenario's. Collects each actor's spending every month (month 0 included)
    with a Mesa DataCollector, as `batch_run` expects.
    """

    def __init__(self, replicate: int = 0, rng: int | None = None) -> None:
        if rng is not None and not isinstance(rng, int | np.integer):
            raise TypeError("rng must be an int seed (the scenario seed) or None")
        top: dict[str, Any] = {"replicates": 1}
        if rng is not None:
            top["seed"] = int(rng)
        super().__init__(baseline().with_params(**top), replicate_ids=np.array([replicate]))
        self.datacollector = mesa.DataCollector(
            model_reporters={f"spending_{a}": _spending_reporter(i) for i, a in enumerate(ACTORS)}
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One month, then collect."""
        super().step()
        self.datacollector.collect(self)


@dataclass
class Case:
    """One timed case; `seconds` is for all `runs` (extrapolated if `measured_runs` < runs)."""

    case: str
    what: str
    runs: int
    measured_runs: int
    seconds: float
    best_seconds: float | None = None
    ratio_vs_batched: float | None = None

    @property
    def per_run_ms(self) -> float:
        return 1000.0 * self.seconds / self.runs


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


def sample_ids(replicates: int, sample: int) -> np.ndarray:
    """`sample` replicate ids spread evenly over 0 .. replicates - 1 (first and last included)."""
    return np.unique(np.linspace(0, replicates - 1, min(sample, replicates)).round().astype(int))


def timed(func: Callable[[], Any], repeats: int) -> tuple[list[float], Any, float]:
    """Wall-clock seconds of `repeats` calls, the last call's result, and the peak RSS (MiB)
    right after the first call (later calls add heap fragmentation, not the run's own need)."""
    times: list[float] = []
    result: Any = None
    rss_first = 0.0
    for _ in range(repeats):
        result = None  # free the previous result before the next call
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
        rss_first = rss_first or peak_rss_mib()
    return times, result, rss_first


def same_replicate(batched: RunResult, column: int, single: RunResult) -> bool:
    """Is column `column` of the batched run identical to the single run, in every series?"""
    return all(
        np.array_equal(batched.arrays[name][:, column : column + 1], single.arrays[name])
        for name in batched.arrays
    )


def bench(replicates: int, sample: int, batch_run_sample: int, repeats: int) -> dict[str, Any]:
    """Run the four cases and the checks; return everything as a JSON-ready dict."""
    scenario = baseline()
    months = scenario.spec.horizon_months
    runner.run(scenario, replicates=1, progress=False)  # warm-up: imports, caches

    times_a, _, _ = timed(lambda: runner.run(scenario, replicates=1, progress=False), repeats)
    case_a = Case(
        "(a)",
        f"one run, R = 1 (median of {repeats})",
        1,
        1,
        statistics.median(times_a),
        min(times_a),
    )

    rss_before_b = peak_rss_mib()
    times_b, batched, rss_first_b = timed(
        lambda: runner.run(scenario, replicates=replicates, progress=False), repeats
    )
    case_b = Case(
        "(b)",
        f"{replicates:,} replicates in one batched model (median of {repeats})",
        replicates,
        replicates,
        statistics.median(times_b),
        min(times_b),
        1.0,
    )
    batched_mib = sum(a.nbytes for a in batched.arrays.values()) / 2**20
    rss_after_b = peak_rss_mib()

    ids_c = sample_ids(replicates, sample)
    start = time.perf_counter()
    singles = [runner.run(scenario, replicate_ids=np.array([r]), progress=False) for r in ids_c]
    seconds_c = time.perf_counter() - start
    equal_c = [same_replicate(batched, int(r), s) for r, s in zip(ids_c, singles, strict=True)]
    del singles
    est_c = "" if len(ids_c) == replicates else f", est. from {len(ids_c)}"
    case_c = Case(
        "(c)",
        f"{replicates:,} single runs one after another{est_c}",
        replicates,
        len(ids_c),
        seconds_c * replicates / len(ids_c),
    )

    ids_d = sample_ids(replicates, batch_run_sample)
    start = time.perf_counter()
    rows = batch_run(
        BatchRunAllianceModel,
        parameters={"replicate": ids_d.tolist()},
        rng=[scenario.spec.seed],
        number_processes=1,
        data_collection_period=1,
        max_steps=months,
        display_progress=False,
    )
    seconds_d = time.perf_counter() - start
    columns = [f"spending_{a}" for a in ACTORS]
    collected = np.array([[row[c] for c in columns] for row in rows])
    replicate_of_row = np.array([row["replicate"] for row in rows])
    month_of_row = np.array([row["Step"] for row in rows]).astype(int)
    spending = batched.arrays["spending"]
    equal_d = [
        bool(
            np.array_equal(
                collected[replicate_of_row == r], spending[month_of_row[replicate_of_row == r], r]
            )
        )
        and int((replicate_of_row == r).sum()) == months + 1
        for r in ids_d
    ]
    est_d = "" if len(ids_d) == replicates else f", est. from {len(ids_d)}"
    case_d = Case(
        "(d)",
        f"mesa.batch_run, {replicates:,} runs, 1 process{est_d}",
        replicates,
        len(ids_d),
        seconds_d * replicates / len(ids_d),
    )

    for case in (case_a, case_c, case_d):
        case.ratio_vs_batched = case.per_run_ms / case_b.per_run_ms
    speedup_c = case_c.seconds / case_b.seconds
    speedup_d = case_d.seconds / case_b.seconds
    return {
        "scenario": str(BASELINE.relative_to(ROOT)),
        "months": months,
        "replicates": replicates,
        "repeats": repeats,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": package_versions(),
        "cases": [
            asdict(c) | {"per_run_ms": c.per_run_ms} for c in (case_a, case_b, case_c, case_d)
        ],
        "times_a": times_a,
        "times_b": times_b,
        "speedup_batched_vs_single": speedup_c,
        "speedup_batched_vs_batch_run": speedup_d,
        "goal_batched_under_seconds": GOAL_BATCHED_SECONDS,
        "goal_batched_met": case_b.seconds < GOAL_BATCHED_SECONDS * replicates / 1000,
        "goal_speedup": GOAL_SPEEDUP,
        "goal_speedup_met": speedup_c >= GOAL_SPEEDUP,
        "bit_for_bit_single": {
            "replicates_checked": ids_c.tolist(),
            "all_equal": all(equal_c),
            "unequal": [int(r) for r, ok in zip(ids_c, equal_c, strict=True) if not ok],
        },
        "bit_for_bit_batch_run_spending": {
            "replicates_checked": ids_d.tolist(),
            "all_equal": all(equal_d),
            "unequal": [int(r) for r, ok in zip(ids_d, equal_d, strict=True) if not ok],
        },
        "batched_arrays_mib": batched_mib,
        "peak_rss_mib_before_batched": rss_before_b,
        "peak_rss_mib_after_first_batched": rss_first_b,
        "peak_rss_mib_after_batched": rss_after_b,
        "peak_rss_mib": peak_rss_mib(),
    }


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(out: dict[str, Any]) -> str:
    """The results as a readable table and check list."""
    v = out["versions"]
    lines = [
        f"alliance-sim speed benchmark: {out['scenario']}, {out['months']} monthly steps, "
        f"N = {out['replicates']:,}",
        f"Python {v['python']}, numpy {v['numpy']}, mesa {v['mesa']}, "
        f"{out['machine']['cpus']} CPUs, {out['when']}",
        "",
        f"{'case':<5} {'what':<58} {'seconds':>9} {'best s':>8} {'per-run ms':>11} "
        f"{'ratio vs batched':>17}",
    ]
    for c in out["cases"]:
        lines.append(
            f"{c['case']:<5} {c['what']:<58} {c['seconds']:>9.3f} "
            f"{_fmt(c['best_seconds'], '.3f'):>8} {c['per_run_ms']:>11.3f} "
            f"{_fmt(c['ratio_vs_batched'], '.1f'):>17}"
        )
    b = out["cases"][1]
    single, via_mesa = out["bit_for_bit_single"], out["bit_for_bit_batch_run_spending"]
    goal_b = GOAL_BATCHED_SECONDS * out["replicates"] / 1000

    def ok(flag: bool) -> str:
        return "ok" if flag else "NOT MET"

    lines += [
        "",
        "seconds: (a), (b) median of the repeats; (c), (d) the sampled runs' time scaled to N.",
        "ratio vs batched: per-run time / (b)'s per-run time.",
        "",
        f"goal (b) < {goal_b:g} s: {b['seconds']:.3f} s (best {b['best_seconds']:.3f} s)"
        f"  {ok(out['goal_batched_met'])}",
        f"goal (c) / (b) >= {out['goal_speedup']:g}: "
        f"{out['speedup_batched_vs_single']:.1f}x  {ok(out['goal_speedup_met'])}",
        f"(d) / (b): {out['speedup_batched_vs_batch_run']:.1f}x",
        f"bit for bit, (b) replicate r == (c) single run r, every series, "
        f"{len(single['replicates_checked'])} sampled r: "
        f"{'ok' if single['all_equal'] else 'MISMATCH ' + str(single['unequal'])}",
        f"bit for bit, (d) DataCollector spending == (b) spending, "
        f"{len(via_mesa['replicates_checked'])} sampled r: "
        f"{'ok' if via_mesa['all_equal'] else 'MISMATCH ' + str(via_mesa['unequal'])}",
        f"peak RSS (maxrss): {out['peak_rss_mib']:.0f} MiB in all;",
        f"  before (b) "
        f"{out['peak_rss_mib_before_batched']:.0f} MiB; after (b)'s first run "
        f"{out['peak_rss_mib_after_first_batched']:.0f} MiB (+"
        f"{out['peak_rss_mib_after_first_batched'] - out['peak_rss_mib_before_batched']:.0f}"
        f" MiB); after all {out['repeats']} runs of (b) "
        f"{out['peak_rss_mib_after_batched']:.0f} MiB; (b)'s recorded arrays: "
        f"{out['batched_arrays_mib']:.1f} MiB",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark, print the table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--replicates",
        type=int,
        default=1000,
        help="replicates N in (b); runs in (c) and (d) (default 1000)",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=100,
        help="single runs timed in (c), extrapolated to N (default 100)",
    )
    parser.add_argument(
        "--batch-run-sample",
        type=int,
        default=50,
        help="mesa.batch_run runs timed in (d), extrapolated to N (default 50)",
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="timed repeats of (a) and (b) (default 5)"
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write results here")
    args = parser.parse_args(argv)
    for name in ("replicates", "sample", "batch_run_sample", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    out = bench(args.replicates, args.sample, args.batch_run_sample, args.repeats)
    print(report(out))
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")
        print(f"wrote {args.json}")
    checks = (
        out["bit_for_bit_single"]["all_equal"]
        and out["bit_for_bit_batch_run_spending"]["all_equal"]
    )
    return 0 if checks else 1


if __name__ == "__main__":
    sys.exit(main())

"""Resource estimates and budgets: how many runs a job is, and how much time, memory and disk
it needs, known before anything runs; jobs beyond the budget are refused unless allowed.

The rates are measured (benchmarks/, tests/test_hostile.py checks the memory ones): a chunk
of runs holds about CHUNK_BYTES per run-month (the model's state, its pre-drawn shocks and the
series the outcomes read); a run that keeps every series and writes the tidy table holds
about SERIES_BYTES per run-month at its peak; every process (the main one and each worker)
holds PROCESS_BYTES before its first run; one core runs about RATE run-months a second.
benchmarks/peak_memory.py runs the largest job each command allows and checks its peak.
Chunks are sized by memory (chunk_runs), not by a run count alone; a plain run keeps its
series in memory only when they fit in MEMORY_BUDGET (series_replicates).
"""

import os
from dataclasses import dataclass

from sim.errors import ResourceError
from sim.scenario.schema import SweepSpec

CHUNK_BYTES = 500
"""Peak memory of a chunk, bytes per run-month (measured about 400)."""

SERIES_BYTES = 1_800
"""Peak memory of a run that keeps all series and writes them (series.parquet, written by
row group), bytes per run-month: measured 1,634 at 1,000 replicates and 1,370 at 6,000 (x 120
months; the peak is the run itself: 79 series columns and 63 pre-drawn shocks of 8 bytes)."""

SERIES_DISK_BYTES = 600
"""Bytes of series.parquet per run-month (measured 551 at 6,000 replicates x 120 months)."""

RUN_BYTES = 1_450
"""Peak memory of a run that keeps every series in arrays (not written), bytes per
run-month (81 series columns and 65 shocks of 8 bytes, and the model's state): 1,400 let the
largest `uncertainty` peak at 2,051 MB against its 2,048 MB budget once trade with China
was recorded (benchmarks/peak_memory.py)."""

RATE = 300_000
"""Run-months a second on one core (measured about 400,000)."""

WRITE_RATE = 400 * 2**20
"""Bytes of a plain run's peak memory (SERIES_BYTES) written a second as tables (measured:
4,000 replicates x 120 months, 0.87 GB at its peak, written in 1.8 s on a busy machine)."""

DISK_BYTES_PER_RUN = 100
"""Bytes of Parquet per run of a chunked job (measured about 62)."""

PROCESS_BYTES = 200 * 2**20
"""Memory of a process before its first run (Python, NumPy, pandas, Mesa loaded): the main
process's, and each worker process's. Without it in the estimate, the largest hindcast the
budget allowed peaked at 2.1 GB against 2.0 (benchmarks/peak_memory.py)."""

MEMORY_BUDGET = 2 * 2**30
"""What a run may hold in memory at once: series beyond it are streamed in chunks."""

CHUNK_MEMORY = 256 * 2**20
"""What one chunk may hold; a chunk has at most CHUNK_MEMORY / (CHUNK_BYTES x months) runs."""

CPU_BUDGET = 3600.0
"""Largest job run without `--allow-large`, in core-seconds of estimated work."""

MAX_RUNS = 2_000_000
"""Most runs (replicates x design points) of a job without `--allow-large`."""

DISK_BUDGET = 4 * 2**30
"""Largest job's results on disk without `--allow-large`, in bytes."""

MAX_POINTS = 1_000_000
"""Largest sweep design built without `--allow-large`, in points."""

SERIES_SAMPLE = 1000
"""A chunked run keeps series and plots for its first SERIES_SAMPLE replicates (fewer when
their series would not fit in MEMORY_BUDGET)."""

ALLOW_FLAG = "--allow-large (allow_large=True in Python)"


@dataclass(frozen=True)
class Estimate:
    """What a job needs: runs, months each, core-seconds, peak memory and disk."""

    runs: int
    months: int
    workers: int = 1
    points: int = 1
    memory: int = 0
    disk: int = 0
    substeps: int = 1
    write_seconds: float = 0.0  # writing the tidy table and plots of a plain run

    @property
    def cpu_seconds(self) -> float:
        """Estimated core-seconds; 100 Euler substeps cost about one more month each."""
        work = self.runs * (self.months + 1) * (1 + (self.substeps - 1) / 100) / RATE
        return work + self.write_seconds

    @property
    def wall_seconds(self) -> float:
        return self.cpu_seconds / max(1, min(self.workers, os.cpu_count() or 1))

    def text(self) -> str:
        points = f"{self.points:,} points, " if self.points > 1 else ""
        return (
            f"{points}{self.runs:,} runs x {self.months:,} months: about "
            f"{duration(self.wall_seconds)} on {self.workers} worker"
            f"{'s' if self.workers > 1 else ''}, {size(self.memory)} of memory"
            + (f", {size(self.disk)} on disk" if self.disk else "")
        )


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(seconds, 1):.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400 * 2:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def size(n: float) -> str:
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:.0f} bytes"


def chunk_runs(months: int, chunk_size: int) -> int:
    """Runs per chunk: `chunk_size`, or fewer when a chunk of them would hold more than
    CHUNK_MEMORY (long horizons)."""
    return max(1, min(chunk_size, CHUNK_MEMORY // (CHUNK_BYTES * (months + 1))))


def series_replicates(months: int) -> int:
    """How many replicates' series a run keeps in memory within MEMORY_BUDGET."""
    return max(1, (MEMORY_BUDGET - PROCESS_BYTES) // (SERIES_BYTES * (months + 1)))


def sample_replicates(replicates: int, months: int) -> int:
    """Replicates whose series a chunked run keeps (its `sample/` folder)."""
    return min(replicates, SERIES_SAMPLE, series_replicates(months))


def design_points(sweep: SweepSpec) -> int:
    """Points of a sweep's design, from its settings alone (nothing is drawn)."""
    d = len(sweep.parameters)
    if sweep.design == "grid":
        return sweep.levels**d
    if sweep.design == "sobol":
        return sweep.points * (d + 2)
    if sweep.design == "morris":
        return sweep.points * (d + 1)
    return sweep.points


def sweep_estimate(
    sweep: SweepSpec, replicates: int, months: int, workers: int, chunk_size: int, substeps: int
) -> Estimate:
    """A sweep's job, from its settings alone (the design is not built)."""
    points = design_points(sweep)
    return chunked_estimate(
        points * replicates, months, workers, chunk_size, points, substeps=substeps
    )


def chunked_estimate(
    runs: int,
    months: int,
    workers: int,
    chunk_size: int,
    points: int = 1,
    sample: int = 0,
    substeps: int = 1,
) -> Estimate:
    """A chunked job: each worker holds a chunk (and the sample's series, if any); no more
    workers start than there are chunks; the main process and each worker process (one
    worker is a thread of the main process) hold PROCESS_BYTES besides."""
    chunk = chunk_runs(months, chunk_size)
    workers = max(1, min(workers, -(-runs // chunk)))
    memory = (workers + 1) * min(runs, chunk) * CHUNK_BYTES * (months + 1)
    memory += PROCESS_BYTES * (1 + (workers if workers > 1 else 0))
    memory += sample * SERIES_BYTES * (months + 1) + points * 64
    disk = runs * DISK_BYTES_PER_RUN + sample * (months + 1) * SERIES_DISK_BYTES
    return Estimate(runs, months, workers, points, memory, disk, substeps)


def in_memory_estimate(runs: int, months: int, tidy: bool = True, substeps: int = 1) -> Estimate:
    """Runs whose series are all kept in memory (a plain run, a comparison); `tidy`: and
    written as the tidy table (the command line's runs). The process's own memory counts."""
    series = runs * (SERIES_BYTES if tidy else RUN_BYTES) * (months + 1)
    write = series / WRITE_RATE if tidy else 0.0
    disk = runs * (months + 1) * SERIES_DISK_BYTES if tidy else 0
    return Estimate(runs, months, 1, 1, PROCESS_BYTES + series, disk, substeps, write)


def parameter_sets_estimate(runs: int, months: int, substeps: int = 1) -> Estimate:
    """Runs on given parameter sets, all series kept in memory and not written: `uncertainty`
    (sets x shock streams), a run or hindcast `--conditioned-on`, a hindcast, `condition`
    (its prior draws and the hindcasts before and after, held together)."""
    return in_memory_estimate(runs, months, tidy=False, substeps=substeps)


def check(estimate: Estimate, allow_large: bool, where: str = "") -> None:
    """ResourceError, with the estimate and the flag that allows it, for a job beyond the
    budget (unless allow_large)."""
    if allow_large:
        return
    problems = []
    if estimate.runs > MAX_RUNS:
        problems.append(f"more than {MAX_RUNS:,} runs")
    if estimate.cpu_seconds > CPU_BUDGET:
        problems.append(f"more than {duration(CPU_BUDGET)} of computing")
    if estimate.memory > MEMORY_BUDGET:
        problems.append(f"more than {size(MEMORY_BUDGET)} of memory")
    if estimate.disk > DISK_BUDGET:
        problems.append(f"more than {size(DISK_BUDGET)} on disk")
    if estimate.points > MAX_POINTS:
        problems.append(f"more than {MAX_POINTS:,} design points")
    if problems:
        raise ResourceError(
            where or "<job>",
            None,
            "",
            f"this job is too large ({', '.join(problems)}): {estimate.text()}; "
            f"reduce it, or pass {ALLOW_FLAG} to run it anyway",
        )

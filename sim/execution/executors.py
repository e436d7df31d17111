"""Where chunks of runs execute: all behind concurrent.futures, so swapping the executor
changes no model code (as the EMA Workbench's evaluators).

A thread for one worker (a small job pays no process start-up), local processes for several
(`--workers N`, forked from a forkserver that has the model imported), or a Dask distributed
cluster (`--scheduler ADDRESS`, through `distributed.Client.get_executor()`).
"""

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import NamedTuple

FORKSERVER_PRELOAD = ["sim.execution.jobs"]
"""Modules the forkserver imports once, so that each worker starts with the model loaded
(tests/test_layers.py imports them, so a move cannot silently break the preload)."""


class Pool(NamedTuple):
    """An executor and how many chunks it runs at once."""

    executor: Executor
    slots: int


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Pool]:
    """A concurrent.futures executor: Dask at `scheduler`, else `workers` local processes
    (a thread when workers is 1, so a small job pays no process start-up)."""
    if scheduler is not None:
        from distributed import Client

        with Client(scheduler) as client:
            yield Pool(client.get_executor(), max(1, sum(client.nthreads().values())))
    elif workers > 1:
        # forkserver: workers fork from a clean process, never from this (threaded) one
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            yield Pool(pool, workers)
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            yield Pool(pool, 1)

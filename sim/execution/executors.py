"""Where chunks of runs execute: all behind concurrent.futures, so swapping the executor
changes no model code (as the EMA Workbench's evaluators).

A thread for one worker (a small job pays no process start-up), local processes for several
(`--workers N`, forked from a forkserver that has the model imported), or a Dask distributed
cluster (`--scheduler ADDRESS`, through `distributed.Client.get_executor()`).

Nothing of a job outlives it: when the job stops early (an error, SIGINT or SIGTERM), the
worker processes are terminated, then the forkserver; workers ignore SIGINT (the main process
decides) and exit by themselves if the main process disappears (even under SIGKILL). A
scheduler address is checked and connected to within CONNECT_TIMEOUT seconds, or refused with
one message.
"""

import multiprocessing
import os
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures import process as futures_process
from contextlib import contextmanager, suppress
from multiprocessing import forkserver, resource_tracker
from typing import Any, NamedTuple

from sim.errors import UserError, require_extra

FORKSERVER_PRELOAD = ["sim.execution.jobs"]
"""Modules the forkserver imports once, so that each worker starts with the model loaded
(tests/test_layers.py imports them, so a move cannot silently break the preload)."""

CONNECT_TIMEOUT = 5.0
"""Seconds to reach a Dask scheduler before giving up."""


class Pool(NamedTuple):
    """An executor and how many chunks it runs at once."""

    executor: Executor
    slots: int


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Pool]:
    """A concurrent.futures executor: Dask at `scheduler`, else `workers` local processes
    (a thread when workers is 1, so a small job pays no process start-up)."""
    if scheduler is not None:
        client = connect(scheduler)
        with client:
            yield Pool(client.get_executor(), max(1, sum(client.nthreads().values())))
    elif workers > 1:
        # forkserver: workers fork from a clean process, never from this (threaded) one
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
        start_quiet_resource_tracker()
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=watch_parent,
            initargs=(os.getpid(),),
        )
        try:
            yield Pool(pool, workers)
        except BaseException:
            stop_processes(pool)
            raise
        pool.shutdown(wait=True)
    else:
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            yield Pool(pool, 1)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)


def start_quiet_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with its stderr on /dev/null. It still
    removes what a stopped pool leaves behind, but its warnings about it (several lines
    after the one a stopped job prints) do not reach the user."""
    tracker: Any = getattr(resource_tracker, "_resource_tracker", None)
    if tracker is None or getattr(tracker, "_pid", None) is not None:
        return
    sys.stderr.flush()
    saved = os.dup(2)
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 2)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(quiet)


def watch_parent(parent: int) -> None:
    """In each worker: leave SIGINT to the main process, and exit if it disappears."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def stop_processes(pool: ProcessPoolExecutor, grace: float = 2.0) -> None:
    """Stop a process pool now: cancel what waits, terminate the workers (kill those that
    linger), then stop the forkserver they came from."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    # The pool's manager thread may be stuck reading a result a terminated worker left
    # half-written; exit must not wait for it (concurrent.futures joins it at exit).
    if manager is not None:  # None when no worker was ever started
        getattr(futures_process, "_threads_wakeups", {}).pop(manager, None)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)
    stop_forkserver()


def stop_forkserver() -> None:
    """Stop this process's forkserver, if it started one (it would otherwise live until
    this process exits)."""
    server: Any = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    try:
        server._stop()
    except Exception:
        with suppress(OSError):
            os.kill(pid, signal.SIGKILL)


ADDRESS = re.compile(
    r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+):(?P<port>\d{1,5})"
)


def connect(address: str) -> Any:
    """A distributed.Client connected to the scheduler at `address`, or a UserError within
    about CONNECT_TIMEOUT seconds: not an address, nothing listening, or not a scheduler."""
    match = ADDRESS.fullmatch(address.strip())
    if address.startswith("inproc://"):  # a cluster inside this process (tests)
        target = address
    elif match is None or not 0 < int(match["port"]) < 65536:
        raise UserError(
            "--scheduler", None, "", f"expected an address such as tcp://host:8786, got {address!r}"
        )
    elif (match["scheme"] or "tcp") not in ("tcp", "tls"):
        raise UserError(
            "--scheduler", None, "", f"expected a tcp:// or tls:// address, got {address!r}"
        )
    else:
        scheme = match["scheme"] or "tcp"
        target = f"{scheme}://{match['host']}:{match['port']}"
        if scheme == "tcp":
            _check_scheduler(address, match["host"].strip("[]"), int(match["port"]))
    require_extra("cluster", "--scheduler (a Dask cluster)")
    from distributed import Client  # loaded only for a cluster

    outcome: dict[str, Any] = {}

    def start() -> None:
        try:
            outcome["client"] = Client(target, timeout=CONNECT_TIMEOUT)
        except BaseException as exc:  # reported below
            outcome["error"] = exc

    thread = threading.Thread(target=start, name="dask-connect", daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT + 5.0)
    if "client" in outcome:
        return outcome["client"]
    reason = outcome.get("error", f"no answer within {CONNECT_TIMEOUT:.0f} s")
    raise UserError(
        "--scheduler", None, "", f"cannot use the Dask scheduler at {address}: {reason}"
    )


def _check_scheduler(address: str, host: str, port: int) -> None:
    """A Dask scheduler greets a new connection at once; anything else (nothing listening, a
    web server waiting for a request) is refused within CONNECT_TIMEOUT seconds."""
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT) as probe:
            probe.settimeout(CONNECT_TIMEOUT)
            greeting = probe.recv(16)
    except TimeoutError:
        raise UserError(
            "--scheduler",
            None,
            "",
            f"{address} accepted a connection but did not answer as a Dask scheduler "
            f"within {CONNECT_TIMEOUT:.0f} s",
        ) from None
    except OSError as exc:
        raise UserError(
            "--scheduler",
            None,
            "",
            f"cannot reach a Dask scheduler at {address} ({exc.strerror or exc})",
        ) from None
    if not greeting or greeting.startswith(b"HTTP"):
        raise UserError("--scheduler", None, "", f"{address} does not answer as a Dask scheduler")

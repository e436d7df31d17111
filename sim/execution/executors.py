"""Where chunks of runs execute: all behind concurrent.futures, so swapping the executor
changes no model code (as the EMA Workbench's evaluators).

A thread for one worker (a small job pays no process start-up), local processes for several
(`--workers N`, forked from a forkserver that has the model imported), or a Dask distributed
cluster (`--scheduler ADDRESS`, through `distributed.Client.get_executor()`).

Nothing of a job outlives it, and nothing waits forever:
- when the job stops early (an error, SIGINT or SIGTERM), the worker processes are
  terminated, then the forkserver; workers ignore SIGINT (the main process decides);
- when the main process dies, even by SIGKILL and even before whoever started it collects
  its exit status, each worker exits within a second (it watches the main process through a
  pidfd, which reports a dead process at once, not only once it is reaped); the forkserver
  and the resource tracker follow their last worker;
- the workers, the forkserver and the resource tracker write nothing to the caller's
  stdout and stderr (they have /dev/null), so a caller reading those pipes sees them close
  when the main process ends (a chunk's error reaches the main process with its result);
- a Dask scheduler is checked and connected to within CONNECT_TIMEOUT seconds; it must have
  a worker within DASK_TIMEOUT seconds (ALLIANCE_SIM_DASK_TIMEOUT, default 60), every worker
  must import the model, and a job whose cluster has had no worker for DASK_TIMEOUT seconds
  stops: each with one message, never a silent wait. A worker that joins later and cannot
  import the model leaves at its first chunk (Dask cannot read the chunk; the chunk goes to
  another worker, or the cluster is empty and the job stops as above); a chunk whose workers
  all die running it (Dask's KilledWorker) stops the job with one message.
"""

import logging
import multiprocessing
import os
import re
import select
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
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

DASK_TIMEOUT_VARIABLE = "ALLIANCE_SIM_DASK_TIMEOUT"
DASK_TIMEOUT = 60.0
"""Seconds a job waits for a Dask cluster to have a worker (at the start, or after losing
its last one) before it stops; the environment variable DASK_TIMEOUT_VARIABLE changes it."""


def dask_timeout() -> float:
    """DASK_TIMEOUT, or the positive number of seconds ALLIANCE_SIM_DASK_TIMEOUT sets."""
    text = os.environ.get(DASK_TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DASK_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = float("nan")
    if not 0 < seconds < 1e6:
        raise UserError(
            DASK_TIMEOUT_VARIABLE,
            None,
            "",
            f"expected a number of seconds above 0, got {text!r:.40}",
        )
    return seconds


def _always_alive() -> None:
    """A local pool's check: a dead worker already fails its chunk (BrokenProcessPool)."""


class Pool(NamedTuple):
    """An executor, how many chunks it runs at once, and `alive`: called while a job waits
    for its chunks, it raises (one message) when the executor can no longer run them."""

    executor: Executor
    slots: int
    alive: Callable[[], None] = _always_alive


@contextmanager
def make_executor(workers: int = 1, scheduler: str | None = None) -> Iterator[Pool]:
    """A concurrent.futures executor: Dask at `scheduler`, else `workers` local processes
    (a thread when workers is 1, so a small job pays no process start-up)."""
    if scheduler is not None:
        timeout = dask_timeout()
        client = connect(scheduler)
        with client:
            slots = usable_workers(client, scheduler, timeout)
            try:
                yield Pool(client.get_executor(), slots, WorkerWatch(client, scheduler, timeout))
            except Exception as exc:
                if (lost := _all_died(exc, scheduler)) is None:
                    raise
                raise lost from None
    elif workers > 1:
        # forkserver: workers fork from a clean process, never from this (threaded) one
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(FORKSERVER_PRELOAD)
        start_quiet_helpers(context.get_start_method() == "forkserver")
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


def start_quiet_helpers(forkserver_too: bool) -> None:
    """Start multiprocessing's resource tracker (and the forkserver) with stdout and stderr
    on /dev/null. The tracker still removes what a stopped pool leaves behind, but its
    warnings about it (several lines after the one a stopped job prints) do not reach the
    user; and neither it, the forkserver nor the workers forked from it hold the caller's
    pipes, so a caller waiting for them to close is never kept waiting by a helper."""
    tracker: Any = getattr(resource_tracker, "_resource_tracker", None)
    server: Any = getattr(forkserver, "_forkserver", None)
    tracker_up = tracker is None or getattr(tracker, "_pid", None) is not None
    server_up = server is None or getattr(server, "_forkserver_pid", None) is not None
    if tracker_up and (server_up or not forkserver_too):
        return
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    quiet = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        resource_tracker.ensure_running()
        if forkserver_too:
            forkserver.ensure_running()
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, quiet):
            os.close(fd)


def watch_parent(parent: int) -> None:
    """In each worker: leave SIGINT to the main process, and exit within a second of its
    death (a pidfd is readable once the process has ended, reaped or not; where there are
    no pidfds, a check each second that it still exists and is not a zombie)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        pidfd = os.pidfd_open(parent)
    except (AttributeError, OSError):
        pidfd = None

    def gone() -> bool:
        if pidfd is not None:
            return bool(select.select([pidfd], [], [], 1.0)[0])
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return _is_zombie(parent)

    def watch() -> None:
        while not gone():
            pass
        os._exit(1)

    if pidfd is None and not _exists(parent):
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


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
    this process exits). It is killed first: multiprocessing's own stop waits for it to
    exit, which it never does while still importing the model or while a worker it forked
    half-way through a stop holds its pipe (a SIGTERM a few seconds into a job hung there)."""
    server: Any = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with suppress(Exception):
        server._stop()  # reaps it and forgets it, so a later pool starts a new one


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

    quiet_cluster_logs()
    try:
        return within(CONNECT_TIMEOUT + 5.0, lambda: Client(target, timeout=CONNECT_TIMEOUT))
    except Exception as reason:
        raise UserError(
            "--scheduler", None, "", f"cannot use the Dask scheduler at {address}: {reason}"
        ) from None


CLUSTER_LOGGERS = ("distributed", "tornado")
"""Loggers of the Dask client and its event loop in the job's process."""


def quiet_cluster_logs() -> None:
    """Keep the Dask client's own log lines off the job's stderr. When a worker dies
    mid-chunk, the client logs a rescheduling warning and its event loop a traceback for each
    future the job cancels, around the one message the job prints (which says what happened
    and what to do); the scheduler's and workers' own logs keep their record. Dask's logging
    configuration gives some of their children levels of their own (distributed.client
    WARNING, tornado.application ERROR), which a parent's level does not override: every
    logger under those names is set."""
    names = [*CLUSTER_LOGGERS, *logging.root.manager.loggerDict]
    for name in names:
        if any(name == root or name.startswith(f"{root}.") for root in CLUSTER_LOGGERS):
            logging.getLogger(name).setLevel(logging.CRITICAL)


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """call(), or TimeoutError if it has not returned within `seconds` (it is left running
    in a daemon thread, which cannot keep the process alive)."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # re-raised below
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="dask-call", daemon=True)
    thread.start()
    thread.join(seconds)
    if "value" in outcome:
        return outcome["value"]
    raise outcome.get("error", TimeoutError(f"no answer within {seconds:.0f} s"))


def _timeout_hint(address: str, timeout: float) -> str:
    return (
        f"start workers with `dask worker {address}`, or set {DASK_TIMEOUT_VARIABLE} to "
        f"wait longer than {timeout:.0f} s"
    )


def _workers(client: Any) -> int:
    """Threads of the cluster's workers now (asked of the scheduler, within CONNECT_TIMEOUT)."""
    return sum(client.nthreads(callback_timeout=CONNECT_TIMEOUT).values())


PROBE = "import sim.execution.jobs"
"""What each Dask worker must be able to run before a job starts: the model, importable."""

IMPORT_TIME = 60.0
"""Seconds a Dask worker is given, beyond DASK_TIMEOUT, to import the model (a busy machine
takes tens of seconds to load it)."""


def usable_workers(client: Any, address: str, timeout: float) -> int:
    """The threads of a cluster whose workers can run chunks; UserError (one line) if no
    worker joins within `timeout` seconds or a worker cannot import the model."""
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:
        raise UserError(
            "--scheduler",
            None,
            "",
            f"the Dask scheduler at {address} has no workers: none joined within "
            f"{timeout:.0f} s ({_timeout_hint(address, timeout)})",
        ) from None
    limit = timeout + IMPORT_TIME
    try:
        answers = within(limit, lambda: client.run(exec, PROBE, on_error="return"))
    except Exception as exc:
        raise UserError(
            "--scheduler",
            None,
            "",
            f"the Dask workers at {address} did not import the model within {limit:.0f} s "
            f"({exc}; {DASK_TIMEOUT_VARIABLE} adds to that time)",
        ) from None
    for worker, answer in sorted(answers.items()):
        if isinstance(answer, BaseException):
            raise UserError(
                "--scheduler",
                None,
                "",
                f"the Dask worker {worker} cannot run the model ({type(answer).__name__}: "
                f"{answer}); install alliance-sim in every worker's environment",
            )
    return max(1, _workers(client))


class WorkerWatch:
    """A Dask pool's `alive` check: UserError once the scheduler stops answering, or once
    the cluster has had no worker for `timeout` seconds (its last worker died or left)."""

    def __init__(self, client: Any, address: str, timeout: float) -> None:
        self.client, self.address, self.timeout = client, address, timeout
        self.empty_since: float | None = None

    def __call__(self) -> None:
        try:
            threads = _workers(self.client)
        except Exception as exc:
            raise UserError(
                "--scheduler",
                None,
                "",
                f"lost the Dask scheduler at {self.address} ({type(exc).__name__}: {exc}); "
                "the job is marked failed and can be resumed",
            ) from None
        if threads:
            self.empty_since = None
            return
        now = time.monotonic()
        self.empty_since = self.empty_since or now
        if now - self.empty_since >= self.timeout:
            raise UserError(
                "--scheduler",
                None,
                "",
                f"the Dask cluster at {self.address} has had no worker for "
                f"{self.timeout:.0f} s (its last worker died or left; "
                f"{_timeout_hint(self.address, self.timeout)}); the job can be resumed",
            )


def _all_died(exc: Exception, address: str) -> UserError | None:
    """The one-line error for a chunk whose workers all died running it (Dask's KilledWorker,
    raised after its `allowed-failures` retries); None for any other exception."""
    from distributed import KilledWorker

    if not isinstance(exc, KilledWorker):
        return None
    return UserError(
        "--scheduler",
        None,
        "",
        f"every Dask worker at {address} that ran a chunk of this job died running it "
        "(out of memory, killed, or unable to import the model: see the workers' logs); "
        "the job stopped, and the runs it wrote can be resumed",
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

"""Draw a figure in a forked child process while this process does other work.

A run's figures cost more than the rest of writing its folder (the dashboard alone about
0.8 s at 1,000 replicates, matplotlib's import 0.6 s), and the machine has cores to spare
while this process writes tables. On Linux the costliest figure is therefore drawn by a
child forked from this process (it inherits the run's arrays without copying them) while
the parent writes the other files and figures; the parent then waits for it, and a
failure in the child is raised in the parent with the child's traceback, so the staged
folder is discarded as for any other failure (sim.files.staged_folder). Elsewhere, or with
ALLIANCE_SIM_FORK_PLOTS=0, the figure is drawn in this process after the block.
"""

import os
import signal
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ENV = "ALLIANCE_SIM_FORK_PLOTS"


def can_fork() -> bool:
    """Is drawing in a forked child available and wanted here?"""
    return sys.platform == "linux" and os.environ.get(ENV, "1").strip() != "0"


@contextmanager
def drawn_alongside(draw: Callable[[], object]) -> Iterator[None]:
    """Run `draw()` in a forked child while the block runs; on leaving, wait for it.

    The child only draws and writes its own files; it exits with os._exit, so nothing of
    the parent's (open files, pytest, atexit handlers) runs twice. If the block raises, the
    child is stopped and its files are left to the caller's staged folder to discard.
    """
    if not can_fork():
        yield
        draw()
        return
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # numpy's BLAS threads make the process multi-threaded; the child uses none of them
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: stopped by a signal at once, whatever the parent installed
        os.close(read_end)
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, signal.SIG_DFL)
        code = 0
        try:
            draw()
        except BaseException:
            os.write(write_end, traceback.format_exc().encode("utf-8", "replace"))
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    try:
        yield
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        raise
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(pid, 0)
    if status != 0:
        lines = message.strip().splitlines() or [f"exit status {os.waitstatus_to_exitcode(status)}"]
        error = RuntimeError(f"drawing a figure in a child process failed: {lines[-1]}")
        error.add_note("the child's traceback:\n" + message.strip())
        raise error

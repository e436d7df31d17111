"""What a user did wrong, as one message: where (file, line, key) and what is allowed.

Every error a user can cause (a scenario file, a `with_params` call, a command-line value, a
results or job folder) is a UserError; the command line prints its message and exits with
status 2, never with a traceback.
"""

import difflib
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path


class UserError(Exception):
    """Bad input: one message naming the file (or call), the line, the key and the fix."""

    def __init__(self, path: Path | str, line: int | None, key: str, message: str) -> None:
        self.path, self.line, self.key, self.message = str(path), line, key, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {key + ': ' if key else ''}{message}")

    def __reduce__(self) -> tuple:  # raised in worker processes, so it must pickle
        return (type(self), (self.path, self.line, self.key, self.message))


class ScenarioError(UserError):
    """Bad scenario content: a file, its `extends:` chain, or a `with_params` change."""


class MissingExtra(UserError):
    """A feature whose libraries are an optional extra that is not installed: the message is the
    one `pip install` line that adds it."""


EXTRAS: dict[str, tuple[str, ...]] = {
    "sweep": ("SALib", "ema_workbench"),
    "cluster": ("distributed",),
    "explore": ("ipywidgets", "voila"),
    "docs": ("mkdocs", "material"),
    "smc": ("pyabc",),
}
"""The optional extras (pyproject.toml) and the modules each brings."""


def _installed(module: str) -> bool:
    if module in sys.modules:  # None there means the import is blocked
        return sys.modules[module] is not None
    return importlib.util.find_spec(module) is not None


def require_extra(extra: str, needed_for: str) -> None:
    """Raise MissingExtra, naming the pip install to run, unless every module of `extra` is
    installed. Checks without importing (ema_workbench alone takes seconds to import)."""
    missing = [module for module in EXTRAS[extra] if not _installed(module)]
    if missing:
        raise MissingExtra(
            f"{needed_for} needs the '{extra}' extra ({', '.join(missing)} not installed)",
            None,
            "",
            f"pip install 'alliance-sim[{extra}]' (in a clone: pip install -e '.[{extra}]')",
        )


class Interrupted(BaseException):
    """The process was asked to stop (SIGINT or SIGTERM). `status` is the exit status
    (128 + signal number); a job sets `folder` and `resume` (the command that continues it)
    before passing it on."""

    def __init__(self, signal_number: int, name: str) -> None:
        super().__init__(name)
        self.signal_number, self.name = signal_number, name
        self.status = 128 + signal_number
        self.folder: str | None = None
        self.resume: str | None = None


_STOPS: list[Interrupted] = []
"""The stop this process was asked for, once a signal handler asked (sim.cli)."""


def stop_requested(signal_number: int, name: str) -> Interrupted:
    """Record that the process was asked to stop and return the Interrupted to raise.

    Python runs a signal handler between any two bytecodes, also inside a weakref callback or
    a __del__ method, where an exception is printed as 'Exception ignored' and dropped (seen:
    a SIGTERM early in a run, inside importlib's module-lock callback; the run went on and
    wrote its results). raise_if_stop_requested() raises it again where work goes on or is
    kept: each month of a model, each part of a job, before a results folder is published."""
    stop = Interrupted(signal_number, name)
    _STOPS.append(stop)
    return stop


def raise_if_stop_requested() -> None:
    """Raise the Interrupted a signal asked for, if one did (even if it was dropped)."""
    if _STOPS:
        raise _STOPS[0]


def forget_stop_request() -> None:
    """The command that was asked to stop has ended: later ones start afresh."""
    _STOPS.clear()


class ResourceError(UserError):
    """A job larger than the budget: the message gives the estimate and the flag that
    allows it."""


def did_you_mean(bad: str, allowed: Iterable[str]) -> str:
    """ "did you mean 'x'? " for the closest allowed name, or "" when none is close."""
    close = difflib.get_close_matches(bad, list(allowed), n=1)
    return f"did you mean '{close[0]}'? " if close else ""


def unknown_key_message(bad: str, allowed: Iterable[str], noun: str = "key") -> str:
    """ "unknown actor 'x'; did you mean 'y'? allowed: a, b, c"."""
    allowed = list(allowed)
    return f"unknown {noun} '{bad}'; {did_you_mean(bad, allowed)}allowed: {', '.join(allowed)}"

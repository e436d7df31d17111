"""Writing results so that a reader never sees half of them: atomic files, staged folders,
locked job folders.

A file is written under a hidden temporary name beside its final one and renamed into place;
a folder is filled under a hidden temporary name and renamed into place when complete. On any
failure the temporary is removed, nothing under the final name changes, and the parent
folders this created are removed again if they stayed empty. Two processes that pick the
same final name both succeed: the second is renamed to the next free name (`-2`, `-3` ...),
never over the first. A job folder being written is locked (`lock_folder`), so a second
process cannot write it at the same time.
"""

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.errors import UserError, raise_if_stop_requested


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call write(temporary) and rename the temporary to `path` (replacing it) on success."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temporary)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def make_parents(folder: Path) -> list[Path]:
    """Create `folder` and its missing ancestors; return those created, deepest first."""
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_if_empty(folders: list[Path]) -> None:
    """Remove these folders (deepest first) where they are empty; leave any other alone."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


def next_name(final: Path, n: int) -> Path:
    """The n-th alternative to a folder name taken by someone else: name-2, name-3 ..."""
    return final if n == 1 else final.with_name(f"{final.name}-{n}")


def make_new_folder(final: Path) -> tuple[Path, list[Path]]:
    """Create a new, empty folder at `final` or, if that is taken, the next free name;
    return it and the ancestors created for it (mkdir is atomic: two processes never get
    the same folder)."""
    created = make_parents(final.parent)
    for n in range(1, 10_000):
        candidate = next_name(final, n)
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate, [candidate, *created]
    raise UserError(final.parent, None, "", "no free folder name for the results")


@dataclass
class Staging:
    """A folder being filled (`path`, hidden); `final` is where it was published."""

    path: Path
    final: Path


@contextmanager
def staged_folder(final: Path) -> Iterator[Staging]:
    """A temporary folder beside `final`, renamed to `final` (or, if another process took
    that name meanwhile, to the next free one) when the block succeeds."""
    created: list[Path] = []
    temporary = final.parent / f".{final.name}.partial-{os.getpid()}"
    staging = Staging(temporary, final)
    try:
        created = make_parents(final.parent)
        temporary.mkdir()
        yield staging
        raise_if_stop_requested()  # never publish a run the user asked to stop (sim.errors)
        staging.final = _publish(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        remove_if_empty(created)
        raise


def _publish(temporary: Path, final: Path) -> Path:
    for n in range(1, 10_000):
        candidate = next_name(final, n)
        if candidate.exists():
            continue
        try:
            temporary.rename(candidate)  # fails if another process filled it meanwhile
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                continue
            raise
        return candidate
    raise UserError(final.parent, None, "", "no free folder name for the results")


LOCK_FILE = ".lock"


@contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a job folder while writing it; UserError at once if another
    process holds it. The lock is the kernel's (fcntl.flock): it goes with the process, even
    one killed with SIGKILL."""
    path = folder / LOCK_FILE
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, 0o644)  # never through a link planted in its place
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise UserError(
                folder,
                None,
                "--resume",
                f"this job folder is being written by {holder}; wait for it to finish or stop it",
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))


def check_writable_folder(root: Path, flag: str = "--out") -> None:
    """UserError unless results can be written under `root`: it must be a folder (or not
    exist yet, under a folder) that this process can create files in, and not /proc, /sys or
    /dev. Nothing is left behind by the check."""
    text = str(root)
    if "\x00" in text or not text.strip():
        raise UserError(flag, None, "", f"expected a folder name, got {text!r}")
    resolved = root.resolve()
    for system in SYSTEM_FOLDERS:
        if resolved == system or resolved.is_relative_to(system):
            raise UserError(root, None, flag, f"is under {system}, not a place for results")
    existing = resolved
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UserError(root, None, flag, f"{existing} is a file, not a folder")
    try:
        probe = Path(tempfile.mkdtemp(prefix=".write-check-", dir=existing))
        probe.rmdir()
    except OSError as exc:
        raise UserError(
            root, None, flag, f"cannot write in {existing} ({exc.strerror or exc})"
        ) from None

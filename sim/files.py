"""Writing results so that a reader never sees half of them: atomic files, staged folders.

A file is written under a hidden temporary name beside its final one and renamed into place;
a folder is filled under a hidden temporary name and renamed into place when complete. On any
failure the temporary is removed and nothing under the final name changes.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


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


@contextmanager
def staged_folder(final: Path) -> Iterator[Path]:
    """A temporary folder beside `final`, renamed to `final` when the block succeeds."""
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.parent / f".{final.name}.partial-{os.getpid()}"
    temporary.mkdir()
    try:
        yield temporary
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise

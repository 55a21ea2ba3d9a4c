"""Writing report files (`--output FILE`, `--format FORMAT:FILE`) safely.

In CI the current folder is the checkout of a pull request, so the name a report is written to
may already be a symbolic link the pull request committed (`ab-lint.sarif -> ~/.bashrc`).
A report is therefore written to a new file in the destination folder and renamed onto the name
(os.replace): a link, a FIFO or a file at the name is replaced, never followed or opened, and a
run that stops half way leaves no half-written report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path


def write_report(report: str, output: Path) -> None:
    """`report` as the file `output`, atomically. Raises OSError when it cannot be written."""
    folder = output.parent
    _check_folder(folder)
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            # a file name that is not UTF-8 (held by Python as surrogates) cannot be encoded as
            # such: it is written as an escape, never a traceback
            f.write(report.encode("utf-8", "backslashreplace"))
            os.fchmod(f.fileno(), 0o666 & ~_umask())  # mkstemp's 0600, as open() would create
        os.replace(temporary, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _check_folder(folder: Path) -> None:
    """A relative destination inside the current folder (the checkout, in CI) must not lead out
    of it through a link among its folders: `--output reports/x.sarif` with a committed
    `reports -> /home/runner` is refused. A destination the user spells outside is theirs."""
    here = Path.cwd()
    if folder.is_absolute() or not Path(os.path.normpath(here / folder)).is_relative_to(here):
        return
    if not Path(os.path.realpath(folder)).is_relative_to(os.path.realpath(here)):
        raise OSError(errno.EPERM, "its folder leads out of the current folder through a "
                      "symbolic link")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

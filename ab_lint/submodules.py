"""Git submodules that are not checked out.

A clone without `--recurse-submodules` leaves each submodule an empty folder. Every workspace
member and path dependency in one is then missing, and a note per crate (dozens when an SDK
fork is vendored as a submodule) hides the one thing to do. The notes about paths inside such
folders become one, at `.gitmodules`, with the command that fixes them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ab_lint import files
from ab_lint.diagnostics import Diagnostics

FIX = "git submodule update --init --recursive"
_PATH = re.compile(r'^\s*path\s*=\s*"?(.*?)"?\s*$', re.MULTILINE)


def unfetched(top: Path) -> list[Path]:
    """The submodule folders `.gitmodules` at `top` lists that hold nothing: missing, or
    empty as a clone leaves them. A folder ab-lint cannot list is not guessed to be one."""
    try:
        text = files.read(top / ".gitmodules", files.CONFIG_CAP, "submodule list", top)
    except files.Skipped:
        return []
    found = []
    for rel in _PATH.findall(text.decode("utf-8", "replace")):
        written = Path(rel.strip())
        # git refuses such paths; a crafted .gitmodules must not make ab-lint look elsewhere
        if written.is_absolute() or ".." in written.parts or not written.parts:
            continue
        folder = top / written
        try:
            with os.scandir(folder) as entries:
                empty = next(entries, None) is None
        except FileNotFoundError:
            empty = True
        except (OSError, ValueError):  # not a folder, no permission, a NUL in the name
            continue
        if empty:
            found.append(folder)
    return sorted(found)


def inside(path: Path, folders: list[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


def collapse(tops: list[Path], diags: Diagnostics) -> list[str]:
    """Replace the notes on paths inside unfetched submodules of `tops` by one note per
    repository; returns the submodules (as the report shows paths) that had notes."""
    named: list[str] = []
    for top in dict.fromkeys(tops):
        shown = [diags.relative(f) for f in unfetched(top)]
        taken = diags.take(lambda d, shown=shown: _in_any(d.path, shown))
        if not taken:
            continue
        used = [s for s in shown if any(_in_any(d.path, [s]) for d in taken)]
        paths = list(dict.fromkeys(d.path for d in taken))
        more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
        diags.add(top / ".gitmodules", f"{not_checked_out(used)}, so {', '.join(paths[:3])}"
                  f"{more} cannot be read: run `{FIX}`")
        named += used
    return named


def not_checked_out(names: list[str]) -> str:
    if len(names) == 1:
        return f"git submodule {names[0]} is not checked out"
    return f"git submodules {', '.join(names)} are not checked out"


def _in_any(path: str, folders: list[str]) -> bool:
    """Whether `path` (as notes write it) is one of `folders` or below one."""
    return any(path == f or path.startswith(f + "/") for f in folders)

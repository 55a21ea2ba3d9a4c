"""The files of the folder checked, listed once per process: the local networks (relay.py), the
collators' launch files (launch.py) and the chain specs (checks/omni.py) are all looked for
among them, so a large repository's tree is walked once, not once per reader. checking.py
lists it before the runtimes are read in forked processes, which inherit the listing.

The walk is `os.walk` with names sorted, files before folders, on plain strings; folders named
in SKIP_DIRS or starting with a dot are not entered (build output, vendored code, git's own
data), and a symbolic link to a folder is not followed. A link to a file is listed, marked, for
the reader to check where it leads."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ab_lint.diagnostics import Diagnostics

T = TypeVar("T")
SKIP_DIRS = {"target", "node_modules", "vendor"}
MAX_DEPTH = 6  # the deepest folder listed, the folder checked being 0


class Entry(NamedTuple):
    path: str
    name: str
    depth: int  # of the folder the file is in
    link: bool  # a symbolic link


_listed: dict[str, tuple[Entry, ...]] = {}
_derived: dict[tuple[str, ...], Any] = {}


def forget() -> None:
    """A new run lists the tree anew: files change between two runs of one process (tests,
    an editor integration)."""
    _listed.clear()
    _derived.clear()


def derived(key: tuple[str, ...], compute: Callable[[], T]) -> T:
    """What a reader found among the files (every runtime of a monorepo asks for the same
    chain specs), computed once per run."""
    if key not in _derived:
        _derived[key] = compute()
    return _derived[key]


def listing(root: Path, diags: Diagnostics | None = None) -> tuple[Entry, ...]:
    """Every file under `root`, in walk order. A folder that cannot be read for lack of
    permission is a note in `diags` (the first time the tree is listed)."""
    key = str(root)
    if key not in _listed:
        out: list[Entry] = []
        _walk(key, 0, out, diags)
        _listed[key] = tuple(out)
    return _listed[key]


def _walk(folder: str, depth: int, out: list[Entry], diags: Diagnostics | None) -> None:
    plain: list[os.DirEntry] = []
    dirs: list[os.DirEntry] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                (dirs if is_dir else plain).append(entry)
    except OSError as e:
        if diags is not None and e.errno == errno.EACCES:
            diags.add(Path(folder), f"cannot read folder: {e.strerror}")
        return
    for entry in sorted(plain, key=_name):
        try:
            link = entry.is_symlink()
        except OSError:
            continue  # vanished while listed
        out.append(Entry(entry.path, entry.name, depth, link))
    if depth >= MAX_DEPTH:
        return
    for entry in sorted(dirs, key=_name):
        if entry.name in SKIP_DIRS or entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                continue
        except OSError:
            continue
        _walk(entry.path, depth + 1, out, diags)


def _name(entry: os.DirEntry) -> str:
    return entry.name

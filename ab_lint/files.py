"""Reading the files of the scanned repository safely.

ab-lint runs in CI on pull requests, so the tree it reads is whatever a contributor committed.
Every file of that tree is read through `read` here, which holds three promises:

- only regular files are read: a FIFO would block the read for ever, a link to `/dev/zero`
  never ends, a socket or a device is not source. The file is `stat`ed before it is opened
  (opening some devices has effects), opened with O_NONBLOCK (a FIFO swapped in between
  cannot block the open) and checked again on the open descriptor;
- never more than a cap per kind of file is read (at most cap + 1 bytes, to tell "exactly the
  cap" from "more"): tree-sitter needs about 230 bytes of memory per byte of dense Rust (a
  2 MB one-line file: 460 MB, 4.5 s), so a 40 MB file would cost 9-11 GB;
- nothing outside the repository is read: a path that resolves (links followed) outside `top`
  is refused.

The repository is the git work tree holding the path ab-lint is given (the nearest folder at or
above it with a `.git` entry), or, outside git, the folder given itself. Nothing above it is read,
not even a `[workspace]` manifest that would make the folder given a member.

A refusal is a `Skipped` exception whose text is the note shown in every report.
"""

from __future__ import annotations

import errno
import fnmatch
import itertools
import os
import stat
from collections.abc import Callable
from pathlib import Path

from ab_lint.diagnostics import Diagnostics

MB = 1024 * 1024
# Caps, with their margin over the largest real files seen (polkadot-sdk and about 70 checkouts
# of parachain repositories):
RUST_CAP = 4 * MB  # polkadot-sdk's largest .rs is 302 KB; subxt-generated metadata is 2.6 MB
# polkadot-sdk's root Cargo.toml, the largest seen, is 92 KB; a flat 8 MB manifest of
# dependencies costs a whole run 4.5 s and 340 MB
MANIFEST_CAP = 8 * MB
LOCK_CAP = 16 * MB  # Cargo.lock: polkadot-sdk's is 616 KB, parachains' 400-550 KB
CONFIG_CAP = MANIFEST_CAP  # ab-lint.toml: a few lines, but its keys may sit in a manifest
RELAY_CAP = 8 * MB  # zombienet files and chain specs: chain specs reach 4.2 MB

_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


NUL_NAME = "the path holds a NUL byte (no file can be named so), not read"


class Skipped(Exception):
    """A file that is not read; the message says why, as the note shows it."""


def read(path: Path, cap: int, kind: str, top: Path | None = None) -> bytes:
    """The bytes of the regular file at `path`, at most `cap` of them.

    `kind` names the file in the size note ("Rust source", "manifest"). With `top` (resolved),
    a path whose links lead outside `top` is refused; without it, the caller has checked that
    already (a walk that checks each link it meets). Raises Skipped.
    """
    if top is not None:
        inside_or_skip(path, top)
    try:
        before = os.stat(path)
        _regular(before, cap, kind)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as e:
        raise Skipped(_os_reason(e)) from None
    except ValueError:  # a name with a NUL byte, as a manifest or #[path] may write
        raise Skipped(NUL_NAME) from None
    try:
        after = os.fstat(fd)
        _regular(after, cap, kind)  # the file may have been swapped since the stat
        with open(fd, "rb", closefd=False) as f:
            # what the size says plus one byte: a file that grew is still read only to the cap
            data = f.read(min(after.st_size, cap) + 1)
            if len(data) > after.st_size:
                data += f.read(cap + 1 - len(data))
    except OSError as e:
        raise Skipped(_os_reason(e)) from None
    finally:
        os.close(fd)
    if len(data) > cap:
        raise Skipped(_too_large(cap, kind))
    return data


def read_or_note(path: Path, cap: int, kind: str, diags: Diagnostics,
                 top: Path | None = None) -> bytes | None:
    """`read`, with a refusal added to `diags` as a note on the file."""
    try:
        return read(path, cap, kind, top)
    except Skipped as e:
        diags.add(path, str(e))
        return None


def check(path: Path, top: Path | None = None) -> str | None:
    """Why `path` would not be read (not a regular file, outside `top`, unreadable), without
    opening it; None when it may be read. For choosing among candidate files."""
    try:
        if top is not None:
            inside_or_skip(path, top)
        _regular(os.stat(path), None, "")
    except Skipped as e:
        return str(e)
    except OSError as e:
        return _os_reason(e)
    except ValueError:
        return NUL_NAME
    return None


def inside(path: Path, top: Path) -> Path | None:
    """`path` with links resolved, if it exists and stays inside `top` (itself resolved)."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):  # dangling, a loop (3.12), a NUL in the name
        return None
    return real if real.is_relative_to(top) else None


def inside_or_skip(path: Path, top: Path) -> Path:
    """`path` resolved inside `top`, or Skipped saying why not."""
    try:
        real = path.resolve(strict=True)
    except ValueError:
        raise Skipped(NUL_NAME) from None
    except (OSError, RuntimeError) as e:
        raise Skipped(_os_reason(e) if isinstance(e, OSError) else "symlink loop, not read") \
            from None
    if not real.is_relative_to(top):
        raise Skipped("leads outside the repository (through a link or `..`), not read")
    return real


MAX_GLOB_FOLDERS = 20_000  # folders a pattern may match (polkadot-sdk has 570 members)


def expand(root: Path, pattern: str, top: Path, diags: Diagnostics | None = None,
           what: str = "folder") -> list[Path]:
    """The folders a pattern (`runtimes/*`, `crates/**`, a plain path) names below `root`, as
    real paths inside `top` (both resolved), sorted.

    The pattern is matched one component at a time, as Cargo's and Python's globs do, except
    that a link is followed only when it stays inside `top` (a member glob that meets a link to
    `/` does not list the machine), and each real folder is kept once per component: links that
    loop (`a -> .`) cannot multiply the work, where `*/*/*` over 100 such links is a million
    paths. `what` names the matches in notes ("workspace member").
    """
    def refuse(path: Path, how: str) -> None:
        if diags is not None:
            diags.add(path, f"{what} {pattern}: {how}")

    if not any(ch in pattern for ch in "*?["):  # a plain path (most members): one resolve
        try:
            real = (root / pattern).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            return []  # missing (or a NUL in the name): the caller says so
        if real.is_relative_to(top):
            return [real] if real.is_dir() else []
        # leaving the repository: the walk below names the step that leaves
    level = [root]
    for part in Path(pattern).parts:
        nxt: dict[Path, None] = {}  # ordered, without repeats
        for folder in level:
            nxt.update(dict.fromkeys(_children(folder, part, top, refuse)))
            if len(nxt) > MAX_GLOB_FOLDERS:
                refuse(root, f"matches more than {MAX_GLOB_FOLDERS:,} folders; the rest are "
                       "not read")
                return sorted(nxt)[:MAX_GLOB_FOLDERS]
        level = list(nxt)
    return sorted(level)


def _children(folder: Path, part: str, top: Path, refuse: Callable[[Path, str], None]
              ) -> list[Path]:
    """The real folders one pattern component names below `folder` (itself real)."""
    if part == "**":  # any depth, links not followed (as Python's glob and Cargo's do)
        walk = itertools.islice(os.walk(folder), MAX_GLOB_FOLDERS + 1)
        return [Path(d) for d, _, _ in walk]
    if not any(ch in part for ch in "*?["):
        names = [part]
    else:
        try:
            with os.scandir(folder) as entries:
                names = sorted(e.name for e in entries if fnmatch.fnmatchcase(e.name, part))
        except OSError as e:
            if e.errno not in (errno.ENOENT, errno.ENOTDIR):
                refuse(folder, f"cannot read folder {folder.name}: {e.strerror or e}")
            return []
    children = (_step(folder, name, top, refuse) for name in names)
    return [child for child in children if child is not None and child.is_dir()]


def _step(folder: Path, name: str, top: Path, refuse: Callable[[Path, str], None]
          ) -> Path | None:
    """`folder / name` as a real path inside `top`, or None (refused when a link, `..` or an
    absolute path leads out of the repository)."""
    if name == "/" or (name not in (".", "..") and os.path.islink(folder / name)):
        child = inside(folder / name, top)
        if child is None:
            refuse(folder / name, "leads outside the repository (through a link, or the link "
                   "dangles or loops), not read")
        return child
    child = folder if name == "." else folder.parent if name == ".." else folder / name
    if not child.is_relative_to(top):
        refuse(folder / name, "leads outside the repository, not read")
        return None
    return child


def git_top(path: Path) -> Path | None:
    """The nearest folder at or above `path` with a `.git` entry (a folder, or the file of a
    submodule or worktree): the top of the git work tree holding `path`."""
    for parent in [path, *path.parents]:
        if os.path.lexists(parent / ".git"):
            return parent
    return None


def repository_top(path: Path) -> Path:
    """The repository `path` (resolved) belongs to: its git work tree, else `path` itself."""
    return git_top(path) or path


def report_root(path: Path) -> Path:
    """What every reported path is relative to, so that GitHub attaches annotations and SARIF
    results to the repository's files whatever PATH was given: the git work tree holding
    `path` (resolved); outside git, GitHub Actions' workspace when `path` is in it; else
    `path`. The work tree wins over GITHUB_WORKSPACE: a checkout into a subfolder of the
    workspace is a repository of its own, whose files GitHub names from its top."""
    top = git_top(path)
    if top is not None:
        return top
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if workspace:
        try:
            base = Path(workspace).resolve()
        except (OSError, RuntimeError, ValueError):
            return path
        if path.is_relative_to(base):
            return base
    return path


def _regular(st: os.stat_result, cap: int | None, kind: str) -> None:
    if not stat.S_ISREG(st.st_mode):
        what = _KINDS.get(stat.S_IFMT(st.st_mode), "of an unknown kind")
        raise Skipped(f"not a regular file ({what}), not read")
    if cap is not None and st.st_size > cap:
        raise Skipped(_too_large(cap, kind))


def _too_large(cap: int, kind: str) -> str:
    return f"larger than {_size(cap)}, the cap for a {kind}; not read"


def _size(n: int) -> str:
    return f"{n // MB} MB" if n >= MB and n % MB == 0 else f"{n:,} bytes"


def _os_reason(e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symlink loop, not read"
    if e.errno == errno.ENOENT:
        return "no such file (or a dangling link), not read"
    return f"cannot read: {e.strerror or e}"

"""The polkadot-sdk release a workspace builds against, read from its Cargo.lock or manifests.

Rules whose truth depends on the SDK (the guide's phase-1 staging values stall stable2512-era
collators; 2023 releases predate working async backing) read it from here. The result is a bare
release name: "stableYYMM", "unstableYYMM", "polkadot-v1.N" or "polkadot-v0.9.NN".

Three kinds of evidence, strongest first:
- a git source (branch, tag or rev) whose name contains the release, forks' branches included
  ("moonbeam-polkadot-v1.7.2", "release-v1.0.0", "polkadot-stable2506-11-patch");
- the umbrella crate `polkadot-sdk` at YYMM.x.y (YYMM numbering since 2503);
- crates.io versions of a few anchor crates, mapped through the table in data/sdk_releases.json
  (built by scripts/build_sdk_releases.py from psvm, the release registry and named upgrades).
  Several anchors vote: one crate can ship unchanged in two releases, the others then decide.

Cargo.lock is scanned as text with str.find for the anchors only: it can be megabytes, and any
content (garbage, binary, unknown versions) must give None rather than an exception.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import unquote

from ab_lint import files
from ab_lint.diagnostics import Diagnostics

# Crates that every parachain runtime pins, most telling first: it breaks ties between releases.
ANCHORS: tuple[str, ...] = (
    "cumulus-pallet-parachain-system",
    "frame-support",
    "frame-system",
    "sp-runtime",
    "polkadot-primitives",
    "staging-xcm",
    "cumulus-primitives-core",
    "frame-executive",
    "sp-api",
    "sp-io",
    "pallet-balances",
    # a node crate: node-only workspaces pin it, and its git ref names the release like any other
    "cumulus-client-consensus-aura",
)
UMBRELLA = "polkadot-sdk"
MAX_LOCK_BYTES = files.LOCK_CAP  # the caps are files.py's; named here for tests to lower
MAX_MANIFEST_BYTES = files.MANIFEST_CAP
MAX_MANIFESTS = 400  # member manifests read when there is no lock; a bound on odd trees

# A release named inside a git ref; the look-behinds stop "unstable" from matching as "stable"
# and "xv1.2" from matching at all.
_STABLE_REF = re.compile(r"(?<![a-z0-9])(un)?stable(\d{4})(?!\d)")
_V1_REF = re.compile(r"(?<![a-z0-9.])v1\.(\d+)(?![\d])")
_V09_REF = re.compile(r"(?<![a-z0-9.])v0\.9\.(\d+)(?![\d])")
_GIT_REF = re.compile(r"[?&](?:branch|tag|rev)=([^#&]+)")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
_YYMM = re.compile(r"(\d{4})\.\d+\.\d+")


@dataclass(frozen=True)
class SdkRelease:
    name: str  # "polkadot-v1.7", "stable2503", "unstable2604", "polkadot-v0.9.43"
    key: tuple[int, int] | None  # sortable: (0, NN) v0.9.NN, (1, N) v1.N, (2, YYMM) (un)stable
    path: Path  # the Cargo.lock or Cargo.toml the release was read from
    line: int
    via: str = ""  # "git", "umbrella" or "anchors": how strong the reading is
    detail: str = ""  # what was read: the git ref, or "frame-support 39.1.0"

    def at_least(self, release: str) -> bool:
        other = release_key(release)
        return self.key is not None and other is not None and self.key >= other

    def older_than(self, release: str) -> bool:
        other = release_key(release)
        return self.key is not None and other is not None and self.key < other


def release_key(name: str) -> tuple[int, int] | None:
    """A sortable key for a release name; unstableYYMM sorts by its YYMM between stable lines."""
    if m := _STABLE_REF.search(name):
        return (2, int(m.group(2)))
    if m := _V1_REF.search(name):
        return (1, int(m.group(1)))
    if m := _V09_REF.search(name):
        return (0, int(m.group(1)))
    return None


def release_from_ref(ref: str) -> str | None:
    """The bare release a git branch, tag or rev names, patch level and fork prefix dropped."""
    ref = unquote(ref).strip().lower()
    if m := _STABLE_REF.search(ref):
        return f"{m.group(1) or ''}stable{m.group(2)}"
    if m := _V1_REF.search(ref):
        return f"polkadot-v1.{int(m.group(1))}"
    if m := _V09_REF.search(ref):
        return f"polkadot-v0.9.{int(m.group(1))}"
    return None


def release_from_umbrella(version: str) -> str | None:
    """Umbrella `polkadot-sdk` YYMM.x.y: a stable line if the registry lists it, else unstable."""
    m = _YYMM.fullmatch(version.strip().lstrip("=^~ "))
    if m is None:
        return None
    yymm = m.group(1)
    return f"stable{yymm}" if f"stable{yymm}" in _table().stable else f"unstable{yymm}"


def releases_for(crate: str, version: str) -> tuple[str, ...]:
    """Releases that published this crates.io version of an anchor crate (empty if unknown)."""
    key = _compat(version)
    if key is None:
        return ()
    return _table().anchors.get(crate, {}).get(key, ())


def read_release(workspace_root: Path, diags: Diagnostics | None = None) -> SdkRelease | None:
    """The release of the workspace at workspace_root: its Cargo.lock, else its manifests.
    Files that are not regular, over their cap or behind a link leading out of the workspace are
    not read (a note in `diags` says so)."""
    try:
        root = workspace_root.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    reader = _Reader(root, diags)
    try:
        lock = root / "Cargo.lock"
        text = reader.read(lock, MAX_LOCK_BYTES, "Cargo.lock")
        if text is not None:
            entries = list(_lock_entries(text))
            if _is_sdk_itself(entries):
                return None  # the polkadot-sdk repository (or a copy of it) has no "release"
            found = _decide(entries)
            if found is not None:
                return _locate(found, lock, text, root, reader)
        return _from_manifests(root, reader)
    except (OSError, ValueError, RecursionError):
        return None


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    crate: str
    version: str
    source: str  # "" for path crates (the workspace's own), "registry+...", "git+..."
    offset: int  # where the `name = ` line starts in the text it was read from


@dataclass(frozen=True)
class _Vote:
    release: str
    weight: float
    via: str
    entry: _Entry
    detail: str


def _lock_entries(text: str) -> Iterator[_Entry]:
    """Anchor and umbrella packages of a Cargo.lock, found with str.find (fast on big locks)."""
    for crate in (*ANCHORS, UMBRELLA):
        needle = f'\nname = "{crate}"\n'
        pos = text.find(needle)
        while pos >= 0:
            start = pos + 1
            body_end = text.find("\n\n", start)
            body = text[start:body_end if body_end >= 0 else start + 4096][:4096]
            version = _field(body, "version")
            if version is not None:
                yield _Entry(crate, version, _field(body, "source") or "", start)
            pos = text.find(needle, start)


def _field(body: str, key: str) -> str | None:
    m = re.search(rf'^{key} = "([^"\n]*)"', body, re.M)
    return m.group(1) if m else None


def _is_sdk_itself(entries: list[_Entry]) -> bool:
    local = {e.crate for e in entries if not e.source}
    return len(local & {"frame-support", "frame-system", "sp-runtime",
                        "cumulus-pallet-parachain-system"}) >= 2


def _vote(entry: _Entry) -> list[_Vote]:
    """What one lock or manifest entry says about the release."""
    if entry.source.startswith("git+"):
        ref = _GIT_REF.search(entry.source)
        named = release_from_ref(ref.group(1)) if ref else None
        if named is not None:
            return [_Vote(named, 3.0, "git", entry, unquote(ref.group(1)) if ref else "")]
    elif entry.crate == UMBRELLA:
        named = release_from_umbrella(entry.version)
        if named is not None:
            return [_Vote(named, 3.0, "umbrella", entry, f"{UMBRELLA} {entry.version}")]
    # crates.io, or a git rev that names no release: the version through the table
    crate = entry.crate
    releases = releases_for(crate, entry.version)
    return [_Vote(r, 1.0 / len(releases), "anchors", entry, f"{crate} {entry.version}")
            for r in releases]


def _decide(entries: Iterable[_Entry]) -> _Vote | None:
    """One vote set per crate (its newest version), then the release most crates agree on."""
    by_crate: dict[str, _Entry] = {}
    for entry in entries:
        known = by_crate.get(entry.crate)
        if known is None or _version_tuple(entry.version) > _version_tuple(known.version):
            by_crate[entry.crate] = entry
    order = {crate: i for i, crate in enumerate((UMBRELLA, *ANCHORS))}
    votes = [v for crate in sorted(by_crate, key=order.__getitem__) for v in _vote(by_crate[crate])]
    if not votes:
        return None
    totals: dict[str, float] = {}
    for v in votes:
        totals[v.release] = totals.get(v.release, 0.0) + v.weight
    best = max(totals.values())
    # ties go to the release the most telling crate voted for (votes are in priority order)
    winner = next(v for v in votes if totals[v.release] == best)
    # the evidence shown is the first line in the file that says so in the strongest way
    # (Cargo.lock is sorted by name, so that is stable and easy to find by eye)
    return min((v for v in votes if v.release == winner.release and v.via == winner.via),
               key=lambda v: v.entry.offset)


def _locate(vote: _Vote, path: Path, text: str, root: Path, reader: _Reader) -> SdkRelease:
    """Evidence: the root manifest line that declares the git ref or umbrella version (the line
    a person edits to move release, most telling anchor crate first), else the lock line."""
    line = text.count("\n", 0, vote.entry.offset) + 1
    if vote.via == "git" and vote.detail:
        needle, crates = f'"{vote.detail}"', ANCHORS
    elif vote.via == "umbrella":
        needle, crates = vote.entry.version.split(".")[0], (UMBRELLA,)
    else:
        return SdkRelease(vote.release, release_key(vote.release), path, line, vote.via,
                          vote.detail)
    fallback: tuple[Path, int] | None = None
    for manifest in [root / "Cargo.toml"]:
        mtext = reader.read(manifest, MAX_MANIFEST_BYTES, "manifest")
        if mtext is None or needle not in mtext:
            continue
        at, exact = _manifest_line_of(mtext, crates, needle)
        if exact:
            fallback = (manifest, mtext.count("\n", 0, at) + 1)
            break
        if at >= 0 and fallback is None and vote.via == "git":
            fallback = (manifest, mtext.count("\n", 0, at) + 1)
    if fallback is not None:
        path, line = fallback
    return SdkRelease(vote.release, release_key(vote.release), path, line, vote.via, vote.detail)


def _manifest_line_of(text: str, crates: tuple[str, ...], needle: str) -> tuple[int, bool]:
    """Offset of the line holding needle: a dependency line of the earliest crate if any."""
    starts: dict[str, int] = {}
    first = -1
    at = text.find(needle)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        first = start if first < 0 else first
        head = text[start:at].lstrip()
        for crate in crates:
            if head.startswith((crate, f'"{crate}"')) or f'package = "{crate}"' in head:
                starts.setdefault(crate, start)
        at = text.find(needle, at + len(needle))
    for crate in crates:
        if crate in starts:
            return starts[crate], True
    return first, False


# --- manifests (no usable Cargo.lock) --------------------------------------------------------

_SECTION = re.compile(r"^\s*\[([^\]\n]+)\]\s*(?:#.*)?$")
_DEP_LINE = re.compile(r"^\s*([A-Za-z0-9_.\"-]+)\s*=\s*(.+)$")
_STR = re.compile(r'^\s*"([^"\n]*)"')
_KEYS = ("version", "branch", "tag", "rev", "package", "git")


def _from_manifests(root: Path, reader: _Reader) -> SdkRelease | None:
    root_manifest = root / "Cargo.toml"
    # the root manifest first (workspace.dependencies); member manifests only if it says nothing
    for paths in ([root_manifest], _member_manifests(root)):
        entries: list[tuple[_Entry, Path, str]] = []
        for path in paths:
            text = reader.read(path, MAX_MANIFEST_BYTES, "manifest")
            if text is not None:
                entries.extend((e, path, text) for e in _manifest_entries(text))
        vote = _decide(e for e, _, _ in entries)
        if vote is not None:
            path, text = next((p, t) for e, p, t in entries if e is vote.entry)
            line = text.count("\n", 0, vote.entry.offset) + 1
            return SdkRelease(vote.release, release_key(vote.release), path, line, vote.via,
                              vote.detail)
    return None


def _member_manifests(root: Path) -> list[Path]:
    """Cargo.toml files below the root, three levels deep, skipping build output and dot dirs
    (folders found as `files.expand` finds them: links followed only inside the root, each
    real folder once)."""
    out: list[Path] = []
    for pattern in ("*", "*/*", "*/*/*"):
        for folder in files.expand(root, pattern, root):
            parts = folder.relative_to(root).parts
            path = folder / "Cargo.toml"
            if any(p.startswith(".") or p == "target" for p in parts) \
                    or not os.path.lexists(path):
                continue
            out.append(path)
            if len(out) >= MAX_MANIFESTS:
                return out
    return out


def _manifest_entries(text: str) -> Iterator[_Entry]:
    """Dependencies on anchor crates or the umbrella, as lock-like entries.

    `frame-support = { version = "39.1.0" }`, `polkadot-sdk = "2503.0.1"`, a git dependency with
    a branch or tag, and the `[dependencies.frame-support]` table form. A version requirement
    counts as the version it names ("^0.17" and "=0.17.1" both say 0.17).
    """
    wanted = {*ANCHORS, UMBRELLA}
    table_crate: str | None = None
    table: dict[str, str] = {}
    table_offset = 0
    offset = 0
    for raw in text.splitlines(keepends=True):
        line_start, offset = offset, offset + len(raw)
        line = raw.rstrip("\r\n")
        if m := _SECTION.match(line):
            if table_crate is not None:
                yield from _dep_entry(table_crate, table, table_offset, wanted)
            head = m.group(1).strip()
            table_crate, table = None, {}
            for prefix in ("dependencies.", "workspace.dependencies.", "dev-dependencies.",
                           "build-dependencies."):
                if head.startswith(prefix) or f".{prefix}" in head:
                    table_crate = head.rsplit(prefix, 1)[1].strip('"')
                    table_offset = line_start
            continue
        m = _DEP_LINE.match(line)
        if m is None:
            continue
        key, value = m.group(1).strip('"'), m.group(2)
        if table_crate is not None:
            if key in _KEYS and (s := _STR.match(value)):
                table[key] = s.group(1)
            continue
        if s := _STR.match(value):
            fields = {"version": s.group(1)}
        elif value.lstrip().startswith("{"):
            fields = dict(re.findall(r'\b(version|branch|tag|rev|package|git)\s*=\s*"([^"\n]*)"',
                                     value))
        else:
            continue
        yield from _dep_entry(key, fields, line_start, wanted)
    if table_crate is not None:
        yield from _dep_entry(table_crate, table, table_offset, wanted)


def _dep_entry(name: str, fields: dict[str, str], offset: int,
               wanted: set[str]) -> Iterator[_Entry]:
    crate = fields.get("package", name)
    if crate not in wanted:
        return
    ref = fields.get("branch") or fields.get("tag") or fields.get("rev")
    if "git" in fields:
        if ref:
            kind = "branch" if "branch" in fields else "tag" if "tag" in fields else "rev"
            yield _Entry(crate, fields.get("version", "0.0.0"),
                         f"git+{fields['git']}?{kind}={ref}", offset)
        return
    version = fields.get("version", "").strip().lstrip("=^~ ")
    if version:
        # a requirement may leave out the patch level ("0.17", "39"): pad it for the parse
        parts = version.split(",")[0].strip().split(".")
        padded = ".".join((parts + ["0", "0"])[:3])
        yield _Entry(crate, padded, "registry+manifest", offset)


# --- helpers ----------------------------------------------------------------------------------


class _Reader:
    """Reads the workspace's lock and manifests through `files.read`, inside its root."""

    def __init__(self, root: Path, diags: Diagnostics | None) -> None:
        self.root, self.diags = root, diags

    def read(self, path: Path, limit: int, kind: str) -> str | None:
        """The file as text (newlines normalised), or None: missing, or not read (a note)."""
        if not os.path.lexists(path):
            return None
        try:
            data = files.read(path, limit, kind, self.root)
        except files.Skipped as e:
            if self.diags is not None:
                self.diags.add(path, str(e))
            return None
        text = data.decode("utf-8", errors="replace")
        return text.replace("\r\n", "\n") if "\r" in text else text


def _version_tuple(version: str) -> tuple[int, int, int]:
    m = _VERSION.match(version)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else (-1, -1, -1)


def _compat(version: str) -> str | None:
    """The semver-compatible part Cargo resolves on: "0.N" for 0.x crates, "M" otherwise."""
    m = _VERSION.fullmatch(version.split("+")[0].split("-")[0].strip())
    if m is None:
        return None
    major, minor = int(m.group(1)), int(m.group(2))
    return f"0.{minor}" if major == 0 else str(major)


@dataclass(frozen=True)
class _Table:
    anchors: dict[str, dict[str, tuple[str, ...]]]
    stable: frozenset[str]


@lru_cache(maxsize=1)
def _table() -> _Table:
    """The shipped release table; a missing or damaged file leaves only the git/umbrella paths."""
    try:
        raw = json.loads(resources.files("ab_lint.data").joinpath("sdk_releases.json")
                         .read_text(encoding="utf-8"))
        # the umbrella's 0.x versions (before YYMM numbering) sit among the anchors
        anchors = {crate: {key: tuple(str(row[0]) for row in rows)
                           for key, rows in versions.items()}
                   for crate, versions in raw["anchors"].items()}
        return _Table(anchors, frozenset(raw["stable_lines"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError, ModuleNotFoundError):
        return _Table({}, frozenset())

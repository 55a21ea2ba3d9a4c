"""How the repository launches its collators outside the node's code: the authoring flags in
local networks (zombienet TOML/JSON), compose files, Helm values, systemd units and launch
scripts. The omni-node and polkadot-parachain choose the collator from `--authoring
slot-based` (stable2503, polkadot-sdk #7569; `--experimental-use-slot-based` before, deprecated
since), so for a repository without a node crate these files are where the choice is written.

Files are searched as text, not parsed: a flag is the same bytes in a YAML list, a TOML array,
a shell line or an `ExecStart=`, and a file that does not hold `--authoring` or
`use-slot-based` is passed over after one byte search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ab_lint import files, tree
from ab_lint.diagnostics import Diagnostics

# launch files are small; a bigger .json is a chain spec with its wasm, read by relay.py
MAX_BYTES = 1024 * 1024
SUFFIXES = (".toml", ".json", ".yml", ".yaml", ".service", ".sh", ".env")
NAMES = ("Dockerfile", "Makefile", "justfile")
# `--authoring slot-based`, `--authoring=slot-based`, `"--authoring", "slot-based"` (the
# next item of a list), `- --authoring` then `- slot-based` (a YAML list), and the flag
# deprecated by #7569
_FLAG = re.compile(rb"--authoring(?:=|[\"']?\s*,\s*[\"']|\s*\n\s*-\s+[\"']?|\s+)"
                   rb"([a-z_]+(?:-[a-z_]+)*)|--experimental-use-slot-based")
_NEEDLES = (b"--authoring", b"use-slot-based")
_MODES = {b"slot-based": "slot-based", b"slot_based": "slot-based", b"lookahead": "lookahead"}


@dataclass(frozen=True)
class Flag:
    path: str  # as reports show it
    line: int
    mode: str  # "slot-based" or "lookahead"
    deprecated: bool = False  # --experimental-use-slot-based


@dataclass
class LaunchScan:
    flags: list[Flag] = field(default_factory=list)

    @property
    def modes(self) -> set[str]:
        return {f.mode for f in self.flags}


def scan(root: Path, rel, diags: Diagnostics | None = None) -> LaunchScan:
    """The authoring flags in the files under `root` (tree.listing: the walk relay.py and the
    chain-spec reader share); `rel` names a path as reports do. Links are passed over: a
    launch file is read where it lives."""
    out = LaunchScan()
    for entry in tree.listing(root, diags):
        name = entry.name
        if entry.link or not (name.endswith(SUFFIXES) or name in NAMES) or name in (
                "Cargo.toml", "Cargo.lock"):
            continue
        try:
            data = files.read(Path(entry.path), MAX_BYTES, "launch file", None)
        except files.Skipped:
            continue  # a big or odd file named .json is rarely a launch file: no note
        for line, mode, deprecated in flags_in(data):
            out.flags.append(Flag(rel(Path(entry.path)), line, mode, deprecated))
    out.flags.sort(key=lambda f: (f.path, f.line))
    return out


def flags_in(data: bytes) -> list[tuple[int, str, bool]]:
    """(line, mode, deprecated) of each authoring flag in a file's bytes; an `--authoring`
    value that names no mode ab-lint knows is left out rather than guessed."""
    if not any(needle in data for needle in _NEEDLES):
        return []
    out = []
    for m in _FLAG.finditer(data):
        line = data.count(b"\n", 0, m.start()) + 1
        if m.group(1) is None:
            out.append((line, "slot-based", True))
        elif m.group(1) in _MODES:
            out.append((line, _MODES[m.group(1)], False))
    return out

"""Local test-network configurations in the repository (zombienet TOML/JSON, chain specs),
and the relay-chain host configuration they set: async_backing_params and the scheduler
lookahead, in the key shapes of the old and the new chain-spec formats."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import rtoml

from ab_lint import files, tree
from ab_lint.diagnostics import Diagnostics
from ab_lint.sdk import SdkRelease

MAX_BYTES = files.RELAY_CAP  # the cap is files.py's; named here for tests to lower
MAX_DEPTH = 5  # the deepest folder a network is looked for in


@dataclass
class HostConfig:
    """One `configuration.config` object of a relay genesis."""

    path: Path
    rel: str
    text: str
    keys: list[str]  # where it sits: [..., "runtimeGenesis", "patch", "configuration", "config"]
    config: dict[str, Any]
    kind: str  # "zombienet" or "chain-spec"

    @property
    def new_format(self) -> bool:
        return "runtimeGenesis" in self.keys

    def line_of(self, key: str) -> int:
        """The line where `key` is written (a `key =` / `"key":` entry, then a table header)."""
        k = re.escape(key)
        for pattern in (rf'^[ \t]*"?{k}"?\s*[=:]', rf'[.\["]{k}["\]]', k):
            m = re.search(pattern, self.text, re.MULTILINE)
            if m:
                return self.text.count("\n", 0, m.start()) + 1
        return 1


@dataclass
class RelayScan:
    configs: list[HostConfig] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)  # zombienet files, with or without config
    # What the repository's Aura runtimes say, filled in by lint.run_repository: the relay
    # binary a local network runs is named in no file, and is taken to be of the runtimes'
    # release (the oldest of them; None when one is unknown); the highest phase they reached
    release: SdkRelease | None = None
    phase: int | None = None
    # the lowest BLOCK_PROCESSING_VELOCITY among them (None if one is unknown): a network
    # is not known to run a given runtime, so elastic scaling is asked of it only where
    # every runtime of the repository scales
    velocity: int | None = None


def scan(root: Path, rel, diags: Diagnostics | None = None) -> RelayScan:
    """The networks and chain specs under `root`. Files that cannot be read (a FIFO named
    `net.toml`, a link out of the repository, a folder without permission) are notes in
    `diags`: given, or the Diagnostics whose `relative` method `rel` is."""
    if diags is None and isinstance(getattr(rel, "__self__", None), Diagnostics):
        diags = rel.__self__
    out = RelayScan()
    try:
        top = files.repository_top(root.resolve())
    except (OSError, RuntimeError):
        return out
    _scan(root, out, rel, _Reading(top, diags))
    return out


class _Reading(NamedTuple):
    top: Path  # the repository: a link leading out of it is not read
    diags: Diagnostics | None


# What a JSON document may start with (JSON whitespace) before its first value.
_JSON_SPACE = re.compile(rb"[ \t\n\r]*")
# A file is parsed only if it holds one of these: a network names its relay chain, a chain
# spec's host configuration is a "configuration" key.
_NEEDLES = (b"relaychain", b'"configuration"')
# Big files are searched from a byte both needles hold, at a known offset in each: `r` is
# not a hex digit, so in a chain spec (megabytes of hex) it occurs a few dozen times, and
# `find` of one byte (memchr) skips the rest many times faster than a search for a needle.
_ANCHOR = b"r"
_AT = tuple((needle, needle.index(_ANCHOR)) for needle in _NEEDLES)
_ANCHOR_FROM = 64 * 1024  # below this size two plain searches are as quick
_ANCHOR_TRIES = 512  # a file with more anchors than this (prose, a dashboard) is searched


def _scan(root: Path, out: RelayScan, rel, reading: _Reading) -> None:
    """The files of tree.listing (the walk every reader of the folder shares) down to
    MAX_DEPTH: a Path is built only for a file that is read as a network or a chain spec."""
    for entry in tree.listing(root, reading.diags):
        name = entry.name
        if entry.depth > MAX_DEPTH or not name.endswith((".toml", ".json")) or name in (
                "Cargo.toml", "package.json"):
            continue
        data = _read(entry, reading)
        if data is None:
            continue
        if name.endswith(".json"):
            start = _JSON_SPACE.match(data).end()
            if data[start:start + 1] != b"{":
                continue  # an array, a string, a number, not JSON at all: never a dict
        if not _mentions(data):
            continue
        _take(Path(entry.path), name, data, out, rel)


def _mentions(data: bytes) -> bool:
    """Whether `data` holds one of _NEEDLES: the answer of `any(n in data for n in _NEEDLES)`.

    Every occurrence of a needle has _ANCHOR at its offset in the needle, so trying each
    occurrence of _ANCHOR finds every needle; past _ANCHOR_TRIES it falls back to searching.
    """
    if len(data) < _ANCHOR_FROM:
        return any(needle in data for needle in _NEEDLES)
    find, at = data.find, data.startswith
    (first, first_at), (second, second_at) = _AT
    i = find(_ANCHOR)
    for _ in range(_ANCHOR_TRIES):
        if i < 0:
            return False
        if (i >= first_at and at(first, i - first_at)) or (i >= second_at
                                                           and at(second, i - second_at)):
            return True
        i = find(_ANCHOR, i + 1)
    return any(needle in data for needle in _NEEDLES)


def _read(entry: tree.Entry, reading: _Reading) -> bytes | None:
    """The file's bytes; None for one that is not a regular file (a FIFO would block the
    read), is bigger than MAX_BYTES, leads out of the repository or cannot be read. A file
    named as a network or chain spec (.toml, .json) that is not read is a note."""
    path = Path(entry.path)
    try:
        # a link is checked against the repository; a plain file under the walked root is in it
        return files.read(path, MAX_BYTES, "TOML or JSON file",
                          reading.top if entry.link else None)
    except files.Skipped as e:
        if reading.diags is not None:
            reading.diags.add(path, str(e))
        return None
    except OSError:  # is_symlink on an entry that vanished
        return None


def _take(path: Path, name: str, data: bytes, out: RelayScan, rel) -> None:
    text = data.decode("utf-8", "replace")
    doc = _load(name, text)
    if not isinstance(doc, dict):
        return
    kind = "zombienet" if "relaychain" in doc else "chain-spec"
    if kind == "zombienet":
        if not (doc.get("parachains") or doc.get("parachain")):
            return  # a relay-only test network says nothing about a parachain's needs
        out.networks.append(rel(path))
    elif "genesis" not in doc:
        return
    for keys, config in _configs(doc, []):
        out.configs.append(HostConfig(path, rel(path), text, keys, config, kind))


def _load(name: str, text: str) -> Any:
    try:
        return rtoml.loads(text) if name.endswith(".toml") else json.loads(text)
    except (ValueError, RecursionError):  # rtoml.TomlParsingError is a ValueError
        return None


def _configs(node: Any, keys: list[str]):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "config" and keys[-1:] == ["configuration"] and isinstance(value, dict):
                yield keys + [key], value
            elif key != "raw":
                yield from _configs(value, keys + [key])

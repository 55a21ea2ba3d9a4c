"""Local test-network configurations in the repository (zombienet TOML/JSON, chain specs),
and the relay-chain host configuration they set: async_backing_params and the scheduler
lookahead, in the key shapes of the old and the new chain-spec formats."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SKIP_DIRS = {"target", ".git", "node_modules", ".github", "vendor"}
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 5


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


def scan(root: Path, rel) -> RelayScan:
    out = RelayScan()
    root_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
                             and len(here.parts) - root_depth < MAX_DEPTH)
        for name in sorted(filenames):
            if not name.endswith((".toml", ".json")) or name in ("Cargo.toml", "package.json"):
                continue
            path = here / name
            try:
                if path.stat().st_size > MAX_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"relaychain" not in data and b'"configuration"' not in data:
                continue
            text = data.decode("utf-8", "replace")
            doc = _load(name, text)
            if not isinstance(doc, dict):
                continue
            kind = "zombienet" if "relaychain" in doc else "chain-spec"
            if kind == "zombienet":
                if not (doc.get("parachains") or doc.get("parachain")):
                    continue  # a relay-only test network says nothing about a parachain's needs
                out.networks.append(rel(path))
            elif "genesis" not in doc:
                continue
            for keys, config in _configs(doc, []):
                out.configs.append(HostConfig(path, rel(path), text, keys, config, kind))
    return out


def _load(name: str, text: str) -> Any:
    try:
        return tomllib.loads(text) if name.endswith(".toml") else json.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None


def _configs(node: Any, keys: list[str]):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "config" and keys[-1:] == ["configuration"] and isinstance(value, dict):
                yield keys + [key], value
            elif key != "raw":
                yield from _configs(value, keys + [key])

"""Cargo manifests: a crate's name, dependencies (workspace inheritance resolved) and features."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import rtoml

from ab_lint import files
from ab_lint.diagnostics import Diagnostics


@dataclass
class Dependency:
    key: str  # the name the crate uses (a rename when `package = ...` is given)
    package: str
    path: Path | None
    features: list[str]
    default_features: bool

    @property
    def ident(self) -> str:
        return self.key.replace("-", "_")


@dataclass
class Manifest:
    path: Path
    text: str
    data: dict[str, Any]
    name: str | None = None
    lib_name: str | None = None
    dependencies: dict[str, Dependency] = field(default_factory=dict)
    build_dependencies: dict[str, Dependency] = field(default_factory=dict)
    features: dict[str, list[str]] = field(default_factory=dict)

    @cached_property
    def dir(self) -> Path:
        # Cached: `Crate.dir` is a dictionary and set key all over discovery and the models
        # (100,000 uses on polkadot-sdk), and one Path object keeps its parsed parts and hash
        # where a fresh `path.parent` computes them again each time.
        return self.path.parent

    def line_of(self, *patterns: str) -> int | None:
        """Line of the first regex in `patterns` that matches, in order of preference."""
        for pattern in patterns:
            m = re.search(pattern, self.text, re.MULTILINE)
            if m:
                return self.text.count("\n", 0, m.start()) + 1
        return None

    def dependency_line(self, key: str) -> int | None:
        k = re.escape(key)
        return self.line_of(rf"^[ \t]*{k}\s*(=|\.)",
                            rf"^[ \t]*\[(target\..*\.)?dependencies\.{k}\]",
                            rf"package\s*=\s*\"{k}\"")

    def resolve_dependencies(self, workspace: dict[str, Any]) -> None:
        """Dependency tables, with `workspace = true` entries taken from `workspace`."""
        base, data = self.path.parent, self.data
        self.dependencies = _dependencies(data.get("dependencies"), base, workspace)
        for target in _dict(data.get("target")).values():
            self.dependencies.update(_dependencies(_dict(target).get("dependencies"), base,
                                                   workspace))
        self.build_dependencies = _dependencies(data.get("build-dependencies"), base, workspace)

    def enabled_entries(self, requested: set[str] | None = None,
                        default: bool = True) -> set[str]:
        """Every feature entry a build turns on: own features and `dep/feature` entries."""
        enabled: set[str] = set()
        stack = (["default"] if default else []) + sorted(requested or ())
        while stack:
            feature = stack.pop()
            if feature in enabled:
                continue
            enabled.add(feature)
            stack.extend(self.features.get(feature, []))
        return enabled

    def default_features(self) -> frozenset[str]:
        """The crate's own features under a default build: `default` expanded transitively."""
        return frozenset(f for f in self.enabled_entries() if "/" not in f
                         and not f.startswith("dep:") and f != "default")


def load_manifest(path: Path, diags: Diagnostics,
                  workspace_deps: dict[str, Any] | None = None,
                  top: Path | None = None) -> Manifest | None:
    """The manifest at `path`, or None with a note: not a regular file, over the manifest cap,
    leading outside `top` (the repository, resolved), not UTF-8, or not TOML."""
    try:
        raw = files.read(path, files.MANIFEST_CAP, "manifest", top)
    except files.Skipped as e:
        diags.add(path, str(e))
        return None
    try:
        # utf-8-sig: Cargo accepts a manifest that starts with a byte order mark, and without
        # it the line patterns of `line_of` see the first line as it is written.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        diags.add(path, "cannot read manifest: not valid UTF-8", raw.count(b"\n", 0, e.start) + 1)
        return None
    if "\r" in text:  # newlines as a text-mode read gives them, for the line patterns
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        data = rtoml.loads(text)
    except ValueError as e:
        # rtoml.TomlParsingError is a ValueError: bad syntax, a duplicate key, nesting deeper
        # than 80 levels, an integer beyond 128 bits. Any other ValueError from the parser is
        # bad input too (a note), never a traceback.
        diags.add(path, f"malformed manifest: {e}")
        return None
    m = Manifest(path=path, text=text, data=data)
    package = data.get("package")
    if isinstance(package, dict) and isinstance(package.get("name"), str):
        m.name = package["name"]
        lib = data.get("lib")
        lib_name = lib.get("name") if isinstance(lib, dict) else None
        m.lib_name = lib_name if isinstance(lib_name, str) else m.name.replace("-", "_")
    m.resolve_dependencies(workspace_deps or {})
    features = _dict(data.get("features"))
    m.features = {k: _strings(v) for k, v in features.items() if isinstance(v, list)}
    return m


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    """The strings of a list a manifest gives (anything else in their place is not Cargo's)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _dependencies(table: Any, base: Path, workspace: dict[str, Any]) -> dict[str, Dependency]:
    out: dict[str, Dependency] = {}
    # Resolved paths by (folder, written path), kept in the workspace table so they last one
    # discovery: most dependencies are `workspace = true` and share the root's paths, and
    # resolving each again (an lstat per path component) was a third of discovery on
    # polkadot-sdk (7,000 resolves for 400 distinct paths).
    resolved = workspace.get("__resolved__")
    if not isinstance(resolved, dict):  # (a manifest may name a dependency `__resolved__`)
        resolved = workspace["__resolved__"] = {}
    for key, spec in _dict(table).items():
        spec = spec if isinstance(spec, dict) else {"version": spec}
        features = _strings(spec.get("features"))
        where: Path | str = base
        if spec.get("workspace") is True:
            inherited = workspace.get(key)
            inherited = inherited if isinstance(inherited, dict) else {"version": inherited}
            features += _strings(inherited.get("features"))
            spec = {**inherited, **{k: v for k, v in spec.items() if k != "features"}}
            root = workspace.get("__root__")
            where = root if isinstance(root, str) else base
        raw_path = spec.get("path")
        path = None
        if isinstance(raw_path, str):
            path = resolved.get((str(where), raw_path))
            if path is None:
                path = resolved[str(where), raw_path] = _resolve(Path(where) / raw_path)
        out[key] = Dependency(
            key=key,
            package=package if isinstance(package := spec.get("package"), str) else key,
            path=path,
            features=features,
            default_features=spec.get("default-features", spec.get("default_features", True))
            is not False,
        )
    return out


def _resolve(path: Path) -> Path:
    """`path` with links resolved; a symlink loop (RuntimeError before Python 3.13) leaves it
    as written, for the manifest read to report."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # (ValueError: a NUL byte in the path)
        return Path(os.path.abspath(path))

"""From a path, the Cargo workspace, its runtime and node crates, and which node runs which runtime.

Only manifests are read for every crate. Rust sources are read (as bytes, not parsed) only for
crates whose dependencies make them candidates, so a monorepo with thousands of crates costs
little more than its manifests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ab_lint.diagnostics import Diagnostics, InputError
from ab_lint.manifest import Manifest, load_manifest

RUNTIME_DEPS = {"frame-support", "frame-executive", "sp-api", "polkadot-sdk", "polkadot-sdk-frame",
                "cumulus-pallet-parachain-system", "frame"}
NODE_DEPS = {"cumulus-client-consensus-aura", "cumulus-client-service", "cumulus-client-collator",
             "nimbus-consensus", "sc-service", "polkadot-sdk",
             "cumulus-client-consensus-relay-chain",
             "polkadot-omni-node-lib", "cumulus-client-consensus-common"}
RUNTIME_MARKERS = (b"construct_runtime!", b"construct_runtime !", b"frame_support::runtime",
                   b"#[runtime]", b"frame::runtime")
NODE_MARKERS = (b"collators::", b"AuraConsensus", b"build_aura_consensus", b"nimbus_consensus",
                b"build_relay_chain_consensus", b"polkadot_omni_node_lib")
SKIP_DIRS = {"target", ".git", "node_modules"}


@dataclass
class Crate:
    manifest: Manifest
    files: dict[Path, bytes] = field(default_factory=dict)  # source bytes, read on demand
    is_runtime: bool = False
    is_node: bool = False

    @property
    def name(self) -> str:
        return self.manifest.name or self.manifest.dir.name

    @property
    def dir(self) -> Path:
        return self.manifest.dir

    @property
    def lib_name(self) -> str:
        return self.manifest.lib_name or self.name.replace("-", "_")

    def depends_on_any(self, packages: set[str]) -> bool:
        return any(d.package in packages for d in self.manifest.dependencies.values())


@dataclass
class Target:
    runtime: Crate
    node: Crate | None


@dataclass
class Workspace:
    root: Path
    crates: list[Crate]
    targets: list[Target]
    diags: Diagnostics

    def crate_at(self, path: Path | None) -> Crate | None:
        if path is None:
            return None
        for crate in self.crates:
            if crate.dir == path:
                return crate
        return None


def read_sources(crate: Crate, diags: Diagnostics) -> dict[Path, bytes]:
    """Every `.rs` file under the crate's `src/`, as bytes; problems become diagnostics."""
    if crate.files:
        return crate.files
    src = crate.dir / "src"
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        here = Path(dirpath)
        try:
            st = here.stat()
            seen_dirs.add((st.st_dev, st.st_ino))
        except OSError:
            continue
        for d in list(dirnames):
            p = here / d
            if p.is_symlink():
                dirnames.remove(d)
                try:
                    target = p.resolve(strict=True)
                    tst = target.stat()
                except (OSError, RuntimeError):
                    diags.add(p, "symlink loop or dangling link, skipped")
                    continue
                if (tst.st_dev, tst.st_ino) in seen_dirs or here.resolve().is_relative_to(target):
                    diags.add(p, "symlink loop, skipped")
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".rs"):
                continue
            p = here / name
            try:
                crate.files[p] = p.read_bytes()
            except (OSError, RuntimeError) as e:
                reason = getattr(e, "strerror", None) or str(e)
                diags.add(p, f"cannot read file: {reason}")
    return crate.files


def find_root(path: Path) -> tuple[Path, Path | None]:
    """The workspace root for `path`, and the crate `path` names if it is a member crate."""
    path = path.resolve()
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        path = path.parent
    manifest = path / "Cargo.toml"
    if manifest.is_file():
        for parent in [path, *path.parents]:
            candidate = parent / "Cargo.toml"
            if candidate.is_file() and b"[workspace]" in _head(candidate):
                return parent, (path if parent != path else None)
        return path, None
    # A repository whose Cargo workspace sits one or two levels down.
    for depth_glob in ("*/Cargo.toml", "*/*/Cargo.toml"):
        found = sorted(p for p in path.glob(depth_glob) if b"[workspace]" in _head(p))
        if found:
            return found[0].parent, None
    raise InputError(f"{path}: not a parachain: no Cargo.toml (looked for a Cargo workspace "
                     "with a runtime crate holding construct_runtime! and impl_runtime_apis!)")


def _head(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def discover(path: Path, diags: Diagnostics | None = None) -> Workspace:
    root, only = find_root(path)
    diags = diags or Diagnostics(root)
    diags.root = root
    root_manifest = load_manifest(root / "Cargo.toml", diags)
    if root_manifest is None:
        raise InputError(f"{root / 'Cargo.toml'}: cannot be read as a Cargo manifest")
    ws_table = root_manifest.data.get("workspace")
    ws_table = ws_table if isinstance(ws_table, dict) else {}
    ws_deps = dict(ws_table.get("dependencies") or {})
    ws_deps["__root__"] = str(root)
    root_manifest = load_manifest(root / "Cargo.toml", diags, ws_deps) or root_manifest

    crates: dict[Path, Crate] = {}
    if root_manifest.name:
        crates[root] = Crate(root_manifest)
    pending = [root / m for m in _members(root, ws_table, diags)]
    while pending:
        crate_dir = pending.pop()
        if crate_dir in crates:
            continue
        manifest_path = crate_dir / "Cargo.toml"
        if not manifest_path.is_file():
            diags.add(crate_dir, "workspace member has no Cargo.toml, skipped")
            continue
        m = load_manifest(manifest_path, diags, ws_deps)
        if m is None or not m.name:
            continue
        crates[crate_dir] = Crate(m)
        # path dependencies inside the repository that the member list missed
        for dep in m.dependencies.values():
            if dep.path and dep.path.is_relative_to(root) and dep.path not in crates:
                pending.append(dep.path)

    for crate in crates.values():
        _classify(crate, diags)
    runtimes = sorted((c for c in crates.values() if c.is_runtime), key=lambda c: c.dir)
    if only is not None:
        runtimes = [c for c in runtimes if c.dir == only] or runtimes
    if not runtimes:
        raise InputError(f"{root}: not a parachain: no runtime crate found (looked for a crate "
                         "whose sources hold construct_runtime! and impl_runtime_apis!)")
    nodes = [c for c in crates.values() if c.is_node]
    targets = [Target(r, _node_for(r, nodes, crates)) for r in runtimes]
    return Workspace(root, list(crates.values()), targets, diags)


def _members(root: Path, ws: dict, diags: Diagnostics) -> list[Path]:
    members: list[Path] = []
    exclude = {(root / e).resolve() for e in ws.get("exclude", []) if isinstance(e, str)}
    for pattern in ws.get("members", []):
        if not isinstance(pattern, str):
            continue
        if any(ch in pattern for ch in "*?["):
            matches = sorted(p for p in root.glob(pattern) if p.is_dir())
        else:
            matches = [root / pattern]
            if not matches[0].is_dir():
                diags.add(root / pattern, "workspace member not found, skipped")
                continue
        members.extend(p.resolve() for p in matches if p.resolve() not in exclude)
    return members


def _classify(crate: Crate, diags: Diagnostics) -> None:
    maybe_runtime = crate.depends_on_any(RUNTIME_DEPS)
    maybe_node = crate.depends_on_any(NODE_DEPS)
    if not (maybe_runtime or maybe_node):
        return
    files = read_sources(crate, diags)
    blob = b"\0".join(files.values())
    if maybe_runtime and b"impl_runtime_apis!" in blob and any(m in blob for m in RUNTIME_MARKERS):
        crate.is_runtime = True
    elif maybe_node and any(m in blob for m in NODE_MARKERS):
        crate.is_node = True


def _node_for(runtime: Crate, nodes: list[Crate], crates: dict[Path, Crate]) -> Crate | None:
    """The node crate nearest to `runtime` in the workspace dependency graph."""
    best: tuple[int, str, Crate] | None = None
    for node in nodes:
        distance = _distance(node, runtime, crates)
        if distance is not None and (best is None or (distance, node.name) < best[:2]):
            best = (distance, node.name, node)
    return best[2] if best else None


def _distance(start: Crate, goal: Crate, crates: dict[Path, Crate]) -> int | None:
    frontier, seen, steps = [start], {start.dir}, 0
    by_name = {c.name: c for c in crates.values()}
    while frontier:
        steps += 1
        nxt = []
        for crate in frontier:
            for dep in crate.manifest.dependencies.values():
                target = crates.get(dep.path) if dep.path else by_name.get(dep.package)
                if target is None or target.dir in seen:
                    continue
                if target is goal:
                    return steps
                seen.add(target.dir)
                nxt.append(target)
        frontier = nxt
    return None

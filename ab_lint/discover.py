"""From a path, the Cargo workspace, its runtime and node crates, and which node runs which runtime.

Only manifests are read for every crate. Rust sources are read (as bytes, not parsed) only for
crates whose dependencies make them candidates, so a monorepo with thousands of crates costs
little more than its manifests.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ab_lint.diagnostics import Diagnostics, InputError
from ab_lint.manifest import Manifest, load_manifest

# A runtime builds an Executive and a wasm blob; pallets (which also use frame-support) do not.
RUNTIME_DEPS = {"frame-executive", "polkadot-sdk", "polkadot-sdk-frame", "frame"}
RUNTIME_BUILD_DEPS = {"substrate-wasm-builder"}
NODE_DEPS = {"cumulus-client-consensus-aura", "cumulus-client-service", "cumulus-client-collator",
             "nimbus-consensus", "sc-service", "polkadot-sdk",
             "cumulus-client-consensus-relay-chain",
             "polkadot-omni-node-lib", "cumulus-client-consensus-common"}
RUNTIME_MARKERS = (b"construct_runtime!", b"construct_runtime !", b"frame_support::runtime",
                   b"#[runtime]", b"frame::runtime")
NODE_MARKERS = (b"collators::", b"AuraConsensus", b"build_aura_consensus", b"nimbus_consensus",
                b"build_relay_chain_consensus", b"polkadot_omni_node_lib")
SKIP_DIRS = {"target", ".git", "node_modules"}
OMNI_NODE_LIB = b"polkadot_omni_node_lib"
VALIDATE = b"register_validate_block"
# crates a parachain runtime depends on to invoke register_validate_block! (itself or by macro)
VALIDATE_CRATES = {"cumulus-pallet-parachain-system", "polkadot-sdk"}
_INVOKES_APIS = re.compile(rb"^[ \t]*(?:[\w:]+::)?impl_runtime_apis\s*!", re.MULTILINE)
_VALIDATE = re.compile(rb"^(?:[\w:]+::)?register_validate_block\s*!", re.MULTILINE)
_CONSTRUCT = re.compile(rb"^[ \t]*(?:[\w:]+::)?construct_runtime\s*!\s*[({]|#\[[\w:]*runtime\b",
                        re.MULTILINE)
# `#[openzeppelin_construct_runtime]`, `#[x::runtime_apis]`: an attribute procedural macro that
# writes the runtime (frame's own `#[frame_support::runtime]` is read: RUNTIME_MARKERS)
_CONSTRUCT_CALL = re.compile(rb"^[ \t]*(?:[\w:]+::)?construct_runtime\s*!", re.MULTILINE)
_PROC_RUNTIME = re.compile(rb"#\[\s*((?:\w+::)*\w*(?:construct_runtime|runtime_apis)\w*)\s*\]")
# include!(concat!(env!("OUT_DIR"), "/generated.rs")): code build.rs writes (not the wasm blob)
_GENERATED = re.compile(rb'include!\s*\(\s*concat!\s*\(\s*env!\s*\(\s*"OUT_DIR"\s*\)\s*,\s*'
                        rb'"(?!/?wasm_binary)/?([^"]+)"')


@dataclass
class Crate:
    manifest: Manifest
    files: dict[Path, bytes] = field(default_factory=dict)  # source bytes, read on demand
    is_runtime: bool = False
    is_node: bool = False
    top: Path | None = None  # the repository: links and `#[path]` may not lead out of it
    omni_wrapper: bool = False  # a binary that only calls polkadot-omni-node-lib's run

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
    unread: list[tuple[Path, str]] = field(default_factory=list)  # runtimes not read, why



def read_sources(crate: Crate, diags: Diagnostics) -> dict[Path, bytes]:
    """Every `.rs` file of the crate as bytes: those under `src/` (through symbolic links to
    folders inside the repository, as `mod common;` reaches a shared `src/common -> ../../common`)
    and those `#[path = "..."]` attributes name. Problems become diagnostics."""
    if crate.files:
        return crate.files
    top = crate.top or crate.dir
    _walk(crate.dir / "src", top, crate.files, diags)
    pending = list(crate.files.items())
    while pending:
        path, data = pending.pop()
        if b"#[path" not in data and b"# [path" not in data:
            continue
        for m in _PATH_ATTR.finditer(data):
            target = Path(os.path.normpath(path.parent / m.group(1).decode("utf-8", "replace")))
            if target in crate.files or not target.is_file():
                continue
            where = _inside(target, top)
            if where is None:
                diags.add(path, f"#[path] module {m.group(1).decode('utf-8', 'replace')} "
                          "leads outside the repository, not read",
                          data.count(b"\n", 0, m.start()) + 1)
                continue
            try:
                crate.files[target] = target.read_bytes()
            except OSError as e:
                diags.add(target, f"cannot read file: {e.strerror or e}")
                continue
            pending.append((target, crate.files[target]))
    return crate.files


_PATH_ATTR = re.compile(rb'#\s*\[\s*path\s*=\s*"([^"\n]+)"\s*\]')


def _inside(path: Path, top: Path) -> Path | None:
    """`path` with links resolved, if that stays inside `top`."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(top.resolve()) else None


def _walk(src: Path, top: Path, files: dict[Path, bytes], diags: Diagnostics) -> None:
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(src, followlinks=True):
        here = Path(dirpath)
        try:
            st = here.stat()
        except OSError:
            dirnames.clear()
            continue
        if (st.st_dev, st.st_ino) in seen_dirs:  # a link back to a folder already read
            diags.add(here, "symlink loop, skipped")
            dirnames.clear()
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        for d in list(dirnames):
            p = here / d
            if not p.is_symlink():
                continue
            if _inside(p, top) is None:
                dirnames.remove(d)
                diags.add(p, "symlink loop, dangling link or link leading outside the "
                          "repository, skipped")
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".rs"):
                continue
            p = here / name
            if p.is_symlink() and _inside(p, top) is None:
                diags.add(p, "link leading outside the repository or dangling, skipped")
                continue
            try:
                files[p] = p.read_bytes()
            except (OSError, RuntimeError) as e:
                reason = getattr(e, "strerror", None) or str(e)
                diags.add(p, f"cannot read file: {reason}")


def find_roots(path: Path) -> tuple[Path, list[tuple[Path, Path | None]]]:
    """The folder paths are shown relative to, and each workspace under `path` with the member
    crate `path` names when it is one."""
    path = path.resolve()
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        path = path.parent
    if (path / "Cargo.toml").is_file():
        for parent in [path, *path.parents]:
            candidate = parent / "Cargo.toml"
            if candidate.is_file() and b"[workspace]" in _head(candidate):
                return parent, [(parent, path if parent != path else None)]
        return path, [(path, None)]
    # A repository whose Cargo workspaces sit one or two levels down (several, sometimes).
    found: list[Path] = []
    for depth_glob in ("*/Cargo.toml", "*/*/Cargo.toml"):
        for p in sorted(path.glob(depth_glob)):
            if b"[workspace]" in _head(p) and not any(p.is_relative_to(f) for f in found):
                found.append(p.parent)
    if found:
        return path, [(root, None) for root in found]
    raise InputError(f"{path}: not a parachain: no Cargo.toml (looked for a Cargo workspace "
                     "with a runtime crate holding construct_runtime! and impl_runtime_apis!)")


def _head(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _repository_top(root: Path, shown: Path) -> Path:
    """Path dependencies may leave the workspace (`../common`) but not the repository."""
    for parent in [root, *root.parents]:
        if (parent / ".git").exists():
            return parent
    return shown if root.is_relative_to(shown) else root


def discover(path: Path, diags: Diagnostics | None = None) -> list[Workspace]:
    shown, roots = find_roots(path)
    diags = diags or Diagnostics(shown)
    diags.root = shown
    workspaces = [_workspace(root, only, shown, diags) for root, only in roots]
    readable = [w for w in workspaces if w.targets]
    if not readable and any(w.unread for w in workspaces):
        # runtimes were found: say which and what stopped each, not "not a parachain"
        reasons = "; ".join(f"{diags.relative(where)}: {why}"
                            for w in workspaces for where, why in w.unread)
        raise InputError(f"{shown}: no runtime ab-lint can read: {reasons}")
    workspaces = readable
    if not workspaces:
        raise InputError(f"{shown}: not a parachain: no parachain runtime crate found (looked "
                         "for a crate whose sources hold construct_runtime!, impl_runtime_apis! "
                         "and register_validate_block!)")
    return workspaces


def _workspace(root: Path, only: Path | None, shown: Path, diags: Diagnostics) -> Workspace:
    root_manifest = load_manifest(root / "Cargo.toml", diags)
    if root_manifest is None:
        raise InputError(f"{root / 'Cargo.toml'}: cannot be read as a Cargo manifest")
    ws_table = root_manifest.data.get("workspace")
    ws_table = ws_table if isinstance(ws_table, dict) else {}
    ws_deps = dict(ws_table.get("dependencies") or {})
    ws_deps["__root__"] = str(root)
    root_manifest.resolve_dependencies(ws_deps)
    top = _repository_top(root, shown)

    crates: dict[Path, Crate] = {}
    if root_manifest.name:
        crates[root] = Crate(root_manifest, top=top)
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
        crates[crate_dir] = Crate(m, top=top)
        # path dependencies inside the repository that the member list missed
        for dep in m.dependencies.values():
            if dep.path and dep.path not in crates and dep.path.is_relative_to(top):
                pending.append(dep.path)

    unread = [(crate.dir, why) for crate in crates.values()
              if (why := _classify(crate, crates, diags)) is not None]
    runtimes = sorted((c for c in crates.values() if c.is_runtime), key=lambda c: c.dir)
    if only is not None:
        runtimes = [c for c in runtimes if c.dir == only] or runtimes
    graph = DependencyGraph(crates)
    nodes = [c for c in crates.values() if c.is_node]
    # a node binary whose collator is started by a service library it depends on
    users = graph.dependents_of(nodes)
    nodes += [c for c in crates.values() if not c.is_node and c.depends_on_any(NODE_DEPS)
              and c.dir in users]
    # A node that runs its runtime from a chain spec's wasm need not depend on the runtime
    # crate; with a single collator start-up in the repository, that is the runtime's node.
    starters = [c for c in crates.values() if c.is_node]
    only_node = starters[0] if len(starters) == 1 else None
    targets = [Target(r, _node_for(r, nodes, graph) or only_node) for r in runtimes]
    wrappers = [c for c in crates.values() if c.omni_wrapper]
    if wrappers and any(t.node is None for t in targets):
        names = ", ".join(sorted(c.name for c in wrappers))
        diags.add(wrappers[0].dir, f"no node of its own in this repository: {names} only wraps "
                  "polkadot-omni-node-lib, so its runtimes are checked as running on the "
                  "omni-node (the lookahead collator unless --authoring slot-based)")
    return Workspace(root, list(crates.values()), targets, diags, unread)


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
        # one resolve per member (an lstat per path component; 570 members on polkadot-sdk)
        members.extend(r for r in (p.resolve() for p in matches) if r not in exclude)
    return members


def _classify(crate: Crate, crates: dict[Path, Crate], diags: Diagnostics) -> str | None:
    """Marks a runtime or node crate. For a crate that is a runtime but cannot be read, adds a
    note and returns what stopped it."""
    builds_wasm = any(d.package in RUNTIME_BUILD_DEPS
                      for d in crate.manifest.build_dependencies.values())
    maybe_runtime = crate.depends_on_any(RUNTIME_DEPS) or builds_wasm
    maybe_node = crate.depends_on_any(NODE_DEPS)
    if not (maybe_runtime or maybe_node):
        return None
    files = read_sources(crate, diags)
    blob = b"\0".join(files.values())
    own_blob = blob
    if maybe_runtime and _only_in_macros(files, b"register_validate_block") and not builds_wasm:
        return None  # a crate of shared macros, expanded by the runtimes that invoke them
    # The runtime may be assembled by macros of a workspace crate it depends on. Only a
    # parachain runtime's are read: register_validate_block! expands at the call, so the
    # runtime crate itself depends on the crate defining it (a relay chain's runtime has
    # hundreds of workspace dependencies and no such one).
    if maybe_runtime and builds_wasm and crate.depends_on_any(VALIDATE_CRATES) and not (
            _search(_INVOKES_APIS, b"impl_runtime_apis", blob)
            and _search(_VALIDATE, VALIDATE, blob)):
        blob += b"\0".join(data for dep in crate.manifest.dependencies.values()
                           if (c := crates.get(dep.path) if dep.path else None) is not None
                           for data in read_sources(c, diags).values()
                           if b"macro_rules!" in data)
    has_marker = any(m in blob for m in RUNTIME_MARKERS)
    generated = _GENERATED.search(blob) if b"OUT_DIR" in blob else None
    if maybe_runtime and generated and not _CONSTRUCT.search(blob):
        # construct_runtime! and the configs come from a file build.rs writes: what can be
        # read of the sources would give a wrong phase, so the crate is named, not judged
        why = (f"runtime crate {crate.name} is generated at build time (include! of "
               f"{generated.group(1).decode('utf-8', 'replace')} from OUT_DIR holds its "
               "construct_runtime!); it cannot be read without building it and is not checked")
        diags.add(crate.dir, why)
        return why
    attribute = _proc_runtime(blob) if maybe_runtime and builds_wasm and not (
        _search(_CONSTRUCT_CALL, b"construct_runtime", blob)
        or _search(_INVOKES_APIS, b"impl_runtime_apis", blob)) else None
    if attribute is not None:
        # `#[openzeppelin_construct_runtime] mod runtime { .. }`: a procedural macro of a
        # crate outside the repository writes construct_runtime!, the pallet configs and the
        # APIs; only compiling it would show them
        name = attribute.decode("utf-8", "replace")
        source = re.search(rb"use\s+(\w+)[^;]*\b" + re.escape(name.split("::")[-1].encode())
                           + rb"\b", blob)
        owner = f" of {source.group(1).decode()}" if source else ""
        why = (f"runtime crate {crate.name} is assembled by the procedural macro #[{name}]"
               f"{owner}, whose output (construct_runtime!, the pallet configs, the runtime "
               "APIs) cannot be read without compiling; it is not checked")
        diags.add(crate.dir, why)
        return why
    if maybe_runtime and b"impl_runtime_apis" in blob and has_marker:
        # A parachain runtime invokes register_validate_block! as an item of its own (at the
        # start of a line), or through a workspace macro; a documentation crate's example
        # runtimes sit indented in nested modules.
        if _search(_VALIDATE, VALIDATE, own_blob) or (
                own_blob is not blob and VALIDATE in blob[len(own_blob):]):
            crate.is_runtime = True
        elif b"register_validate_block" in own_blob:
            diags.add(crate.dir, f"crate {crate.name} holds a parachain runtime only inside "
                      "nested modules (documentation or test examples), skipped")
        else:
            diags.add(crate.dir, f"runtime crate {crate.name} is not a parachain runtime "
                      "(no register_validate_block!), skipped")
    elif maybe_runtime and builds_wasm and (has_marker or b"register_validate_block" in blob):
        missing = [name for name, needle in (("impl_runtime_apis!", b"impl_runtime_apis"),
                                             ("construct_runtime!", has_marker or None))
                   if needle is None or (isinstance(needle, bytes) and needle not in blob)]
        hidden = " (its code is generated: include! of a build output)" if (
            b"OUT_DIR" in blob and _GENERATED.search(blob)) else ""
        why = (f"crate {crate.name} looks like a runtime (it builds a wasm blob) but "
               f"{', '.join(missing)} could not be found in its sources or in the macros of the "
               f"workspace crates it depends on{hidden}; it is not checked")
        diags.add(crate.dir, why)
        return why
    elif maybe_node and any(m in blob for m in NODE_MARKERS):
        if not any(m in blob for m in NODE_MARKERS if m != OMNI_NODE_LIB):
            # it runs the library's collator: the library is the node when it is in the
            # repository (polkadot-sdk); from outside, the runtimes run on the omni-node
            crate.omni_wrapper = not any(
                d.package == "polkadot-omni-node-lib" and (
                    d.path in crates or any(c.name == d.package for c in crates.values()))
                for d in crate.manifest.dependencies.values())
        else:
            crate.is_node = True
    return None


def _proc_runtime(blob: bytes) -> bytes | None:
    """The attribute macro that writes the runtime, the construct_runtime one first."""
    if b"runtime" not in blob:
        return None
    names = [m.group(1) for m in _PROC_RUNTIME.finditer(blob)]
    return next((n for n in names if b"construct_runtime" in n), names[0] if names else None)


def _search(pattern: re.Pattern[bytes], needle: bytes, blob: bytes) -> re.Match[bytes] | None:
    """`pattern`, which starts at a line's start and holds `needle`, tried only on the lines
    holding `needle`: searched for as such, a line-anchored pattern costs a pass per line over
    megabytes of runtime sources."""
    i = blob.find(needle)
    while i != -1:
        m = pattern.match(blob, blob.rfind(b"\n", 0, i) + 1)
        if m is not None:
            return m
        i = blob.find(needle, i + 1)
    return None


def _only_in_macros(files: dict[Path, bytes], needle: bytes) -> bool:
    """Whether every file that mentions `needle` does so only after a `macro_rules!`: the
    crate defines a runtime-building macro rather than being a runtime."""
    holders = [data for data in files.values() if needle in data]
    return bool(holders) and all(
        b"macro_rules!" in data and data.index(b"macro_rules!") < data.index(needle)
        for data in holders)


class DependencyGraph:
    """The workspace crates and which of them each one depends on, built once from the manifests.

    Pairing asks "how far is each node from this runtime" for every runtime, and "does this crate
    reach a node" for every crate; a search per pair re-walked the whole graph each time (seconds
    on polkadot-sdk), so the edges are resolved here once and every question is one breadth-first
    search over the reversed edges, linear in crates and dependencies.
    """

    def __init__(self, crates: dict[Path, Crate]) -> None:
        # Crates are numbered once: Crate is unhashable, and `Crate.dir` builds a new Path on
        # every call, which showed up in profiles when used as a key in the inner loop.
        self._dirs = list(crates)
        number = {id(c): i for i, c in enumerate(crates.values())}
        by_dir = {d: number[id(c)] for d, c in crates.items()}
        # A dependency with a path names that crate (none when the path is outside the
        # repository); one without names a workspace crate by package name, the last one read.
        by_name = {c.name: number[id(c)] for c in crates.values()}
        self._number = number
        self._users: list[list[int]] = [[] for _ in self._dirs]
        for i, crate in enumerate(crates.values()):
            for dep in crate.manifest.dependencies.values():
                target = by_dir.get(dep.path) if dep.path else by_name.get(dep.package)
                if target is not None and target != i:
                    self._users[target].append(i)

    def dependents_of(self, goals: list[Crate]) -> dict[Path, int]:
        """Each crate (by folder) that depends, directly or through others, on one of `goals`,
        with the fewest dependency edges from it to the nearest goal. The goals themselves are
        left out, as a crate is not its own dependent even through a cycle."""
        steps: dict[int, int] = {}
        frontier = [self._number[id(g)] for g in goals]
        seen = set(frontier)
        distance = 0
        while frontier:
            distance += 1
            nxt: list[int] = []
            for crate in frontier:
                for user in self._users[crate]:
                    if user not in seen:
                        seen.add(user)
                        steps[user] = distance
                        nxt.append(user)
            frontier = nxt
        return {self._dirs[i]: n for i, n in steps.items()}


def _node_for(runtime: Crate, nodes: list[Crate], graph: DependencyGraph) -> Crate | None:
    """The node crate nearest to `runtime` in the workspace dependency graph; on a tie, the
    first by name, then the first listed."""
    distance = graph.dependents_of([runtime])
    best: tuple[int, str, Crate] | None = None
    for node in nodes:
        steps = distance.get(node.dir)
        if steps is not None and (best is None or (steps, node.name) < best[:2]):
            best = (steps, node.name, node)
    return best[2] if best else None

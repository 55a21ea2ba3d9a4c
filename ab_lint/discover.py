"""From a path, the Cargo workspace, its runtime and node crates, and which node runs which runtime.

Only manifests are read for every crate. Rust sources are read (as bytes, not parsed) only for
crates whose dependencies make them candidates, so a monorepo with thousands of crates costs
little more than its manifests.
"""

from __future__ import annotations

import errno
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ab_lint import files, submodules
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
    skipped: dict[Path, str] = field(default_factory=dict)  # source files not read, why

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
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # manifests not read, why



def read_sources(crate: Crate, diags: Diagnostics) -> dict[Path, bytes]:
    """Every `.rs` file of the crate as bytes: those under `src/` (through symbolic links to
    folders inside the repository, as `mod common;` reaches a shared `src/common -> ../../common`)
    and those `#[path = "..."]` attributes name. Problems become diagnostics; a file that is not
    read is also kept in `crate.skipped`, to say why a runtime could not be found."""
    if crate.files or crate.skipped:
        return crate.files
    top = crate.top or crate.dir
    _walk(crate.dir / "src", top, crate, diags)
    pending = list(crate.files.items())
    while pending:
        path, data = pending.pop()
        if b"#[path" not in data and b"# [path" not in data:
            continue
        for m in _PATH_ATTR.finditer(data):
            written = m.group(1).decode("utf-8", "replace")
            target = Path(os.path.normpath(path.parent / written))
            # a missing file is the compiler's error to report; a module read already (a
            # module that includes itself) is not read again, which ends #[path] cycles
            if target in crate.files or target in crate.skipped or not os.path.lexists(target):
                continue
            try:
                files.inside_or_skip(target, top)
            except files.Skipped:
                diags.add(path, f"#[path] module {written} leads outside the repository, "
                          "not read", data.count(b"\n", 0, m.start()) + 1)
                crate.skipped[target] = "leads outside the repository"
                continue
            included = _read_source(target, crate, diags)
            if included is not None:
                pending.append((target, included))
    return crate.files


_PATH_ATTR = re.compile(rb'#\s*\[\s*path\s*=\s*"([^"\n]+)"\s*\]')


def _read_source(path: Path, crate: Crate, diags: Diagnostics) -> bytes | None:
    """One Rust file of `crate`, whose links the caller checked, under the Rust source cap."""
    try:
        data = crate.files[path] = files.read(path, files.RUST_CAP, "Rust source")
    except files.Skipped as e:
        diags.add(path, str(e))
        crate.skipped[path] = str(e)
        return None
    return data


def _walk(src: Path, top: Path, crate: Crate, diags: Diagnostics) -> None:
    """The `.rs` files under `src`, following links to folders inside `top` once each."""
    if src.is_symlink() and _outside(src, top, crate, diags):
        return
    seen_dirs: set[tuple[int, int]] = set()

    def unreadable(e: OSError) -> None:  # a folder os.walk cannot list
        if e.errno not in (errno.ENOENT, errno.ENOTDIR):  # no src/ at all is not news
            why = f"cannot read folder: {e.strerror or e}"
            diags.add(e.filename, why)
            crate.skipped[Path(e.filename)] = why

    for dirpath, dirnames, filenames in os.walk(src, followlinks=True, onerror=unreadable):
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
        dirnames[:] = sorted(d for d in dirnames
                             if not ((here / d).is_symlink() and _outside(here / d, top, crate,
                                                                          diags)))
        for name in sorted(filenames):
            if not name.endswith(".rs"):
                continue
            p = here / name
            if p.is_symlink() and _outside(p, top, crate, diags):
                continue
            _read_source(p, crate, diags)


def _outside(link: Path, top: Path, crate: Crate, diags: Diagnostics) -> bool:
    """Whether the link `link` may not be followed (it leads out of `top`, dangles or loops),
    noted if so."""
    try:
        files.inside_or_skip(link, top)
    except files.Skipped as e:
        diags.add(link, str(e))
        crate.skipped[link] = str(e)
        return True
    return False


def find_roots(path: Path) -> tuple[Path, list[tuple[Path, Path | None]]]:
    """The folder paths are shown relative to, and each workspace under `path` with the member
    crate `path` names when it is one.

    A crate folder's workspace is looked for in the folders above it up to the top of the
    repository (its git work tree, or the folder given outside git), never above: a
    `Cargo.toml` above the checkout is not the repository's to read.
    """
    path = path.resolve()
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_file():
        path = path.parent
    if not os.access(path, os.R_OK | os.X_OK):
        raise InputError(f"{path}: cannot read folder: permission denied")
    top = files.repository_top(path)
    manifest = path / "Cargo.toml"
    if os.path.lexists(manifest):
        why = files.check(manifest, top)
        if why is not None:
            raise InputError(f"{manifest}: cannot be read as a Cargo manifest: {why}")
        for parent in [path, *path.parents]:
            if not parent.is_relative_to(top):
                break
            if b"[workspace]" in _head(parent / "Cargo.toml", top):
                return parent, [(parent, path if parent != path else None)]
        return path, [(path, None)]
    # A repository whose Cargo workspaces sit one or two levels down (several, sometimes).
    found: list[Path] = []
    for depth_glob in ("*", "*/*"):
        for folder in files.expand(path, depth_glob, top):  # links only inside, each once
            p = folder / "Cargo.toml"
            if not any(folder.is_relative_to(f) for f in found) and os.path.lexists(p) \
                    and b"[workspace]" in _head(p, top):
                found.append(folder)
    if found:
        return path, [(root, None) for root in found]
    # a folder inside a crate (`runtime/src`, run from an editor): the crate it belongs to
    for parent in path.parents:
        if not parent.is_relative_to(top):
            break
        if os.path.lexists(parent / "Cargo.toml"):
            return find_roots(parent)
    raise InputError(f"{path}: not a parachain: no Cargo.toml (looked for a Cargo workspace "
                     "with a runtime crate holding construct_runtime! and impl_runtime_apis!)")


def _head(path: Path, top: Path) -> bytes:
    """A manifest's bytes, or none when it is missing or may not be read (no diagnostics
    exist yet: discovery reports the manifests it then reads)."""
    try:
        return files.read(path, files.MANIFEST_CAP, "manifest", top)
    except files.Skipped:
        return b""


def _repository_top(root: Path, shown: Path) -> Path:
    """Path dependencies may leave the workspace (`../common`) but not the repository: the git
    work tree, else the folder given (or the workspace, when it is not under that folder)."""
    return files.git_top(root) or (shown if root.is_relative_to(shown) else root)


def discover(path: Path, diags: Diagnostics | None = None,
             root: Path | None = None) -> list[Workspace]:
    """`root`: what reported paths are relative to, when not this repository's top (several
    PATHs in one report share the folder above them all)."""
    shown, roots = find_roots(path)
    diags = diags or Diagnostics(shown)
    diags.root = root if root is not None and shown.is_relative_to(root) else (
        files.report_root(shown))
    diags.scope = shown
    found = [_workspace(root, only, shown, diags) for root, only in roots]
    unfetched = submodules.collapse([_repository_top(root, shown) for root, _ in roots], diags)
    readable = [w for w in found if w.targets]
    # the runtime may be in a submodule not checked out: then that is what to say
    fetch = (f"; {submodules.not_checked_out(unfetched)}: run `{submodules.FIX}`"
             if unfetched else "")
    if not readable and any(w.unread for w in found):
        # runtimes were found: say which and what stopped each, not "not a parachain"
        reasons = "; ".join(f"{diags.relative(where)}: {why}"
                            for w in found for where, why in w.unread)
        raise InputError(f"{shown}: no runtime ab-lint can read: {reasons}{fetch}")
    if not readable:
        raise InputError(f"{shown}: not a parachain: no parachain runtime crate found (looked "
                         "for a crate whose sources hold construct_runtime!, impl_runtime_apis! "
                         f"and register_validate_block!){_not_read(found, diags)}{fetch}")
    return readable


def _not_read(workspaces: list[Workspace], diags: Diagnostics) -> str:
    """The files discovery could not read, which may hold the runtime it did not find: a
    runtime whose lib.rs is a FIFO or unreadable is not "not a parachain" without a reason."""
    skipped = [(path, why) for w in workspaces for path, why in w.skipped]
    skipped += [(path, why) for w in workspaces for c in w.crates
                for path, why in c.skipped.items()]
    if not skipped:
        return ""
    shown = [f"{diags.relative(path)}: {why}" for path, why in skipped[:3]]
    more = f"; and {len(skipped) - 3} more" if len(skipped) > 3 else ""
    return f". Files not read: {'; '.join(shown)}{more}"


def _workspace(root: Path, only: Path | None, shown: Path, diags: Diagnostics) -> Workspace:
    top = _repository_top(root, shown)
    root_manifest = load_manifest(root / "Cargo.toml", diags, top=top)
    if root_manifest is None:
        raise InputError(f"{root / 'Cargo.toml'}: cannot be read as a Cargo manifest"
                         f"{_why(root / 'Cargo.toml', diags)}")
    ws_table = root_manifest.data.get("workspace")
    ws_table = ws_table if isinstance(ws_table, dict) else {}
    ws_deps = dict(ws_table.get("dependencies") or {})
    ws_deps["__root__"] = str(root)
    root_manifest.resolve_dependencies(ws_deps)

    crates: dict[Path, Crate] = {}
    skipped: list[tuple[Path, str]] = []  # manifests not read, for "not a parachain"
    outside: dict[Path, tuple[Path, str]] = {}  # path dependencies not followed
    if root_manifest.name:
        crates[root] = Crate(root_manifest, top=top)
    pending = [root / m for m in _members(root, ws_table, top, diags)]
    while pending:
        crate_dir = pending.pop()
        if crate_dir in crates:
            continue  # members and path dependencies that name each other end here
        manifest_path = crate_dir / "Cargo.toml"
        if not os.path.lexists(manifest_path):
            why = files.check(crate_dir, top)  # a link that loops, or leads out
            diags.add(crate_dir, "workspace member has no Cargo.toml, skipped"
                      if why is None or why.startswith("not a regular file") else why)
            continue
        m = load_manifest(manifest_path, diags, ws_deps, top)
        if m is None:
            skipped.append((manifest_path, _why(manifest_path, diags).lstrip(": ")))
            continue
        if not m.name:
            continue
        crates[crate_dir] = Crate(m, top=top)
        # path dependencies inside the repository that the member list missed
        for key, dep in m.dependencies.items():
            if not dep.path or dep.path in crates:
                continue
            if dep.path.is_relative_to(top):
                pending.append(dep.path)
            else:
                outside.setdefault(dep.path, (manifest_path, key))
    _note_outside(outside, root, diags)
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
    return Workspace(root, list(crates.values()), targets, diags, unread, skipped)


def _why(path: Path, diags: Diagnostics) -> str:
    """The last note on `path` (why it was not read), as ": reason", or ""."""
    rel = diags.relative(path)
    note = next((d.message for d in reversed(diags.items) if d.path == rel), None)
    return f": {note}" if note else ""


def _note_outside(outside: dict[Path, tuple[Path, str]], root: Path,
                  diags: Diagnostics) -> None:
    """One note for the path dependencies that lead out of the repository (a monorepo's
    checkout of polkadot-sdk beside it has hundreds), at the first manifest naming one."""
    if not outside:
        return
    named = [f"{key} ({os.path.relpath(path, root)})" for path, (_, key) in outside.items()]
    more = f" and {len(named) - 3} more" if len(named) > 3 else ""
    first_manifest = next(iter(outside.values()))[0]
    diags.add(first_manifest, "path dependencies leading outside the repository are not read: "
              f"{', '.join(named[:3])}{more}")


def _members(root: Path, ws: dict, top: Path, diags: Diagnostics) -> list[Path]:
    """The member folders the workspace table names, resolved, each inside `top`."""
    members: list[Path] = []
    unfetched = submodules.unfetched(top)
    excluded = ws.get("exclude")
    exclude = {_resolved(root / e) for e in (excluded if isinstance(excluded, list) else [])
               if isinstance(e, str)}
    listed = ws.get("members")
    for pattern in listed if isinstance(listed, list) else []:
        if not isinstance(pattern, str):
            continue
        before = len(diags.items)
        matches = files.expand(root, pattern, top, diags, "workspace member")
        if not matches and len(diags.items) == before and not any(ch in pattern for ch in "*?["):
            diags.add(root / pattern, "workspace member not found, skipped")
            continue
        if not matches and len(diags.items) == before:
            # a glob may rightly match nothing, but not in a submodule left unfetched: that is
            # a note, which discover() folds into the one about the submodules
            fixed = Path(*[p for p in itertools.takewhile(
                lambda part: not any(ch in part for ch in "*?["), Path(pattern).parts)])
            if submodules.inside(root / fixed, unfetched):
                diags.add(root / pattern, "workspace member matches no folder")
        members.extend(r for r in matches if r not in exclude)
    return members


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte in the name
        return path


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
    # (`impl_runtime_apis` in any spelling will do: asset-hub-westend invokes pallet-revive's
    # impl_runtime_apis_plus_revive_traits!, and reading its 106 dependencies would not change
    # the answer)
    if maybe_runtime and builds_wasm and crate.depends_on_any(VALIDATE_CRATES) and not (
            b"impl_runtime_apis" in blob and _search(_VALIDATE, VALIDATE, blob)):
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
    for i in _occurrences(blob, needle):
        m = pattern.match(blob, blob.rfind(b"\n", 0, i) + 1)
        if m is not None:
            return m
    return None


def _only_in_macros(files: dict[Path, bytes], needle: bytes) -> bool:
    """Whether the crate writes `needle` only inside `macro_rules!` bodies: it defines a
    runtime-building macro rather than being a runtime. A runtime's own invocation is an item
    (outside every brace); a helper macro defined above it does not make it a macro crate."""
    holders = [data for data in files.values() if needle in data]
    return bool(holders) and all(b"macro_rules!" in data for data in holders) and not any(
        data.count(b"{", 0, i) == data.count(b"}", 0, i)
        for data in holders for i in _occurrences(data, needle))


def _occurrences(data: bytes, needle: bytes) -> Iterator[int]:
    i = data.find(needle)
    while i != -1:
        yield i
        i = data.find(needle, i + 1)


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

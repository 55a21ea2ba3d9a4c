"""Turns discovered crates into indexed Rust crates, reading and parsing each file once."""

from __future__ import annotations

import os
from pathlib import Path

from ab_lint import files
from ab_lint.diagnostics import Diagnostics
from ab_lint.discover import Crate, Workspace, read_sources
from ab_lint.manifest import Dependency
from ab_lint.rust.names import CrateIndex, Program
from ab_lint.rust.parse import SourceFile
from ab_lint.sdk import read_release


class Loader:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.diags: Diagnostics = workspace.diags
        self._bytes: dict[Path, bytes] = {}
        for crate in workspace.crates:
            self._bytes.update(crate.files)
        self._indexes: dict[tuple[Path, frozenset[str]], CrateIndex] = {}
        self._by_dir = {c.dir: c for c in workspace.crates}
        self._by_name = {c.name: c for c in workspace.crates}
        self._crate_of: dict[int, Crate] = {}
        self._reach: dict[tuple[Path, bytes], bool] = {}
        self._dependencies: dict[tuple[int, str], CrateIndex | None] = {}
        self._dependents: dict[Path, list[Crate]] | None = None
        self.node_files: dict[int, list] = {}  # NodeModel's, by id of a crate index held here
        self.program = Program(read=self._read, crate_for_dependency=self._dependency,
                               crate_files=self._crate_files, may_define=self._may_define,
                               mentions=self._dep_mentions, note=self.diags.add)
        self.sdk = read_release(workspace.root, self.diags)
        self.program.release = self.sdk.name if self.sdk else None
        self._top = next((c.top.resolve() for c in workspace.crates if c.top), None)

    def _read(self, path: Path) -> SourceFile | None:
        data = self._bytes.get(path)
        if data is None:  # a module discovery did not read: [lib] path, `#[path]`, mod.rs
            data = files.read_or_note(path, files.RUST_CAP, "Rust source", self.diags,
                                      self._top)
            if data is None:
                return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as e:
            # tree-sitter parses bytes and the text of a node is decoded with replacement: the
            # file is read, and the note says where (dropping it hid the whole runtime)
            line = data.count(b"\n", 0, e.start) + 1
            self.diags.add(path, f"not valid UTF-8 (byte 0x{data[e.start]:02x}); read with the "
                           "bad bytes replaced", line)
        return SourceFile(path, self.diags.relative(path), data, self._parsed)

    def _parsed(self, source: SourceFile) -> None:
        error_line = source.first_error_line()
        if error_line is not None:
            self.diags.add(source.path, "tree-sitter cannot parse this line (a syntax error, or "
                           "Rust newer than the grammar); the rest of the file is still read",
                           error_line)

    def index(self, crate: Crate, features: frozenset[str] | None = None) -> CrateIndex | None:
        features = crate.manifest.default_features() if features is None else features
        cached = self._indexes.get((crate.dir, features))
        if cached is not None:
            return cached
        root_file = _root_file(crate, self.diags)
        if root_file is None:
            self.diags.add(crate.dir, f"crate {crate.name} has no src/lib.rs or src/main.rs")
            return None
        extern = {d.ident: d.package for d in crate.manifest.dependencies.values()}
        index = CrateIndex(self.program, crate.name, root_file, features, extern)
        self._indexes[(crate.dir, features)] = index
        self._crate_of[id(index)] = crate
        return index

    def _crate_files(self, index: CrateIndex) -> dict[Path, bytes]:
        crate = self._crate_of.get(id(index))
        return self.sources(crate) if crate is not None else {}

    def workspace_crate(self, dep: Dependency) -> Crate | None:
        if dep.path is not None:
            return self._by_dir.get(dep.path)
        return self._by_name.get(dep.package)

    def _dep_crate(self, index: CrateIndex, ident: str) -> Crate | None:
        parent = self._crate_of.get(id(index))
        dep = next((d for d in parent.manifest.dependencies.values() if d.ident == ident),
                   None) if parent is not None else None
        return self.workspace_crate(dep) if dep is not None else None

    def _may_define(self, index: CrateIndex, ident: str, name: str) -> bool:
        crate = self._dep_crate(index, ident)
        needle = name.encode()
        return crate is not None and any(b"macro_rules!" in data and needle in data
                                         for data in self.sources(crate).values())

    def _dep_mentions(self, index: CrateIndex, ident: str, name: str) -> bool:
        crate = self._dep_crate(index, ident)
        return crate is not None and self.mentions(crate, [name.encode()])

    def dependents(self, crate: Crate) -> list[Crate]:
        """The workspace crates with a path dependency on `crate`."""
        if self._dependents is None:
            self._dependents = {}
            for user in self.workspace.crates:
                for dep in user.manifest.dependencies.values():
                    if dep.path is not None:
                        self._dependents.setdefault(dep.path, []).append(user)
        return self._dependents.get(crate.dir, [])

    def sources(self, crate: Crate) -> dict[Path, bytes]:
        """The crate's source bytes (read once), kept for the parser to reuse."""
        files = read_sources(crate, self.diags)
        self._bytes.update(files)
        return files

    def reaches_mention(self, crate: Crate, needle: bytes) -> bool:
        """Whether `crate` or a workspace crate it depends on (at any depth) mentions
        `needle` in its sources: a cheap test before parsing anything of theirs."""
        key = (crate.dir, needle)
        if key not in self._reach:
            self._reach[key] = False  # a dependency cycle ends here
            self._reach[key] = self.mentions(crate, [needle]) or any(
                self.reaches_mention(dep, needle) for d in crate.manifest.dependencies.values()
                if (dep := self.workspace_crate(d)) is not None)
        return self._reach[key]

    def mentions(self, crate: Crate, needles: list[bytes]) -> bool:
        return any(n in data for data in self.sources(crate).values() for n in needles)

    def _dependency(self, index: CrateIndex, ident: str) -> CrateIndex | None:
        # Name and macro lookup ask for the same (crate, name) pair thousands of times on a
        # monorepo, and each answer unifies features over two manifests: work it out once.
        key = (id(index), ident)
        if key in self._dependencies:
            return self._dependencies[key]
        found = self._find_dependency(index, ident)
        if id(index) in self._crate_of:  # held in self._indexes, so its id is never reused
            self._dependencies[key] = found
        return found

    def _find_dependency(self, index: CrateIndex, ident: str) -> CrateIndex | None:
        parent = self._crate_of.get(id(index))
        if parent is None:
            return None
        dep = next((d for d in parent.manifest.dependencies.values() if d.ident == ident), None)
        if dep is None:
            return None
        target = self.workspace_crate(dep)
        if target is None:
            return None
        # Cargo unifies features: the dependent's `dep/feature` entries switch them on too.
        parent_entries = parent.manifest.enabled_entries(set(index.features))
        requested = set(dep.features)
        for entry in parent_entries:
            head, _, feature = entry.partition("/")
            if feature and head.rstrip("?") in (dep.key, f"dep:{dep.key}"):
                requested.add(feature)
        features = frozenset(
            f for f in target.manifest.enabled_entries(requested, dep.default_features)
            if "/" not in f and not f.startswith("dep:") and f != "default")
        return self.index(target, features)


def _root_file(crate: Crate, diags: Diagnostics) -> Path | None:
    """The crate's root module: `[lib] path` when it names a file inside the repository, else
    src/lib.rs or src/main.rs. A `[lib] path` that leads out of the repository or is not a
    regular file is a note, and is not replaced by src/lib.rs (that is not what Cargo builds)."""
    top = crate.top or crate.dir
    lib = crate.manifest.data.get("lib")
    if isinstance(lib, dict) and isinstance(lib.get("path"), str):
        candidate = crate.dir / lib["path"]
        if os.path.lexists(candidate):
            why = files.check(candidate, top)
            if why is None:
                return candidate
            diags.add(crate.manifest.path, f"[lib] path {lib['path']}: {why}",
                      crate.manifest.line_of(r"^\s*path\s*="))
            return None
    for name in ("src/lib.rs", "src/main.rs"):
        candidate = crate.dir / name
        if os.path.lexists(candidate):
            return candidate  # reading it notes what is wrong with it
    return None

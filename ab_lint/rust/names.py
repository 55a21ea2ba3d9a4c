"""Modules, items and `use` declarations of a crate, and path resolution across crates.

A crate's module tree is loaded from its root file by following `mod` declarations; files are
parsed on first use. Paths resolve the way rustc resolves them closely enough for constants and
types: local items, `use` bindings (with aliases), globs, `crate`/`self`/`super`, and other
crates of the workspace by their dependency names. A path that leaves the workspace becomes an
`External` path such as `("parachains_common", "SLOT_DURATION")`.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node, Query

from ab_lint.rust import cfg, macros
from ab_lint.rust.parse import RUST, SourceFile
from ab_lint.rust.tokens import Token, matching, tokens

_COMMENTS = {"line_comment", "block_comment"}
_WS = re.compile(r"\s+")
_GENERICS = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class External:
    segments: tuple[str, ...]

    @property
    def crate(self) -> str:
        return self.segments[0]


@dataclass
class Item:
    kind: str  # const, type, fn, struct, mod
    name: str
    module: Module
    node: Node  # the whole item (for its line)
    value: Node | None = None  # const value / aliased type / fn body
    value_tokens: list[Token] | None = None  # for items that live in a macro body

    @property
    def file(self) -> SourceFile:
        return self.module.file

    def tokens(self) -> list[Token]:
        if self.value_tokens is None:
            self.value_tokens = tokens(self.value, self.file.data) if self.value else []
        return self.value_tokens


@dataclass
class Impl:
    """An `impl Trait for Type { ... }` block, or one inside `impl_runtime_apis!`."""

    module: Module
    node: Node
    trait: Node | None
    self_type: Node | None
    body: Node | None
    in_runtime_apis: bool = False

    @property
    def file(self) -> SourceFile:
        return self.module.file

    def trait_segments(self) -> list[str]:
        return path_segments(self.trait, self.file.data) if self.trait else []

    def associated(self, features: frozenset[str]) -> dict[str, Node]:
        """Active `type X = ...;` items of the body, by name (the whole type_item node)."""
        out: dict[str, Node] = {}
        for child in active_children(self.body, self.file.data, features):
            if child.type == "type_item":
                name = child.child_by_field_name("name")
                if name is not None:
                    out.setdefault(self.file.text(name), child)
        return out

    def functions(self, features: frozenset[str]) -> dict[str, Node]:
        out: dict[str, Node] = {}
        for child in active_children(self.body, self.file.data, features):
            if child.type == "function_item":
                name = child.child_by_field_name("name")
                if name is not None:
                    out.setdefault(self.file.text(name), child)
        return out


@dataclass
class MacroCall:
    name: str
    module: Module
    node: Node
    body: Node  # the token tree

    @property
    def file(self) -> SourceFile:
        return self.module.file


def path_segments(node: Node | None, data: bytes) -> list[str]:
    if node is None:
        return []
    text = data[node.start_byte : node.end_byte].decode("utf-8", "replace")
    text = _WS.sub("", text)
    while "<" in text and _GENERICS.search(text):
        text = _GENERICS.sub("", text)
    return [s for s in text.split("::") if s]


def attr_active(attr_nodes: list[Node], data: bytes, features: frozenset[str]) -> bool:
    for attr in attr_nodes:
        if b"cfg" not in data[attr.start_byte : attr.end_byte]:
            continue
        pred = cfg.cfg_tokens(tokens(attr, data))
        if pred is not None and not cfg.evaluate(pred, features):
            return False
    return True


def active_children(container: Node | None, data: bytes, features: frozenset[str]):
    """Children of a block of items, skipping those a `#[cfg]` turns off."""
    if container is None:
        return
    attrs: list[Node] = []
    for child in container.children:
        if child.type == "attribute_item":
            attrs.append(child)
            continue
        if child.type in _COMMENTS:
            continue
        if attr_active(attrs, data, features):
            yield child
        attrs = []


class Module:
    def __init__(self, crate: CrateIndex, name: str, parent: Module | None,
                 file: SourceFile | None, container: Node | None, child_dir: Path | None) -> None:
        self.crate = crate
        self.name = name
        self.parent = parent
        self.file = file
        self.child_dir = child_dir  # where `mod x;` inside this module looks for x.rs
        self._container = container
        self.owns_file = container is None  # a `mod x;` file rather than an inline `mod x {}`
        self._loaded = False
        self.items: dict[str, list[Item]] = {}
        self.uses: dict[str, list[str]] = {}
        self.globs: list[list[str]] = []
        self.use_nodes: dict[str, Node] = {}  # where each `use` binding is declared
        self.glob_nodes: list[Node] = []
        self.children: list[Module] = []

    def load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.file is None:
            return
        container = self._container if self._container is not None else self.file.root
        self.crate.index_items(self, container)

    def add(self, item: Item) -> None:
        self.items.setdefault(item.name, []).append(item)


class CrateIndex:
    """One crate's module tree, with the impls and runtime macros found in it."""

    def __init__(self, program: Program, name: str, root_file: Path, features: frozenset[str],
                 extern: dict[str, str]) -> None:
        self.program = program
        self.name = name
        self.features = features
        self.extern = extern  # dependency name as used in code -> package name
        self.impls: list[Impl] = []
        self.macros: list[MacroCall] = []
        self.functions: list[Item] = []
        self._macro_rules: dict[str, tuple[Node, SourceFile] | None] = {}
        file = program.source(root_file)
        child_dir = root_file.parent
        self.root = Module(self, "crate", None, file, None, child_dir)

    def modules(self, markers: tuple[bytes, ...] | None = None) -> list[Module]:
        """Every module of the crate, loaded. With `markers`, only the modules in files whose
        text holds one, and those on the way to them, are loaded (parsed); the rest load on
        demand, when a path leads there."""
        wanted = None
        if markers is not None:
            wanted = {p for p, data in self.program.crate_files(self).items()
                      if any(k in data for k in markers)}
        return self._walk(wanted)

    def module_of(self, path: Path) -> Module | None:
        """The module whose own file is `path`, loading only the modules on the way to it."""
        for module in self._walk({path}):
            if module.file is not None and module.file.path == path:
                return module
        return None

    def _walk(self, wanted: set[Path] | None) -> list[Module]:
        # A module in a file of its own is entered when its file is wanted or a wanted file
        # lies under the folder its `mod x;` children come from (a `#[path]` module is seen
        # by its file once its parent is loaded).
        folders = {d for p in wanted for d in p.parents} if wanted is not None else set()
        out, stack = [], [self.root]
        while stack:
            m = stack.pop()
            if (wanted is not None and m is not self.root and m.file is not None and m.owns_file
                    and m.file.path not in wanted and m.child_dir not in folders):
                continue
            m.load()
            out.append(m)
            stack.extend(reversed(m.children))
        return out

    # -- indexing -------------------------------------------------------------------------
    def index_items(self, module: Module, container: Node) -> None:
        data = module.file.data
        for child in active_children(container, data, self.features):
            self._index_item(module, child, data)

    def _index_item(self, module: Module, node: Node, data: bytes) -> None:
        t = node.type
        name_node = node.child_by_field_name("name")
        name = (data[name_node.start_byte : name_node.end_byte].decode("utf-8", "replace")
                if name_node else "")
        if t in ("const_item", "static_item"):
            module.add(Item("const", name, module, node, node.child_by_field_name("value")))
        elif t == "type_item":
            module.add(Item("type", name, module, node, node.child_by_field_name("type")))
        elif t == "function_item":
            item = Item("fn", name, module, node, node.child_by_field_name("body"))
            module.add(item)
            self.functions.append(item)
        elif t in ("struct_item", "enum_item", "union_item", "trait_item"):
            module.add(Item("struct", name, module, node))
        elif t == "mod_item":
            self._index_mod(module, node, name, data)
        elif t == "use_declaration":
            arg = node.child_by_field_name("argument")
            if arg is not None:
                before, globs = set(module.uses), len(module.globs)
                use_tree(arg, [], module.uses, module.globs, data)
                for bound in set(module.uses) - before:
                    module.use_nodes[bound] = node
                module.glob_nodes.extend([node] * (len(module.globs) - globs))
        elif t == "impl_item":
            self.impls.append(Impl(module, node, node.child_by_field_name("trait"),
                                   node.child_by_field_name("type"),
                                   node.child_by_field_name("body")))
        elif t == "macro_invocation":
            self._index_macro(module, node, data)
        elif t == "expression_statement" and node.named_child_count == 1:
            inner = node.named_children[0]
            if inner.type == "macro_invocation":
                self._index_macro(module, inner, data)

    def _index_mod(self, module: Module, node: Node, name: str, data: bytes) -> None:
        body = node.child_by_field_name("body")
        base = module.child_dir or module.file.path.parent
        if body is not None:
            sub = Module(self, name, module, module.file, body, base / name)
        else:
            path = _mod_path(node, data, base, name, module.file.path.parent)
            if path is None:
                return
            if _includes_ancestor(module, path):  # `#[path = "lib.rs"] mod again;`
                self.program.note(module.file.path, f"module {name} is the file of a module "
                                  "that contains it; it is not read again",
                                  node.start_point[0] + 1)
                return
            source = self.program.source(path)
            if source is None:
                return
            child_dir = path.parent if path.name == "mod.rs" else path.parent / path.stem
            sub = Module(self, name, module, source, None, child_dir)
        module.children.append(sub)
        module.add(Item("mod", name, module, node))
        module.items[name][-1].value = None
        self.program.submodule[id(module.items[name][-1])] = sub

    def _index_macro(self, module: Module, node: Node, data: bytes) -> None:
        macro = node.child_by_field_name("macro")
        body = next((c for c in node.children if c.type == "token_tree"), None)
        if macro is None or body is None:
            return
        segs = path_segments(macro, data)
        if not segs:
            return
        name = segs[-1]
        if name not in BUILTIN_MACROS and self._expand(module, node, segs, body):
            return
        if name in ("parameter_types", "ord_parameter_types"):
            for item in _parameter_types(module, body, data, self.features):
                module.add(item)
            return
        self.macros.append(MacroCall(name, module, node, body))
        if name.startswith("impl_runtime_apis"):
            items = module.file.reparse_body(body)
            for child in active_children(items, data, self.features):
                if child.type == "impl_item":
                    self.impls.append(Impl(module, child, child.child_by_field_name("trait"),
                                           child.child_by_field_name("type"),
                                           child.child_by_field_name("body"), True))


    # -- macro_rules! -----------------------------------------------------------------------
    def macro_rule(self, wanted: str) -> tuple[Node, SourceFile] | None:
        """The crate's `macro_rules! wanted` definition. Only files whose bytes define it are
        parsed: a runtime invokes dozens of macros, and its dependencies define hundreds."""
        if wanted in self._macro_rules:
            return self._macro_rules[wanted]
        self._macro_rules[wanted] = None
        defines = re.compile(rb"macro_rules!\s*" + re.escape(wanted.encode()) + rb"\b")
        for path in [p for p, data in self.program.crate_files(self).items()
                     if b"macro_rules!" in data and defines.search(data)]:
            source = self.program.source(path)
            if source is None:
                continue
            for definition in source.captures(_MACRO_DEFS, "m"):
                name = definition.child_by_field_name("name")
                if name is not None and source.text(name) == wanted:
                    self._macro_rules[wanted] = (definition, source)
                    return self._macro_rules[wanted]
        return None

    def _find_macro(self, module: Module, segs: list[str]) -> tuple[Node, SourceFile,
                                                                    CrateIndex] | None:
        name = segs[-1]
        head = segs[0] if len(segs) > 1 else None
        if head is None and name in module.uses and len(module.uses[name]) > 1:
            head = module.uses[name][0]
        owners: Iterable[CrateIndex] = ()
        if head in (None, "crate", "$crate", "self", "super"):
            owners = (self,)
        if head is not None and head not in ("crate", "$crate", "self", "super"):
            dep = self.program.crate_for_dependency(self, head)
            owners = (dep,) if dep is not None else ()
        elif head is None:  # `#[macro_use]` or a macro exported by a dependency
            # loaded one by one, and only those whose text defines it: a runtime has a
            # hundred dependencies, and indexing each costs more than reading its bytes
            owners = itertools.chain(owners, (
                d for ident in self.extern if self.program.may_define(self, ident, name)
                and (d := self.program.crate_for_dependency(self, ident)) is not None))
        for owner in owners:
            found = owner.macro_rule(name)
            if found is not None:
                return found[0], found[1], owner
        return None

    def expansion(self, module: Module, segs: list[str], body: Node,
                  wrap: tuple[str, str] | None = None) -> Module | None:
        """What a workspace `macro_rules!` invocation expands to, parsed, in a module that
        sees the invoking module's names (`wrap` puts text around it: an expression is
        parsed as the body of a function). None when no rule matches."""
        if self.program.depth >= MAX_EXPANSION_DEPTH or not self.program.spend_expansion(
                module.file.path, body.start_point[0] + 1):
            return None
        found = self._find_macro(module, segs)
        if found is None:
            return None
        definition, def_file, owner = found
        given = macros.trees(body, module.file)
        crate_path = "crate" if owner is self else owner.name.replace("-", "_")
        for pattern, transcriber in _rules(definition, def_file):
            out: list[macros.Tok] = []
            if wrap:
                out.append(macros.Tok(wrap[0], module.file, body.start_byte))
            try:
                binds = macros.match(pattern, given)
                macros.transcribe(transcriber, binds, crate_path, out)
            except (macros.NoMatch, RecursionError):
                continue
            if wrap:
                out.append(macros.Tok(wrap[1], module.file, body.start_byte))
            if len(out) > MAX_EXPANSION_TOKENS:
                self.program.note(module.file.path, f"{segs[-1]}! expands to {len(out)} tokens, "
                                  "more than any runtime's; its expansion is not read",
                                  body.start_point[0] + 1)
                return None
            expanded = macros.ExpandedFile(out, module.file, segs[-1])
            twin = Module(self, module.name, module.parent, expanded, expanded.root,
                          module.child_dir)
            twin.items, twin.uses, twin.globs = module.items, module.uses, module.globs
            twin.use_nodes, twin.glob_nodes = module.use_nodes, module.glob_nodes
            twin.children, twin._loaded, twin.owns_file = module.children, True, False
            return twin
        return None

    def _expand(self, module: Module, node: Node, segs: list[str], body: Node) -> bool:
        """Index what a `macro_rules!` macro of the workspace expands to, as if written here."""
        twin = self.expansion(module, segs, body)
        if twin is None:
            return False
        self.program.depth += 1
        try:
            self.index_items(twin, twin.file.root)
        finally:
            self.program.depth -= 1
        return True


def _rules(definition: Node, file: SourceFile) -> list[tuple[list, list]]:
    """A `macro_rules!` definition's (pattern, transcriber) pairs as token trees, built once
    per definition: a runtime invokes the same macro a dozen times (one per origin)."""
    key = ("macro_rules", definition.start_byte)
    if key not in file.memo:
        file.memo[key] = [
            (macros.trees(left, file), macros.trees(right, file))
            for rule in definition.named_children if rule.type == "macro_rule"
            if (left := rule.child_by_field_name("left")) is not None
            and (right := rule.child_by_field_name("right")) is not None]
    return file.memo[key]  # type: ignore[return-value]


# Macros read for what they mean rather than expanded, even where the workspace defines them
# (polkadot-sdk itself defines parameter_types!).
BUILTIN_MACROS = {"parameter_types", "ord_parameter_types", "construct_runtime",
                  "register_validate_block",
                  "impl_runtime_apis", "decl_runtime_apis", "macro_rules", "vec", "format",
                  "println", "assert", "assert_eq", "debug_assert", "include", "concat", "env",
                  "cfg", "matches", "panic", "write", "writeln", "log", "include_str"}
MAX_EXPANSION_DEPTH = 6
# polkadot-sdk's thirteen runtimes need about 150 expansions, the largest of some 20,000 tokens; a
# macro that invokes itself ten times would need a million
MAX_EXPANSIONS, MAX_EXPANSION_TOKENS = 3000, 200_000
# Names followed through this many `use`/glob steps at most (real code needs a handful): a
# chain of thousands of re-exports would otherwise exhaust the stack
MAX_LOOKUP_DEPTH = 40
_MACRO_DEFS = Query(RUST, "(macro_definition) @m")


def _includes_ancestor(module: Module, path: Path) -> bool:
    ancestor: Module | None = module
    while ancestor is not None:
        if ancestor.file is not None and ancestor.file.path == path:
            return True
        ancestor = ancestor.parent
    return False


def _mod_path(node: Node, data: bytes, base: Path, name: str, here: Path) -> Path | None:
    prev = node.prev_named_sibling
    while prev is not None and prev.type == "attribute_item":
        text = data[prev.start_byte : prev.end_byte].decode("utf-8", "replace")
        m = re.match(r'#\[\s*path\s*=\s*"([^"]+)"', text)
        if m:  # `a/../b` is shown as `b`, the way people name the file
            return Path(os.path.normpath(here / m.group(1)))
        prev = prev.prev_named_sibling
    for candidate in (base / f"{name}.rs", base / name / "mod.rs"):
        if candidate.is_file():
            return candidate
    return None


def use_tree(node: Node, prefix: list[str], uses: dict[str, list[str]],
              globs: list[list[str]], data: bytes) -> None:
    t = node.type
    if t == "use_as_clause":
        path = prefix + path_segments(node.child_by_field_name("path"), data)
        alias = path_segments(node.child_by_field_name("alias"), data)
        if path and path[-1] == "self":
            path = path[:-1]
        if alias and alias[0] != "_" and path:
            uses[alias[0]] = path
    elif t == "scoped_use_list":
        new_prefix = prefix + path_segments(node.child_by_field_name("path"), data)
        lst = node.child_by_field_name("list")
        if lst is not None:
            use_tree(lst, new_prefix, uses, globs, data)
    elif t == "use_list":
        for child in node.named_children:
            if child.type not in _COMMENTS:
                use_tree(child, prefix, uses, globs, data)
    elif t == "use_wildcard":
        inner = node.named_children[0] if node.named_child_count else None
        path = prefix + path_segments(inner, data)
        if path:
            globs.append(path)
    else:
        path = prefix + path_segments(node, data)
        if path and path[-1] == "self":
            path = path[:-1]
        if path:
            uses[path[-1]] = path


def _parameter_types(module: Module, body: Node, data: bytes,
                     features: frozenset[str]) -> list[Item]:
    """`pub const X: T = v;` / `pub X: T = v;` / `pub storage X: T = v;` statements, cfg-aware."""
    toks = tokens(body, data)[1:-1]
    items: list[Item] = []
    i, n = 0, len(toks)
    while i < n:
        attrs: list[list[Token]] = []
        while i < n and toks[i].text == "#" and i + 1 < n and toks[i + 1].text == "[":
            end = matching(toks, i + 1)
            attrs.append(toks[i + 1 : end + 1])
            i = end + 1
        start = i
        depth = 0
        while i < n and not (depth == 0 and toks[i].text == ";"):
            if toks[i].text in "([{":
                depth += 1
            elif toks[i].text in ")]}":
                depth -= 1
            i += 1
        stmt = toks[start:i]
        i += 1
        preds = [p for a in attrs if (p := cfg.cfg_tokens(a)) is not None]
        if not all(cfg.evaluate(p, features) for p in preds):
            continue
        j = 0
        if j < len(stmt) and stmt[j].text == "pub":
            j += 1
            if j < len(stmt) and stmt[j].text == "(":
                j = matching(stmt, j) + 1
        if j < len(stmt) and stmt[j].text in ("const", "storage", "static"):
            j += 1
        if j + 1 >= len(stmt) or stmt[j + 1].text != ":":
            continue
        name_tok = stmt[j]
        eq = next((k for k in range(j, len(stmt)) if stmt[k].text == "="), None)
        if eq is None:
            continue
        items.append(Item("const", name_tok.text, module, name_tok.node, None, stmt[eq + 1 :]))
    return items


@dataclass
class Program:
    """All crates loaded so far, and the source files they share."""

    read: Callable[[Path], SourceFile | None]
    crate_for_dependency: Callable[[CrateIndex, str], CrateIndex | None]
    crate_files: Callable[[CrateIndex], dict[Path, bytes]] = lambda index: {}
    # whether the text of the dependency a crate calls `ident` holds `name`
    mentions: Callable[[CrateIndex, str, str], bool] = lambda index, ident, name: True
    # whether the dependency a crate calls `ident` may define `macro_rules! name`
    may_define: Callable[[CrateIndex, str, str], bool] = lambda index, ident, name: True
    depth: int = 0  # macro expansions in progress
    expansions: int = 0  # macro expansions made, against MAX_EXPANSIONS
    note: Callable[[Path, str, int | None], None] = lambda path, message, line: None
    release: str | None = None  # the SDK release Cargo.lock pins, for outside constants
    files: dict[Path, SourceFile | None] = field(default_factory=dict)
    submodule: dict[int, Module] = field(default_factory=dict)
    _memo: dict[tuple, Item | Module | External | None] = field(default_factory=dict)

    def spend_expansion(self, path: Path, line: int) -> bool:
        """Whether one more macro expansion may be made (saying so once when none may)."""
        self.expansions += 1
        if self.expansions == MAX_EXPANSIONS + 1:
            self.note(path, f"macro expansion stopped after {MAX_EXPANSIONS} expansions (a macro "
                      "that invokes itself many times); what the rest would add is not read",
                      line)
        return self.expansions <= MAX_EXPANSIONS

    def source(self, path: Path) -> SourceFile | None:
        if path not in self.files:
            self.files[path] = self.read(path)
        return self.files[path]

    # -- resolution -----------------------------------------------------------------------
    def lookup(self, module: Module, name: str, seen: set | None = None,
               first: bool = True) -> Item | Module | External | None:
        """`name` as seen from `module`.

        Names defined in the workspace win over names that may come through a glob import
        of an outside crate, whatever the order of the globs: a first pass follows local
        definitions only, a second accepts an outside glob as the source.
        """
        seen = seen if seen is not None else set()
        found = self._guarded(module, name, seen, first, False)
        if found is None:
            found = self._guarded(module, name, seen, first, True)
        return found

    def _guarded(self, module: Module, name: str, seen: set, first: bool,
                 fallback: bool) -> Item | Module | External | None:
        key = (id(module), name, first, fallback)
        if key in self._memo:
            return self._memo[key]
        if key in seen or len(seen) > MAX_LOOKUP_DEPTH:
            return None
        top = not seen
        seen.add(key)
        try:
            found = self._lookup(module, name, seen, first, fallback)
        finally:
            seen.discard(key)
        # a miss inside a cycle may be the cycle's doing; only a finished search is final
        if found is not None or top:
            self._memo[key] = found
        return found

    def _lookup(self, module: Module, name: str, seen: set, first: bool,
                fallback: bool) -> Item | Module | External | None:
        module.load()
        items = module.items.get(name)
        if items:
            item = items[0]
            if item.kind == "mod":
                return self.submodule.get(id(item))
            for candidate in items:  # prefer the type/const over a same-named fn
                if candidate.kind in ("const", "type"):
                    return candidate
            return item
        if name in module.uses and module.uses[name] != [name]:  # `use dep::{self}`: the crate
            found = self.resolve(module, module.uses[name], seen, fallback)
            if found is not None:
                return found
        if first and name in module.crate.extern:
            # a dependency's name heads the path: globs (which may lead through a dozen
            # crates, `use xcm::latest::prelude::*`) are not searched for it
            dep = self.extern_crate(module.crate, name)
            if dep is not None:
                return dep
        external_glob = None
        for glob in self._likely_first(module, name):
            target = self.resolve(module, glob, seen, fallback)
            if isinstance(target, Module):
                found = self._guarded(target, name, seen, False, fallback)
                if found is not None:
                    return found
            elif isinstance(target, External) and external_glob is None:
                external_glob = External(target.segments + (name,))
        if first:
            dep = self.extern_crate(module.crate, name)
            if dep is not None:
                return dep
        return external_glob if fallback else None

    def _likely_first(self, module: Module, name: str) -> list[list[str]]:
        """The module's glob imports, those of its own crate and of dependencies whose text
        mentions `name` first. Rust rejects a name two globs bring in, so the order changes
        nothing but the cost: `use xcm::latest::prelude::*` beside the glob of a constants
        crate leads through a dozen crates that cannot hold the constant."""
        if len(module.globs) < 2:
            return module.globs
        extern = module.crate.extern
        return sorted(module.globs, key=lambda g: 0 if not g or g[0] not in extern or
                      self.mentions(module.crate, g[0], name) else 1)

    def binding_site(self, module: Module, name: str) -> Node | None:
        """The `use` declaration through which `name` enters `module`, if any."""
        if name in module.use_nodes:
            return module.use_nodes[name]
        for glob, node in zip(module.globs, module.glob_nodes, strict=False):
            target = self.resolve(module, glob)
            if isinstance(target, External) or (
                    isinstance(target, Module) and self.lookup(target, name, first=False)):
                return node
        return None

    def extern_crate(self, crate: CrateIndex, name: str) -> Module | External | None:
        if name in crate.extern:
            index = self.crate_for_dependency(crate, name)
            if index is not None:
                return index.root
            return External((crate.extern[name].replace("-", "_"),))
        return None

    def resolve(self, module: Module, segs: list[str], seen: set | None = None,
                fallback: bool | None = None) -> Item | Module | External | None:
        if not segs:
            return None
        seen = seen if seen is not None else set()
        head, rest = segs[0], segs[1:]
        cur: Item | Module | External | None
        if head == "crate":
            cur = module.crate.root
        elif head == "self":
            cur = module
        elif head == "super":
            cur = module.parent or module
        elif head in ("Self", "$crate"):
            return None
        else:
            cur = (self.lookup(module, head, seen) if fallback is None
                   else self._guarded(module, head, seen, True, fallback))
            if cur is None:
                # not declared anywhere we can see: treat it as an external crate path
                cur = External((head,))
        for seg in rest:
            if isinstance(cur, Module):
                if seg == "super":
                    cur = cur.parent or cur
                    continue
                cur = (self.lookup(cur, seg, seen, first=False) if fallback is None
                       else self._guarded(cur, seg, seen, False, fallback))
            elif isinstance(cur, External):
                cur = External(cur.segments + (seg,))
            else:
                return None
        if isinstance(cur, External) and cur.crate == "polkadot_sdk" and len(cur.segments) > 1:
            cur = External(cur.segments[1:])  # the umbrella re-exports each crate by its name
        return cur

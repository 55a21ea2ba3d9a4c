"""The resolved picture of one runtime crate and of the node crate that runs it.

Each value keeps the place it was read from (`Located`), so rules can point at the line to edit.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from tree_sitter import Node, Query

from ab_lint.discover import NODE_DEPS, Crate
from ab_lint.known import external_value
from ab_lint.loader import Loader
from ab_lint.rust.consts import Named, Origin, Resolved, Values
from ab_lint.rust.evaluate import Duration, Unresolved, Weight
from ab_lint.rust.macros import ExpandedFile
from ab_lint.rust.names import (
    CrateIndex,
    External,
    Impl,
    Item,
    MacroCall,
    Module,
    attr_active,
    path_segments,
    use_tree,
)
from ab_lint.rust.parse import RUST, SourceFile
from ab_lint.rust.tokens import tokens
from ab_lint.startup import NodeFile, StartupValues, enclosing_fn

PARACHAIN_SYSTEM = "cumulus_pallet_parachain_system"
COLLATOR_STARTS = ("run", "run_with_export", "build", "build_aura_consensus",
                   "build_relay_chain_consensus")
# Text a file that starts a collator holds: the collator module, a builder's name
COLLATOR_FILE_MARKERS = (b"collators", b"AuraConsensus", b"build_aura_consensus",
                         b"build_relay_chain_consensus", b"consensus_relay_chain", b"imbus")
BLOCK_TIME_NAMES = ("MILLISECS_PER_BLOCK", "MILLI_SECS_PER_BLOCK", "MILLISECONDS_PER_BLOCK",
                    "MILLISECS_PER_PARA_BLOCK")
_SPACES = re.compile(r"\s+")
# `a::b::Name`: the module path `a::b` a runtime writes in front of an item
_QUALIFIED = re.compile(rb"\b((?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)+)[A-Za-z_][A-Za-z0-9_]*")
# Files worth parsing up front in a runtime crate: configs, APIs and macros (with the modules
# on the way to them). Weight files and the like are parsed only if a path leads into them.
RUNTIME_FILE_MARKERS = (b"for Runtime", b"impl_runtime_apis", b"register_validate_block",
                        b"construct_runtime", b"parameter_types")


@dataclass(frozen=True)
class Located:
    value: object
    path: str | None = None
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    file: SourceFile | None = field(default=None, compare=False, repr=False)


def integer(value: object) -> int | None:
    """A value that is a Rust integer: an int, never a bool (which Python counts as one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def at(value: object, file: SourceFile | None, node: Node | None) -> Located:
    if file is None or node is None:
        return Located(value)
    if isinstance(file, ExpandedFile):  # written in a macro: point where it was written
        real, start, end = file.real(node)
        line = real.data.count(b"\n", 0, start)
        col = start - (real.data.rfind(b"\n", 0, start) + 1)
        return Located(value, real.rel, line + 1, col + 1, line + 1, col + 1 + end - start, real)
    (line, col), (end_line, end_col) = node.start_point, node.end_point
    if end_line > line:  # findings underline the first line of a multi-line item
        end_line, end_col = line, len(file.data.split(b"\n", line + 1)[line])
    return Located(value, file.rel, line + 1, col + 1, end_line + 1, end_col + 1, file)


def from_resolved(r: Resolved, value: object | None = None) -> Located:
    v = r.value if value is None else value
    return at(v, r.origin.file, r.origin.node) if r.origin else Located(v)


NONE = Located(None)


class RuntimeModel:
    def __init__(self, loader: Loader, crate: Crate,
                 features: frozenset[str] | None = None) -> None:
        self.loader = loader
        self.crate = crate
        self.index: CrateIndex | None = loader.index(crate, features)
        self.values = Values(loader.program, loader.diags.add)
        self.modules: list[Module] = self.index.modules(RUNTIME_FILE_MARKERS) if self.index else []
        self.features = self.index.features if self.index else frozenset()
        holders = {id(i.module) for i in self.index.impls} if self.index else set()
        self.config_scopes = [m for m in self.modules
                              if m.parent is None or id(m) in holders]
        self.other_scopes = [m for m in self.modules if m not in self.config_scopes]
        self._path_prefixes: dict[int, list[list[str]]] = {}
        self._deps = {d.ident: d for d in crate.manifest.dependencies.values()}

    # -- finding things -------------------------------------------------------------------
    def _trait_crate(self, impl: Impl) -> tuple[str, ...]:
        segs = impl.trait_segments()
        if not segs:
            return ()
        target = self.loader.program.resolve(impl.module, segs)
        if isinstance(target, External):
            return target.segments
        return tuple(segs)

    def pallet_config(self, pallet: str) -> Impl | None:
        if self.index is None:
            return None
        for impl in self.index.impls:
            if impl.in_runtime_apis or impl.trait_segments()[-1:] != ["Config"]:
                continue
            written = impl.trait_segments()
            # `pallet_aura::Config` says it, and `frame_system::Config` says it is another
            # (a dependency's name, renamed or not: resolving would load that crate); a bare
            # or aliased `Config` needs resolving
            if pallet in written[:-1]:
                return impl
            head = written[0] if len(written) == 2 else None
            if head in self.index.extern:
                if pallet == self.index.extern[head].replace("-", "_"):
                    return impl
                continue
            segs = self._trait_crate(impl)
            if len(segs) >= 2 and pallet in segs[:-1]:
                return impl
        return None

    def runtime_api(self, name: str) -> Impl | None:
        if self.index is None:
            return None
        for impl in self.index.impls:
            if impl.in_runtime_apis and impl.trait_segments()[-1:] == [name]:
                return impl
        return None

    def macro(self, name: str) -> MacroCall | None:
        if self.index is None:
            return None
        return next((m for m in self.index.macros if m.name == name), None)

    def associated(self, impl: Impl | None, name: str) -> Node | None:
        if impl is None:
            return None
        return impl.associated(self.features).get(name)

    def inactive(self, impl: Impl | None, name: str) -> list[str]:
        """`#[cfg(...)]` attributes of alternatives of `type name` that are switched off."""
        if impl is None or impl.body is None:
            return []
        out, attrs = [], []
        data = impl.file.data
        for child in impl.body.children:
            if child.type == "attribute_item":
                attrs.append(child)
                continue
            if child.type == "type_item":
                n = child.child_by_field_name("name")
                if (n is not None and impl.file.text(n) == name and attrs
                        and not attr_active(attrs, data, self.features)):
                    out.extend(impl.file.text(a) for a in attrs if b"cfg" in data[
                        a.start_byte:a.end_byte])
            if child.type not in ("line_comment", "block_comment"):
                attrs = []
        return out

    def assoc_value(self, impl: Impl | None, name: str) -> Resolved | None:
        node = self.associated(impl, name)
        if node is None or impl is None:
            return None
        ty = node.child_by_field_name("type")
        if ty is None:
            return None
        return self.values.type_value(impl.module, ty, Origin(impl.file, node))

    def qualified(self, name: str) -> Resolved | None:
        """`name` reached through a module the runtime names by path rather than imports it
        from: `consensus::NAME`, or `pallet_config::RuntimeBlockWeights` whose module also
        defines NAME. Modules it never names (another chain's constants) do not count."""
        named = self._named_modules(name)
        for module in named:
            found = self._found(module, name)
            if found is not None:
                return found[0]
        # one hop further: the named module's own code writes `consts::NAME` (a weight type
        # the runtime uses, built in a shared crate from that crate's constants)
        needle = name.encode()
        for module in named:
            if module.file is None or needle not in module.file.data:
                continue
            for segs in self._prefixes(module):
                for scope in (module, module.crate.root):
                    target = self.loader.program.resolve(scope, segs)
                    found = self._found(target, name) if isinstance(target, Module) else None
                    if found is not None:
                        return found[0]
        return None

    def _named_modules(self, name: str) -> list[Module]:
        """Modules of workspace crates the runtime writes a path into. Only paths whose head
        leads to a crate that can hold `name` (its sources or those of its workspace
        dependencies mention it) are resolved: resolving parses, and a monorepo's runtimes
        write thousands of paths."""
        out: list[Module] = []
        needle = name.encode()
        seen_files: set[int] = set()
        for module in self.modules:
            if module.file is None or id(module.file) in seen_files or not module.owns_file:
                continue
            seen_files.add(id(module.file))
            for segs in self._prefixes(module):
                if not self._may_hold(module, segs[0], needle):
                    continue
                target = self.loader.program.resolve(module, segs)
                if isinstance(target, Module) and target.crate is not self.index and all(
                        target is not known for known in out):
                    out.append(target)
        return out

    def _prefixes(self, module: Module) -> list[list[str]]:
        key = id(module.file)
        if key not in self._path_prefixes:
            prefixes = {re.sub(rb"\s+", b"", m.group(1)) for m in
                        _QUALIFIED.finditer(module.file.data)}
            # `Permill::from_percent`, `DispatchClass::Normal`: a path through a type (named in
            # UpperCamelCase, as rustc asks) never reaches a module, so it is not resolved
            self._path_prefixes[key] = [
                segs for prefix in sorted(prefixes)
                if (segs := [s for s in prefix.decode().split("::") if s])
                and segs[0] not in ("crate", "self", "super", "Self")
                and not any(s[:1].isupper() for s in segs)]
        return self._path_prefixes[key]

    def _may_hold(self, module: Module, head: str, needle: bytes) -> bool:
        path = module.uses.get(head, [head])
        first = path[0] if path else head
        if first in ("crate", "self", "super"):
            return True  # a local re-export: resolve it
        deps = self._deps
        # a head no `use` binds and no dependency is named may come through a glob import
        heads = [first] if first in deps or head in module.uses else [
            g[0] for g in module.globs if g]
        for ident in heads:
            if ident in ("crate", "self", "super"):
                return True
            crate = self.loader.workspace_crate(deps[ident]) if ident in deps else None
            if crate is not None and self.loader.reaches_mention(crate, needle):
                return True
        return False

    def _found(self, scope: Module, name: str) -> tuple[Resolved, object] | None:
        target = self.loader.program.lookup(scope, name)
        if target is None or isinstance(target, Module):
            return None
        if isinstance(target, Item) and target.kind != "const":
            return None
        try:
            resolved = self.values.target_value(target, [name])
        except Unresolved:
            return None
        if resolved.origin is None:  # from outside the repository: point at the import
            site = self.loader.program.binding_site(scope, name)
            if site is not None:
                resolved = Resolved(resolved.value, Origin(scope.file, site), resolved.external)
        return resolved, target

    def visible(self, names: tuple[str, ...],
                everywhere: bool = True) -> tuple[Resolved, object] | None:
        """A constant the runtime crate defines or imports, by conventional name: as the crate
        root and the modules holding its configuration see it, then (`everywhere`) as any of
        its modules does."""
        for scope in self.config_scopes + (self.other_scopes if everywhere else []):
            for name in names:
                found = self._found(scope, name)
                if found is not None:
                    return found
        return None

    def find_const(self, names: tuple[str, ...]) -> Resolved | None:
        """A constant by conventional name, as the runtime crate sees it (LABELS.md, "Where
        names come from"): defined or imported, else reached by a qualified path it writes.
        A same-named constant in a crate or module it never names does not count."""
        found = self.visible(names)
        if found is not None:
            return found[0]
        for name in names:
            resolved = self.qualified(name)
            if resolved is not None:
                return resolved
        return None

    def block_time(self) -> Resolved | None:
        """MILLISECS_PER_BLOCK, or the block time the runtime's time and slot constants come
        from: the block-time constant beside MINUTES (HOURS, DAYS) or SLOT_DURATION, the one
        they are computed from, or that of the outside crate they are imported from. The time
        constants come first: durations are counted in blocks of that length, and a chain
        moving to shorter blocks imports them from the new module before its Aura slot."""
        found = self.visible(BLOCK_TIME_NAMES, everywhere=False)
        if found is not None:
            return found[0]
        # What the runtime sees first; a module it only names by path (`consensus::MINUTES`)
        # after: the relay chain's time module imported as RC_MINUTES is not the runtime's.
        anchors = ("MINUTES", "HOURS", "DAYS", "SLOT_DURATION")
        for anchor in anchors:
            beside = self._block_time_beside(anchor, self.visible((anchor,)))
            if beside is not None:
                return beside
        for anchor in anchors:
            beside = self._block_time_beside(anchor, next(
                (f for m in self._named_modules(anchor) if (f := self._found(m, anchor))), None))
            if beside is not None:
                return beside
        # a block time the runtime reaches only through a path (`cfg::pallet_timestamp::..`
        # built from the shared crate's `consts::MILLISECS_PER_BLOCK`)
        for name in BLOCK_TIME_NAMES:
            found = self.qualified(name)
            if found is not None:
                return found
        return None

    def _block_time_beside(self, anchor: str, found: tuple[Resolved, object] | None
                           ) -> Resolved | None:
        if found is None:
            return None
        resolved, target = found
        if isinstance(target, External):
            module = target.segments[:-1]
            for name in BLOCK_TIME_NAMES:
                value = external_value((*module, name), self.loader.program.release)
                if isinstance(value, int) and module:
                    return Resolved(value, resolved.origin, (*module, name))
            return None
        if not isinstance(target, Item):
            return None
        return self._beside(target.module, anchor, target)

    def _beside(self, module: Module, anchor: str, item: Item) -> Resolved | None:
        for name in BLOCK_TIME_NAMES:
            found = self._found(module, name)
            if found is not None:
                return found[0]
        if anchor in ("HOURS", "DAYS"):
            minutes = self.loader.program.lookup(module, "MINUTES")
            return self._beside(minutes.module, "MINUTES", minutes) if isinstance(
                minutes, Item) else None
        # SLOT_DURATION = X, or MINUTES = 60_000 / (X as BlockNumber): X is the block time
        try:
            anchor_value = self.values.const(item)
        except Unresolved:
            return None
        for path in _paths(item.tokens()):
            resolved = (self._found(module, path[-1]) or (None,))[0] if len(path) == 1 else (
                _safe_resolve(lambda p=path: self.values.path_value(module, p)))
            if resolved is None or not isinstance(resolved.value, int) or resolved.value <= 0:
                continue
            value = resolved.value
            if (anchor == "SLOT_DURATION" and value == anchor_value) or (
                    anchor == "MINUTES" and 60_000 // value == anchor_value):
                return resolved
        return None

    # -- runtime API bodies ---------------------------------------------------------------
    def _returned(self, impl: Impl, fn_name: str, depth: int = 0) -> tuple[Module, Node] | None:
        """The expression a runtime API fn returns, following `Runtime::helper(..)` calls."""
        fn = impl.functions(self.features).get(fn_name)
        expr = last_expression(impl.file, fn.child_by_field_name("body")) if fn else None
        if expr is None:
            return None
        if expr.type == "call_expression" and depth < 3:
            segs = path_segments(expr.child_by_field_name("function"), impl.file.data)
            if len(segs) == 2 and segs[0] in ("Runtime", "Self"):
                helper = self.inherent_impl_with(segs[1])
                if helper is not None:
                    return self._returned(helper, segs[1], depth + 1)
        return impl.module, expr

    def returned(self, api: Impl | None, fn_name: str) -> tuple[Module, Node] | None:
        """The expression runtime API `fn_name` returns, helpers followed; None without one."""
        return self._returned(api, fn_name) if api is not None else None

    def migrations_mention(self, name: str, crate_part: str) -> Located | None:
        """Where `..crate_part..::name` is listed among the runtime's migrations: the sixth
        argument of `frame_executive::Executive<..>` or frame_system's `SingleBlockMigrations`,
        followed through type aliases (`Migrations`, `migrations::Unreleased`) into nested
        tuples. None when it is not listed (or nothing lists migrations)."""
        if self.index is None:
            return None
        roots: list[tuple[Module, Node]] = []
        for module in self.modules:
            for item in module.items.get("Executive", []):
                value = item.value
                args = value.child_by_field_name("type_arguments") if value is not None and (
                    value.type == "generic_type") else None
                named = [c for c in args.named_children if c.type not in (
                    "line_comment", "block_comment")] if args is not None else []
                if len(named) >= 6:
                    roots.append((module, named[5]))
        system = self.pallet_config("frame_system")
        single = self.associated(system, "SingleBlockMigrations")
        if single is not None and system is not None:
            ty = single.child_by_field_name("type")
            if ty is not None:
                roots.append((system.module, ty))
        seen: set[tuple[int, int]] = set()
        for module, node in roots:
            found = self._listed(module, node, name, crate_part, seen, 0)
            if found is not None:
                return found
        return None

    def _listed(self, module: Module, node: Node, name: str, crate_part: str,
                seen: set[tuple[int, int]], depth: int) -> Located | None:
        key = (id(module.file), node.start_byte)
        if key in seen or depth > 6:  # an alias cycle, or a chain no runtime writes
            return None
        seen.add(key)
        toks = tokens(node, module.file.data)
        for i, tok in enumerate(toks):
            if tok.text != name:
                continue
            path, j = [name], i
            while j >= 2 and toks[j - 1].text == "::" and toks[j - 2].kind in (
                    "identifier", "type_identifier"):
                path.insert(0, toks[j - 2].text)
                j -= 2
            # the path as written names the crate (the usual shape); one headed by another
            # dependency is that crate's (`pallet_session::..::MigrateV0ToV1`), and resolving
            # it would parse that crate; a bare or local name is followed to what it imports
            if any(crate_part in s for s in path):
                return at(True, module.file, tok.node)
            if len(path) > 1 and path[0] in self._deps:
                continue
            if any(crate_part in s for s in full_path(
                    self.loader.program.resolve(module, path), path)):
                return at(True, module.file, tok.node)
        for path in _paths(toks, types=True):
            if path[-1] == name or not path[-1][:1].isupper() or path[-1] in ("Runtime", "Self"):
                continue
            if len(path) > 1 and path[0] in self._deps:
                # another crate's migration (`pallet_x::migrations::v1::MigrateToV1`), not an
                # alias of the runtime's own: resolving it would parse that crate for nothing
                continue
            target = self.loader.program.resolve(module, path)
            if isinstance(target, Item) and target.kind == "type" and target.value is not None:
                found = self._listed(target.module, target.value, name, crate_part, seen,
                                     depth + 1)
                if found is not None:
                    return found
        return None

    def inherent_impl_with(self, fn_name: str) -> Impl | None:
        for impl in self.index.impls if self.index else []:
            if impl.trait is None and fn_name in impl.functions(self.features):
                return impl
        return None

    def api_slot_value(self, api: Impl) -> int | None:
        """What AuraApi::slot_duration returns, in ms, unless it asks pallet_aura itself."""
        found = self._returned(api, "slot_duration")
        if found is None:
            return None
        module, expr = found
        if b"Aura::slot_duration" in module.file.data[expr.start_byte:expr.end_byte]:
            return None  # agrees with pallet_aura by construction
        try:
            value = self.values.expr(module, expr)
        except Unresolved:
            return None
        return integer(value)

    def api_hook(self, api: Impl | None) -> Resolved | None:
        """The hook type AuraUnincludedSegmentApi::can_build_upon delegates to."""
        found = self._returned(api, "can_build_upon") if api else None
        if found is None:
            return None
        module, expr = found
        func = expr.child_by_field_name("function") if expr.type == "call_expression" else None
        owner = func.child_by_field_name("path") if func is not None and func.type == (
            "scoped_identifier") else None
        if owner is not None and owner.type == "scoped_identifier" and (
                module.file.text(owner).replace(" ", "").endswith(">::ConsensusHook")):
            return self.consensus_hook()[1]  # <Runtime as Config>::ConsensusHook: the wired one
        if owner is not None and owner.type == "bracketed_type":  # <Hook as Trait>::f
            qualified = next((c for c in owner.named_children if c.type == "qualified_type"),
                             None)
            owner = qualified.child_by_field_name("type") if qualified is not None else None
        if owner is None:
            return None
        try:
            return self.values.type_value(module, owner)
        except Unresolved:
            return None

    # -- the hook -------------------------------------------------------------------------
    def consensus_hook(self) -> tuple[Located, Resolved | None]:
        impl = self.pallet_config(PARACHAIN_SYSTEM)
        hook = self.assoc_value(impl, "ConsensusHook")
        if hook is None:
            return NONE, None
        head = hook.value.name if isinstance(hook.value, Named) else str(hook.value)
        node = self.associated(impl, "ConsensusHook")
        return at(head, impl.file, node), hook

    def hook_args(self, hook: Resolved | None) -> list[Located]:
        """Relay slot, velocity and capacity, in the order of LABELS.md ("Which hook's
        arguments count"): the FixedVelocityConsensusHook wired in (directly, through aliases,
        a generic wrapper's argument or a local wrapper that delegates), else one the runtime
        defines without wiring it, else the conventional constants the crate sees."""
        fixed = self.fixed_velocity(hook) or self._unwired_fixed_velocity()
        out = [NONE, NONE, NONE]
        if fixed is not None:
            args = fixed.args
            chosen = args[-3:] if len(args) >= 4 else args[1:3]
            located = []
            for node in chosen:
                try:
                    resolved = self.values.arg(fixed.module, node)
                    site = self.loader.program.binding_site(
                        fixed.module, fixed.module.file.text(node).split("::")[0].strip()
                    ) if resolved.origin is None else None
                    # a constant from outside the repository: point at its import
                    located.append(at(resolved.value, fixed.module.file, site) if site
                                   else from_resolved(resolved))
                except Unresolved:
                    located.append(at(None, fixed.module.file, node))
            # moonkit's hook takes no relay slot: [velocity, capacity]
            out = located if len(args) >= 4 else [NONE, *located]
        for i, name in enumerate(HOOK_CONSTANTS):
            if out[i] is NONE:
                found = _safe_resolve(lambda n=name: self.find_const((n,)))
                if found is not None:
                    out[i] = from_resolved(found)
        return out

    def fixed_velocity(self, hook: Resolved | None, depth: int = 0) -> Named | None:
        if hook is None or not isinstance(hook.value, Named) or depth > 4:
            return None
        named = hook.value
        if named.name == "FixedVelocityConsensusHook" and named.module is not None and len(
                named.args) >= 3:
            return named
        if named.module is not None:  # a generic wrapper: Wrapper<Runtime, InnerHook>
            for arg in named.args:
                inner = _safe_resolve(lambda a=arg: self.values.type_value(named.module, a))
                found = self.fixed_velocity(inner, depth + 1)
                if found is not None:
                    return found
        return self._delegate(named, depth)

    def _delegate(self, named: Named, depth: int) -> Named | None:
        """A local `struct Hook;` whose `impl ConsensusHook for Hook` forwards to a
        FixedVelocityConsensusHook alias."""
        for impl in self.index.impls if self.index else []:
            if impl.trait_segments()[-1:] != ["ConsensusHook"] or impl.self_type is None:
                continue
            if path_segments(impl.self_type, impl.file.data)[-1:] != [named.name]:
                continue
            for full in _paths(tokens(impl.body, impl.file.data) if impl.body else []):
                path = full[:-1] if len(full) > 1 else full  # `Alias::on_state_proof`
                target = self.loader.program.resolve(impl.module, path)
                if isinstance(target, Item) and target.kind == "type" and target.value:
                    inner = _safe_resolve(lambda t=target: self.values.type_value(
                        t.module, t.value, Origin(t.file, t.node)))
                    found = self.fixed_velocity(inner, depth + 1)
                    if found is not None:
                        return found
        return None

    def _unwired_fixed_velocity(self) -> Named | None:
        for module in self.modules:
            for items in module.items.values():
                for item in items:
                    if item.kind != "type" or item.value is None or (
                            b"FixedVelocityConsensusHook" not in item.file.data[
                                item.node.start_byte:item.node.end_byte]):
                        continue
                    resolved = _safe_resolve(lambda i=item: self.values.type_value(
                        i.module, i.value, Origin(i.file, i.node)))
                    found = self.fixed_velocity(resolved)
                    if found is not None:
                        return found
        return None


HOOK_CONSTANTS = ("RELAY_CHAIN_SLOT_DURATION_MILLIS", "BLOCK_PROCESSING_VELOCITY",
                  "UNINCLUDED_SEGMENT_CAPACITY")


def _safe_resolve(fn):
    try:
        return fn()
    except Unresolved:
        return None


class NodeModel:
    """The collator a node crate starts, and the parameters it passes."""

    KINDS = ("lookahead", "slot_based", "basic")

    def __init__(self, loader: Loader, crate: Crate, runtime: Crate) -> None:
        self.loader = loader
        self.crate = crate
        self.runtime = runtime
        self.index = loader.index(crate, _features_for(crate, runtime))
        self.values = Values(loader.program, loader.diags.add)
        self._startup: StartupValues | None = None

    @property
    def startup(self) -> StartupValues:
        """Start-up values across the node's own crates: the binary, the command-line crate
        and the service library it depends on, and crates that depend on it."""
        if self._startup is None:
            # one list per node crate index: the runtimes sharing a node share its modules
            key = id(self.index)
            if key not in self.loader.node_files:
                self.loader.node_files[key] = [
                    entry for crate, index in [(self.crate, self.index), *(
                        (c, self.loader.index(c)) for c in self._node_side_crates())]
                    if index is not None for entry in self._files(crate, index)]
            self._startup = StartupValues(self.values, self.loader.node_files[key],
                                          self.runtime.lib_name)
        return self._startup

    def mention(self, rust_name: str, package: str) -> Located | None:
        """Where the node uses the crate `package` (`rust_name` in code): the first use in
        Rust outside comments, among the files of the node's crates its start-up values are
        read from (listed once per node, and read already), else the node's dependency line."""
        needle = rust_name.encode()
        for entry in self.startup.files:
            data = entry.file.data
            start = data.find(needle)
            while start >= 0:
                node = entry.file.root.descendant_for_byte_range(start, start + len(needle))
                if node is not None and "comment" not in node.type and "string" not in node.type:
                    return at(rust_name, entry.file, node)
                start = data.find(needle, start + 1)
        m = self.crate.manifest
        for dep in m.dependencies.values():
            if dep.package == package:
                return Located(rust_name, self.loader.diags.relative(m.path),
                               m.dependency_line(dep.key), 1)
        return None

    def _files(self, crate: Crate, index: CrateIndex) -> list[NodeFile]:
        out = []
        for path in self.loader.sources(crate):
            source = self.loader.program.source(path)
            if source is not None:
                out.append(NodeFile(source, lambda p=path, i=index: i.module_of(p)))
        return out

    def _node_side_crates(self) -> list[Crate]:
        out, seen, frontier = [], {self.crate.dir}, [self.crate]
        while frontier:
            crate = frontier.pop(0)
            for dep in crate.manifest.dependencies.values():
                target = self.loader.workspace_crate(dep)
                if target is not None and target.dir not in seen and (
                        target.is_node or target.depends_on_any(NODE_DEPS)):
                    seen.add(target.dir)
                    frontier.append(target)
                    out.append(target)
        out.extend(c for c in self.loader.dependents(self.crate) if c.dir not in seen)
        return out

    def collator_calls(self) -> list[tuple[str, Node, Module]]:
        calls = self._calls_in(self.index)
        if calls:
            return calls
        # the node may start its collator from a service library it depends on
        for crate in self._node_libraries():
            calls = self._calls_in(self.loader.index(crate))
            if calls:
                return calls
        return []

    def _node_libraries(self) -> Iterator[Crate]:
        # A generator: the caller stops at the first library that starts a collator, usually a
        # step or two away, and a node's whole dependency closure is hundreds of crates in a
        # monorepo (a third of fact collection on polkadot-sdk when walked in full).
        seen, frontier = {self.crate.dir}, deque([self.crate])
        while frontier:
            crate = frontier.popleft()
            for dep in crate.manifest.dependencies.values():
                target = self.loader.workspace_crate(dep)
                if target is not None and target.dir not in seen:
                    seen.add(target.dir)
                    frontier.append(target)
                    if target.is_node:
                        yield target

    def _calls_in(self, index: CrateIndex | None) -> list[tuple[str, Node, Module]]:
        """The collator start-ups in a crate. Files that name a collator module or builder
        are read first; a crate whose start-up hides behind a local re-export is read whole."""
        if index is None:
            return []
        return (self._calls_among(index.modules(COLLATOR_FILE_MARKERS))
                or self._calls_among(index.modules()))

    def _calls_among(self, modules: list[Module]) -> list[tuple[str, Node, Module]]:
        calls = []
        seen_files: set[int] = set()
        for module in modules:
            if module.file is None or id(module.file) in seen_files:
                continue
            seen_files.add(id(module.file))
            for node in _calls(module.file):
                func = node.child_by_field_name("function")
                segs = _with_local_uses(module.file, node, path_segments(func, module.file.data))
                if len(segs) == 1 and segs[0] in module.uses:  # `use ..::{run as run_aura}`
                    segs = module.uses[segs[0]]
                if len(segs) < 2 or segs[-1] not in COLLATOR_STARTS:
                    continue
                target = self.loader.program.resolve(module, segs)
                kind = classify(full_path(target, segs))
                if kind:
                    calls.append((kind, node, module))
        return calls

    def chosen_call(self) -> tuple[str, Node, Module] | None:
        """The collator this node starts for its runtime (LABELS "Values chosen at start-up").

        With several start-ups: those in a function naming this runtime's crate (one start
        function per runtime, picked by a `match` on the chain-spec id) over those naming
        another runtime; then the branch the node takes without flags, reading `if` and
        `match` conditions back to literals and clap defaults (`--authoring`); a boolean its
        callers pass is followed up the call chain, the caller naming this runtime winning.
        """
        calls = self.collator_calls()
        if len(calls) < 2:
            return calls[0] if calls else None
        calls = self._for_this_runtime(calls)
        if len(calls) < 2:
            return calls[0]
        live = []
        for call in calls:
            taken = self.startup.branch_taken(call[2], call[1])
            if taken is None:
                taken = self.startup.type_selected(call[2], call[1])
            if taken is True:
                return call
            if taken is None:
                live.append(call)
        return (live or calls)[0]

    def _for_this_runtime(self, calls: list[tuple[str, Node, Module]]
                          ) -> list[tuple[str, Node, Module]]:
        ours = re.compile(rb"\b" + re.escape(self.runtime.lib_name.encode()) + rb"\b")
        others = [re.compile(rb"\b" + re.escape(t.runtime.lib_name.encode()) + rb"\b")
                  for t in self.loader.workspace.targets if t.runtime is not self.runtime]
        mine, neutral = [], []
        for call in calls:
            fn = enclosing_fn(call[1])
            text = call[2].file.data[fn.start_byte:fn.end_byte] if fn is not None else b""
            if ours.search(text):
                mine.append(call)
            elif not any(o.search(text) for o in others):
                neutral.append(call)
        return mine or neutral or calls


def _features_for(node: Crate, runtime: Crate) -> frozenset[str]:
    """The node's default features, plus those that switch on its (optional) dependency on
    `runtime`: a node built for one runtime is built with that runtime's feature."""
    manifest = node.manifest
    keys = {d.key for d in manifest.dependencies.values()
            if d.path == runtime.dir or d.package == runtime.name}
    wanted = set()
    for feature, entries in manifest.features.items():
        for entry in entries:
            head = entry.removeprefix("dep:").split("/")[0].rstrip("?")
            if head in keys:
                wanted.add(feature)
    enabled = manifest.enabled_entries(wanted)
    return frozenset(f for f in enabled if "/" not in f and not f.startswith("dep:")
                     and f != "default")


def _paths(toks: list, types: bool = False) -> list[list[str]]:
    """The paths (`A`, `a::B`) an expression's tokens mention; with `types`, those of a type
    too (whose last segment is a type_identifier)."""
    kinds = ("identifier", "type_identifier") if types else ("identifier",)
    out: list[list[str]] = []
    i = 0
    while i < len(toks):
        if toks[i].kind in kinds:
            path = [toks[i].text]
            while (i + 2 < len(toks) and toks[i + 1].text == "::"
                   and toks[i + 2].kind in kinds):
                path.append(toks[i + 2].text)
                i += 2
            out.append(path)
        i += 1
    return out


def _with_local_uses(file: SourceFile, node: Node, segs: list[str]) -> list[str]:
    """Apply `use` declarations of the blocks around `node` (a `use` inside a fn body)."""
    if not segs:
        return segs
    scope = node.parent
    while scope is not None:
        if scope.type == "block":
            uses: dict[str, list[str]] = {}
            for child in scope.named_children:
                if child.type == "use_declaration" and child.start_byte < node.start_byte:
                    arg = child.child_by_field_name("argument")
                    if arg is not None:
                        use_tree(arg, [], uses, [], file.data)
            if segs[0] in uses:
                return uses[segs[0]] + segs[1:]
        scope = scope.parent
    return segs


_CALL_QUERY = Query(RUST, "(call_expression function: [(scoped_identifier) (generic_function) "
                          "(identifier)]) @c")


def _calls(file: SourceFile) -> list[Node]:
    if b"run" not in file.data and b"build" not in file.data:
        return []
    return sorted(file.captures(_CALL_QUERY, "c"), key=lambda n: n.start_byte)


def full_path(target: object, segs: list[str]) -> tuple[str, ...]:
    """Where a resolved path really points: `crate::module::item` for workspace items."""
    if isinstance(target, External):
        return target.segments
    if isinstance(target, Item | Module):
        module = target.module if isinstance(target, Item) else target
        names = [target.name] if isinstance(target, Item) else []
        while module is not None:
            names.append(module.crate.name.replace("-", "_") if module.parent is None
                         else module.name)
            module = module.parent
        return tuple(reversed(names))
    return tuple(segs)


def classify(segs: tuple[str, ...]) -> str | None:
    joined = "::".join(segs)
    if "nimbus" in joined.lower() and ("collators" in segs or segs[-1] in ("run", "build")):
        return "nimbus"
    if "collators" in segs:
        i = segs.index("collators")
        if i + 1 < len(segs) and segs[i + 1] in NodeModel.KINDS:
            return segs[i + 1]
    if segs[-1] == "build_aura_consensus" or (segs[-1] == "build" and "AuraConsensus" in segs):
        return "legacy"
    if segs[-1] == "build_relay_chain_consensus" or "cumulus_client_consensus_relay_chain" in segs:
        return "relay_chain"
    return None


def last_expression(file: SourceFile, block: Node | None) -> Node | None:
    if block is None:
        return None
    named = [c for c in block.named_children if c.type not in ("line_comment", "block_comment")]
    if not named:
        return None
    last = named[-1]
    if last.type == "expression_statement" and last.named_child_count == 1 and (
            last.named_children[0].type == "block") and not file.text(last).endswith(";"):
        last = last.named_children[0]  # `fn f() { { value } }`: the inner block's value
    if last.type == "expression_statement":
        return None
    if last.type == "block":
        return last_expression(file, last)
    return last


def source_text(file: SourceFile, node: Node) -> str:
    return _SPACES.sub("", file.text(node)).replace(",)", ")")


def struct_fields(file: SourceFile, node: Node,
                  features: frozenset[str] = frozenset()) -> dict[str, Node]:
    """`field: value` and shorthand fields of a struct expression, `#[cfg]`-aware."""
    body = node.child_by_field_name("body")
    fields: dict[str, Node] = {}
    if body is None:
        return fields
    for child in body.named_children:
        attrs = [c for c in child.children if c.type == "attribute_item"]
        if attrs and not attr_active(attrs, file.data, features):
            continue
        if child.type == "field_initializer":
            name = child.child_by_field_name("field")
            value = child.child_by_field_name("value")
            if name is not None and value is not None:
                fields[file.text(name)] = value
        elif child.type == "shorthand_field_initializer":
            ident = child.named_children[0] if child.named_child_count else None
            if ident is not None:
                fields[file.text(ident)] = ident
    return fields


def millis(value: object) -> int | None:
    if isinstance(value, Duration):
        return value.millis
    return None


def ref_time_ms(value: object) -> int | float | None:
    if isinstance(value, Weight):
        ms = value.ref_time / 1_000_000_000
        return int(ms) if ms == int(ms) else ms
    return None

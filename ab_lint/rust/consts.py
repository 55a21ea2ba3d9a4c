"""Values of constants and of `Get<T>`-style types, resolved across modules and crates.

Every result carries its origin: the item whose text holds the value, so a finding can point at
the line to edit (the `const` definition, the `parameter_types!` entry or the `type X = ...`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node

from ab_lint.known import external_value
from ab_lint.rust.evaluate import Overflow, Unresolved, Value, evaluate
from ab_lint.rust.macros import ExpandedFile
from ab_lint.rust.names import External, Impl, Item, Module, Program, path_segments
from ab_lint.rust.parse import SourceFile
from ab_lint.rust.tokens import tokens

CONST_TYPES = {f"Const{s}{b}" for s in "UI" for b in (8, 16, 32, 64, 128)} | {"ConstBool"}


@dataclass(frozen=True)
class Named:
    """A type that is not a value: its head name, resolved path and generic arguments."""

    name: str
    path: tuple[str, ...]
    args: tuple[Node, ...] = ()
    module: Module | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Origin:
    file: SourceFile
    node: Node


@dataclass(frozen=True)
class Resolved:
    value: Value | Named
    origin: Origin | None
    external: tuple[str, ...] | None = None  # the outside path it came from, if any


class Values:
    def __init__(self, program: Program,
                 note: Callable[[Path, str, int | None], None] | None = None) -> None:
        self.program = program
        self.note = note  # where a constant rustc would reject (an overflow) is reported
        self._consts: dict[int, Value | Unresolved] = {}
        self._active: set[int] = set()
        self._aliases: set[tuple[int, int, int]] = set()  # type nodes being followed

    # -- constants ------------------------------------------------------------------------
    def const(self, item: Item) -> Value:
        key = id(item)
        cached = self._consts.get(key)
        if isinstance(cached, Unresolved):
            raise cached
        if cached is not None:
            return cached
        if key in self._active:
            raise Unresolved(f"cycle through {item.name}")
        self._active.add(key)
        try:
            value = evaluate(item.tokens(), lambda segs: self.path_value(item.module, segs).value,
                             item.module.crate.features)
        except Unresolved as e:
            self._consts[key] = e
            if isinstance(e, Overflow) and not isinstance(e.__cause__, Overflow):
                self._overflow(item.file, item.node, f"constant {item.name}: {e}")
                e.__cause__ = e  # reported once, not again by each constant built on it
            raise
        finally:
            self._active.discard(key)
        self._consts[key] = value
        return value

    def path_value(self, module: Module, segs: list[str]) -> Resolved:
        target = self.program.resolve(module, segs)
        return self.target_value(target, segs)

    def target_value(self, target: object, segs: list[str]) -> Resolved:
        if isinstance(target, Item):
            if target.kind == "const":
                return Resolved(self.const(target), Origin(target.file, target.node))
            if target.kind == "type" and target.value is not None:
                return self.type_value(target.module, target.value, Origin(target.file,
                                                                           target.node))
            if target.kind == "struct":
                return self.getter(target)
            raise Unresolved(f"{target.name} is a {target.kind}")
        if isinstance(target, External):
            value = external_value(target.segments, self.program.release)
            if value is not None:
                return Resolved(value, None, target.segments)
        raise Unresolved("::".join(segs))

    def expr(self, module: Module, node: Node) -> Value:
        """Value of an expression node (or a const generic argument)."""
        if node.type in ("type_identifier", "scoped_type_identifier", "identifier",
                         "scoped_identifier"):
            return self.path_value(module, path_segments(node, module.file.data)).value
        try:
            return evaluate(tokens(node, module.file.data),
                            lambda segs: self.path_value(module, segs).value,
                            module.crate.features)
        except Overflow as e:
            if not isinstance(e.__cause__, Overflow):
                self._overflow(module.file, node, str(e))
                e.__cause__ = e
            raise

    def _overflow(self, file: SourceFile, node: Node, message: str) -> None:
        if self.note is None:
            return
        if isinstance(file, ExpandedFile):
            real, start, _ = file.real(node)
            self.note(real.path, message, real.data.count(b"\n", 0, start) + 1)
        else:
            self.note(file.path, message, node.start_point[0] + 1)

    def arg(self, module: Module, node: Node) -> Resolved:
        """A const generic argument with the origin of the constant it names, if any."""
        if node.type in ("type_identifier", "scoped_type_identifier", "identifier",
                         "scoped_identifier"):
            return self.path_value(module, path_segments(node, module.file.data))
        if node.type == "block" and node.named_child_count == 1:
            inner = node.named_children[0]
            if inner.type in ("identifier", "scoped_identifier"):
                return self.arg(module, inner)
        return Resolved(self.expr(module, node), Origin(module.file, node))

    def getter(self, item: Item) -> Resolved:
        """A struct written to implement `Get` by hand (`pub struct MinimumPeriod;` with
        `fn get() -> u64 { MinimumPeriodValue::get() }`): what its `get` returns. The inherent
        `fn get` comes first, as `Self::get()` inside the trait's finds it."""
        key = id(item)
        if key in self._active:
            raise Unresolved(f"cycle through {item.name}")
        self._active.add(key)
        try:
            for impl in sorted(self._impls_of(item), key=lambda i: i.trait is not None):
                fn = impl.functions(item.module.crate.features).get("get")
                body = fn.child_by_field_name("body") if fn is not None else None
                value = _tail(body)
                if value is None:
                    continue
                module = impl.module

                def resolve(segs: list[str], module: Module = module) -> Value:
                    segs = [item.name if s == "Self" else s for s in segs]
                    return self.path_value(module, segs).value

                result = evaluate(tokens(value, impl.file.data), resolve,
                                  module.crate.features)
                named = _named_value(value, impl.file.data)
                origin = Origin(impl.file, value)
                if named is not None:  # `OtherType::get()`: the line to edit is that one's
                    with contextlib.suppress(Unresolved):
                        origin = self.path_value(module, [
                            item.name if s == "Self" else s for s in named]).origin or origin
                return Resolved(result, origin)
        finally:
            self._active.discard(key)
        raise Unresolved(f"{item.name} is a struct without a `get`")

    def _impls_of(self, item: Item) -> list[Impl]:
        # impls beside the struct: those are the ones a hand-written getter comes with
        return [i for i in item.module.crate.impls
                if i.module is item.module and i.self_type is not None and not i.in_runtime_apis
                and path_segments(i.self_type, i.file.data)[-1:] == [item.name]
                and (i.trait is None or i.trait_segments()[-1:] in (["Get"], ["TypedGet"]))]

    # -- types ----------------------------------------------------------------------------
    def type_value(self, module: Module, node: Node, origin: Origin | None = None) -> Resolved:
        """What a type means as a `Get<T>` or as a named type, following aliases (a cycle of
        aliases, `type X = Y; type Y = X;`, is unresolved)."""
        key = (id(module.file), node.start_byte, node.end_byte)
        if key in self._aliases:
            raise Unresolved("cycle of type aliases")
        self._aliases.add(key)
        try:
            return self._type_value(module, node, origin)
        except RecursionError as e:  # thousands of aliases deep
            raise Unresolved("type aliases nested too deeply") from e
        finally:
            self._aliases.discard(key)

    def _type_value(self, module: Module, node: Node, origin: Origin | None) -> Resolved:
        data = module.file.data
        origin = origin or Origin(module.file, node)
        if node.type == "unit_type":
            return Resolved(0, origin)  # `()` implements Get<u64> as 0
        if node.type == "generic_type":
            head = node.child_by_field_name("type")
            args_node = node.child_by_field_name("type_arguments")
            args = tuple(c for c in args_node.named_children
                         if c.type not in ("line_comment", "block_comment")) if args_node else ()
            segs = path_segments(head, data)
            name = segs[-1] if segs else ""
            if name in CONST_TYPES and args:
                value = self.expr(module, args[0])
                if _written_elsewhere(module.file, node, args[0]):
                    origin = Origin(module.file, args[0])  # a macro argument: edit it there
                return Resolved(bool(value) if name == "ConstBool" else value, origin)
            target = self.program.resolve(module, segs)
            if isinstance(target, Item) and target.kind == "type" and target.value is not None:
                return self.type_value(target.module, target.value, origin)
            return Resolved(Named(name, _path(target, segs), args, module), origin)
        if node.type in ("type_identifier", "scoped_type_identifier", "identifier",
                         "scoped_identifier"):
            segs = path_segments(node, data)
            target = self.program.resolve(module, segs)
            if isinstance(target, Item):
                if target.kind == "type" and target.value is not None:
                    return self.type_value(target.module, target.value,
                                           Origin(target.file, target.node))
                if target.kind == "const":
                    return Resolved(self.const(target), Origin(target.file, target.node))
                if target.kind == "struct":
                    try:
                        return self.getter(target)
                    except Unresolved:
                        pass  # a type, not a value: named below
            if isinstance(target, External):
                value = external_value(target.segments, self.program.release)
                if value is not None:
                    return Resolved(value, origin)
            return Resolved(Named(segs[-1] if segs else "", _path(target, segs)), origin)
        text = module.file.text(node)
        return Resolved(Named(text, (text,)), origin)


def _named_value(node: Node, data: bytes) -> list[str] | None:
    """The path whose value `node` passes on: `P`, `P::get()`, through `T::from(..)`."""
    if node.type in ("identifier", "scoped_identifier"):
        return path_segments(node, data)
    if node.type != "call_expression":
        return None
    func, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    segs = path_segments(func, data) if func is not None else []
    passed = [a for a in args.named_children if a.type not in ("line_comment", "block_comment")
              ] if args is not None else []
    if segs[-1:] == ["get"] and len(segs) > 1 and not passed:
        return segs[:-1]
    if segs[-1:] == ["from"] and len(passed) == 1:
        return _named_value(passed[0], data)
    return None


def _tail(body: Node | None) -> Node | None:
    """The expression a function body ends with, if it ends with one."""
    named = [c for c in body.named_children if c.type not in ("line_comment", "block_comment")
             ] if body is not None else []
    if not named or named[-1].type in ("expression_statement", "let_declaration"):
        return None
    return named[-1]


def _written_elsewhere(file: SourceFile, outer: Node, inner: Node) -> bool:
    """In a macro expansion: whether `inner` was written in another file than `outer` (the
    argument of an invocation, substituted into the macro's transcriber)."""
    if not isinstance(file, ExpandedFile):
        return False
    return file.origin(outer.start_byte)[0] is not file.origin(inner.start_byte)[0]


def _path(target: object, segs: list[str]) -> tuple[str, ...]:
    if isinstance(target, External):
        return target.segments
    return tuple(segs)

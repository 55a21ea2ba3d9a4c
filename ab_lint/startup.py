"""Values a node runs with when started without flags (LABELS.md, "Values chosen at start-up").

A collator's `authoring_duration` is rarely a literal: it is a parameter of the function that
builds the params, a `let` a few lines up, a field of the parsed command line whose clap
attribute holds the default, or `Duration::from_millis` of one of those. The value is followed
back through those steps, across the node's crates, with a bounded depth; anything else stays
unresolved rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tree_sitter import Node, Query, QueryCursor

from ab_lint.rust import cfg
from ab_lint.rust.consts import Values
from ab_lint.rust.evaluate import Duration, Unresolved, Value
from ab_lint.rust.names import Module, path_segments
from ab_lint.rust.parse import RUST, SourceFile
from ab_lint.rust.tokens import tokens

MAX_DEPTH = 8
_DEFAULT = re.compile(r"default_value(_t)?\s*=\s*(\"[^\"]*\"|[^,)\]]+)")
_UNITS = {"from_millis": 1, "from_secs": 1000}
_PASS_THROUGH = {"into", "clone", "to_owned", "unwrap", "expect", "unwrap_or_default"}
_FIELDS = Query(RUST, "(field_declaration) @field")
_CALLS = Query(RUST, "(call_expression) @call")
_LETS = Query(RUST, "(let_declaration) @let")
_FNS = Query(RUST, "(function_item) @fn")
_INITS = Query(RUST, "(field_initializer) @init")
_TYPES = Query(RUST, "(type_identifier) @t")


def _calls_in(file: SourceFile) -> list[tuple[Node, str]]:
    """Each call expression in `file` with the name it calls (a method's or a path's last),
    found once per file: every runtime paired with the same node asks of the same files."""
    key = ("calls",)
    if key not in file.memo:
        calls: list[tuple[Node, str]] = []
        for call in file.captures(_CALLS, "call"):
            func = call.child_by_field_name("function")
            if func is None:
                continue
            if func.type == "field_expression":
                method = func.child_by_field_name("field")
                callee = file.text(method) if method is not None else ""
            else:
                segs = path_segments(func, file.data)
                callee = segs[-1] if segs else ""
            if callee:
                calls.append((call, callee))
        file.memo[key] = calls
    return file.memo[key]  # type: ignore[return-value]


@dataclass(frozen=True)
class Choice:
    """A non-numeric start-up value: a clap enum default (`lookahead`, `Lookahead`)."""

    name: str

    def matches(self, pattern: str) -> bool:
        """Whether a `match` arm's pattern (`AuthoringPolicy::SlotBased`, `"slot-based"`)
        names this choice, the way clap's ValueEnum spells variants."""
        def norm(text: str) -> str:
            return re.sub(r"[-_\s\"]", "", text.split("::")[-1]).lower()
        return norm(pattern) == norm(self.name)


class NodeFile:
    """A file of the node's crates: its bytes now, its module (which parses it and the modules
    on the way to it) when a question needs it."""

    def __init__(self, file: SourceFile, find: Callable[[], Module | None]) -> None:
        self.file = file
        self._find: Callable[[], Module | None] | None = find
        self._module: Module | None = None

    @property
    def module(self) -> Module | None:
        if self._find is not None:
            self._module, self._find = self._find(), None
        return self._module


class StartupValues:
    """Follows a node expression back to the value it has when no flag is given."""

    def __init__(self, values: Values, files: list[NodeFile], prefer: str = "") -> None:
        self.values = values
        # where callers disagree, a caller whose call names this (the runtime's crate) wins
        self.prefer = prefer
        self.files = files
        self._calls: dict[str, list[tuple[SourceFile, Module, Node, str]]] = {}
        self._held: dict[tuple[str, ...], list[tuple[SourceFile, Module]]] = {}
        # where the last value read came from when that is not the expression itself: the
        # flag's default is the line to edit
        self.origin: tuple[SourceFile, Node] | None = None

    def _holding(self, *needles: str) -> list[tuple[SourceFile, Module]]:
        """The files whose text holds every needle, with their modules. Only these are
        parsed: a node's crates are hundreds of files, and each question names something."""
        if needles not in self._held:
            wanted = [n.encode() for n in needles]
            self._held[needles] = [(entry.file, module) for entry in self.files
                                   if all(n in entry.file.data for n in wanted)
                                   and (module := entry.module) is not None]
        return self._held[needles]

    def value(self, module: Module, node: Node, depth: int = 0) -> Value:
        if depth > MAX_DEPTH:
            raise Unresolved("too many steps")
        file = module.file
        t = node.type
        if t == "parenthesized_expression" and node.named_child_count == 1:
            return self.value(module, node.named_children[0], depth + 1)
        if t == "identifier":
            return self._identifier(module, node, depth)
        if t == "field_expression":
            name = node.child_by_field_name("field")
            if name is not None:
                return self._cli_default(file.text(name), depth)
        if t == "call_expression":
            called = self._call(module, node, depth)
            if called is not None:
                return called
        if t == "macro_invocation":
            return self._macro(module, node, depth)
        if t == "if_expression":
            return self._if_value(module, node, depth)
        if t == "block":
            last = _last_value(node)
            if last is not None:
                return self.value(module, last, depth + 1)
        if t == "binary_expression":
            compared = self._compare(module, node, depth)
            if compared is not None:
                return compared
        try:
            return self.values.expr(module, node)
        except Unresolved:
            raise
        except RecursionError as e:
            raise Unresolved("expression too deep") from e

    def struct_passed(self, module: Module, call: Node, depth: int = 0
                      ) -> tuple[Module, Node] | None:
        """The struct literal a collator call receives as its first argument: inline, bound by
        a `let` before it, or built by a caller and passed in as a parameter."""
        args = call.child_by_field_name("arguments")
        first = next((a for a in args.named_children if a.type not in (
            "line_comment", "block_comment")), None) if args is not None else None
        return self._struct(module, first, depth) if first is not None else None

    def _struct(self, module: Module, node: Node, depth: int) -> tuple[Module, Node] | None:
        if depth > MAX_DEPTH:
            return None
        if node.type == "struct_expression":
            return module, node
        if node.type == "call_expression":  # built by a helper: the struct it returns
            segs = path_segments(node.child_by_field_name("function"), module.file.data)
            built = self._function(segs[-1]) if len(segs) == 1 else None
            body = built[1].child_by_field_name("body") if built else None
            last = body.named_children[-1] if body is not None and body.named_children else None
            return self._struct(built[0], last, depth + 1) if built and last else None
        if node.type != "identifier":
            return None
        file = module.file
        fn = enclosing_fn(node)
        if fn is None:
            return None
        bound = _let_before(fn, file.text(node), node, file)
        if bound is not None:
            return self._struct(module, bound, depth + 1)
        index = _parameter_index(fn, file.text(node), file)
        name_node = fn.child_by_field_name("name")
        if index is None or name_node is None:
            return None
        found = None
        wanted = file.text(name_node)
        for _file, site_module, site, _callee in self._call_sites(wanted):
            args = site.child_by_field_name("arguments")
            passed = [a for a in args.named_children if a.type not in (
                "line_comment", "block_comment")] if args is not None else []
            if index < len(passed):
                found = found or self._struct(site_module, passed[index], depth + 1)
        return found

    def branch_taken(self, module: Module, node: Node) -> bool | None:
        """Whether the node started without flags reaches `node`, judged by the `if` and
        `match` around it in its function: False when a condition that can be read picks
        another branch, True when every one read picks this one, None when none can be."""
        verdict: bool | None = None
        scope = node.parent
        while scope is not None and scope.type != "function_item":
            taken = None
            if scope.type == "if_expression":
                taken = self._if_taken(module, scope, node)
            elif scope.type == "match_expression":
                taken = self._arm_taken(module, scope, node)
            if taken is False:
                return False
            if taken is True:
                verdict = True
            scope = scope.parent
        return verdict

    def type_selected(self, module: Module, node: Node) -> bool | None:
        """For a call inside `impl .. for StartX`: whether the node picks the type `StartX`
        where it is named elsewhere (`if policy == SlotBased { Node<StartSlotBased> } else
        { Node<StartLookahead> }`)."""
        scope = node.parent
        while scope is not None and scope.type != "impl_item":
            scope = scope.parent
        ty = scope.child_by_field_name("type") if scope is not None else None
        while ty is not None and ty.type == "generic_type":
            ty = ty.child_by_field_name("type")
        if ty is None:
            return None
        name = module.file.text(ty).split("::")[-1]
        verdicts = set()
        for file, other in self._holding(name):
            for use in file.captures(_TYPES, "t"):
                if file.text(use) != name or (file is module.file and _within(use, scope)):
                    continue
                if enclosing_fn(use) is None:
                    continue
                verdicts.add(self.branch_taken(other, use))
        if True in verdicts:
            return True
        return False if verdicts == {False} else None

    def _if_taken(self, module: Module, scope: Node, child: Node) -> bool | None:
        cond = scope.child_by_field_name("condition")
        branch = scope.child_by_field_name("consequence")
        if cond is None or branch is None or _within(child, cond):
            return None
        try:
            value = self.value(module, cond)
        except Unresolved:
            return None
        if not isinstance(value, bool):
            return None
        return value if _within(child, branch) else not value

    def _arm_taken(self, module: Module, scope: Node, child: Node) -> bool | None:
        subject = scope.child_by_field_name("value")
        body = scope.child_by_field_name("body")
        if subject is None or body is None or _within(child, subject):
            return None
        try:
            value = self.value(module, subject)
        except Unresolved:
            return None
        chosen = None
        for arm in (a for a in body.named_children if a.type == "match_arm"):
            pattern = arm.child_by_field_name("pattern")
            if pattern is None or pattern.child_by_field_name("condition") is not None:
                return None  # a guard we cannot judge
            text = module.file.text(pattern).strip()
            if text == "_" or (isinstance(value, Choice) and value.matches(text)) or (
                    not isinstance(value, Choice) and text == str(value).lower()):
                chosen = arm
                break
        if chosen is None:
            return None
        return _within(child, chosen)

    # -- steps -------------------------------------------------------------------------------
    def _call(self, module: Module, node: Node, depth: int) -> Value | None:
        func = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        if func is None or args is None:
            return None
        arg_nodes = [a for a in args.named_children if a.type not in (
            "line_comment", "block_comment")]
        if func.type == "field_expression":  # receiver.method(..)
            method = func.child_by_field_name("field")
            receiver = func.child_by_field_name("value")
            name = module.file.text(method) if method is not None else ""
            if receiver is None:
                return None
            if name in _PASS_THROUGH:
                return self.value(module, receiver, depth + 1)
            if name in ("unwrap_or", "unwrap_or_else") and arg_nodes:
                try:
                    return self.value(module, receiver, depth + 1)
                except Unresolved:  # an optional flag: what runs without it is the default
                    return self.value(module, arg_nodes[0], depth + 1)
            return None
        segs = path_segments(func, module.file.data)
        if len(arg_nodes) != 1 or not segs:
            return None
        if segs[-1] == "Some":
            return self.value(module, arg_nodes[0], depth + 1)
        if segs[-1] in _UNITS and (len(segs) == 1 or segs[-2] == "Duration"):
            inner = self.value(module, arg_nodes[0], depth + 1)
            if isinstance(inner, Duration):
                return inner
            if isinstance(inner, int) and not isinstance(inner, bool):
                return Duration(inner * _UNITS[segs[-1]])
        return None

    def _macro(self, module: Module, node: Node, depth: int) -> Value:
        """A workspace macro in an expression (`prod_or_testnet_or_local!(500, 2000, 2000)`):
        its expansion's value, with `cfg!` read under the crate's features."""
        macro = node.child_by_field_name("macro")
        body = next((c for c in node.children if c.type == "token_tree"), None)
        segs = path_segments(macro, module.file.data) if macro is not None else []
        if segs == ["cfg"] and body is not None:
            toks = tokens(node, module.file.data)
            pred = cfg.cfg_tokens([t for t in toks if t.text != "!"][:1] + toks[2:])
            if pred is not None:
                return cfg.evaluate(pred, module.crate.features)
        if not segs or body is None:
            return self.values.expr(module, node)
        expanded = module.crate.expansion(module, segs, body, ("fn __value ( ) {", "}"))
        fn = expanded.file.root.named_children[0] if expanded is not None and (
            expanded.file.root.named_child_count) else None
        block = fn.child_by_field_name("body") if fn is not None else None
        last = _last_value(block) if block is not None else None
        if last is None:
            return self.values.expr(module, node)
        return self.value(expanded, last, depth + 1)

    def _if_value(self, module: Module, node: Node, depth: int) -> Value:
        cond = node.child_by_field_name("condition")
        if cond is None:
            raise Unresolved("if without a condition")
        taken = self.value(module, cond, depth + 1)
        if not isinstance(taken, bool):
            raise Unresolved("condition is not a bool")
        branch = node.child_by_field_name("consequence") if taken else (
            node.child_by_field_name("alternative"))
        if branch is not None and branch.type == "else_clause":
            branch = branch.named_children[0] if branch.named_child_count else None
        if branch is None:
            raise Unresolved("no branch")
        return self.value(module, branch, depth + 1)

    def _compare(self, module: Module, node: Node, depth: int) -> bool | None:
        """`policy == Policy::SlotBased`: a start-up choice against a variant."""
        op = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if op is None or left is None or right is None or module.file.text(op) not in (
                "==", "!="):
            return None
        for side, other in ((left, right), (right, left)):
            try:
                value = self.value(module, side, depth + 1)
            except Unresolved:
                continue
            if isinstance(value, Choice):
                equal = value.matches(module.file.text(other))
                return equal if module.file.text(op) == "==" else not equal
        return None

    def _identifier(self, module: Module, node: Node, depth: int) -> Value:
        file = module.file
        name = file.text(node)
        fn = enclosing_fn(node)
        if fn is not None:
            bound = _let_before(fn, name, node, file)
            if bound is not None:
                return self.value(module, bound, depth + 1)
            index = _parameter_index(fn, name, file)
            if index is not None:
                return self._from_callers(fn, index, file, depth)
        return self.values.expr(module, node)

    def _from_callers(self, fn: Node, index: int, file: SourceFile, depth: int) -> Value:
        """The argument every caller passes at `index`, when they agree."""
        name_node = fn.child_by_field_name("name")
        if name_node is None:
            raise Unresolved("anonymous fn")
        fn_name = file.text(name_node)
        found: set[Value] = set()
        named: set[Value] = set()
        for site_file, site_module, call, _callee in self._call_sites(fn_name):
            args = call.child_by_field_name("arguments")
            passed = [a for a in args.named_children if a.type not in (
                "line_comment", "block_comment")] if args is not None else []
            if index < len(passed):
                try:
                    value = self.value(site_module, passed[index], depth + 1)
                except Unresolved:
                    continue
                found.add(value)
                if self.prefer and self.prefer in site_file.text(call):
                    named.add(value)
        for values in (named, found):
            if len(values) == 1:
                return next(iter(values))
        raise Unresolved(f"callers of {fn_name} pass {len(found)} different values")

    def _function(self, name: str) -> tuple[Module, Node] | None:
        for file, module in self._holding(name):
            for fn in file.captures(_FNS, "fn"):
                found = fn.child_by_field_name("name")
                if found is not None and file.text(found) == name:
                    return module, fn
        return None

    def _call_sites(self, callee: str) -> list[tuple[SourceFile, Module, Node, str]]:
        if callee not in self._calls:
            self._calls[callee] = [(file, module, call, name)
                                   for file, module in self._holding(callee)
                                   for call, name in _calls_in(file) if name == callee]
        return self._calls[callee]

    def _cli_default(self, field: str, depth: int) -> Value:
        """The default of a command-line field: clap's `default_value`/`default_value_t`."""
        for file, _module in self._holding(field, "default_value"):
            for decl in file.captures(_FIELDS, "field"):
                name = decl.child_by_field_name("name")
                if name is None or file.text(name) != field:
                    continue
                attrs, attr_node = _attributes(decl, file)
                m = _DEFAULT.search(attrs)
                if m is None:
                    continue
                self.origin = (file, attr_node or decl)
                text = m.group(2).strip()
                number = text.strip('"').replace("_", "")
                if not number.isdigit():
                    if re.fullmatch(r'"[\w-]+"|[\w:]+', text) and text not in ("true", "false"):
                        return Choice(text.strip('"'))  # type: ignore[return-value]
                    if text in ("true", "false"):
                        return text == "true"
                    raise Unresolved(f"default of {field} is {text}")
                value = int(number)
                ty = decl.child_by_field_name("type")
                if ty is not None and file.text(ty).endswith("Duration"):
                    return Duration(value * _parser_unit(file, attrs))
                return value
        return self._field_built(field, depth)

    def _field_built(self, field: str, depth: int) -> Value:
        """A field with no flag of its own: the value the one struct literal setting it gives
        (`NodeExtraArgs { authoring_policy: .., .. }` built from the parsed flags)."""
        found = []
        for file, module in self._holding(field):
            for init in file.captures(_INITS, "init"):
                name = init.child_by_field_name("field")
                value = init.child_by_field_name("value")
                if name is not None and value is not None and file.text(name) == field:
                    found.append((module, value))
        if len(found) != 1:
            raise Unresolved(f"no default for {field}")
        return self.value(found[0][0], found[0][1], depth + 1)


def _last_value(block: Node) -> Node | None:
    """The value of a `{ .. }` block: its last expression (a lone block statement counts)."""
    named = [c for c in block.named_children if c.type not in ("line_comment", "block_comment")]
    if not named:
        return None
    last = named[-1]
    if last.type == "expression_statement" and last.named_child_count == 1 and not (
            last.text or b"").endswith(b";"):
        last = last.named_children[0]
    return None if last.type == "expression_statement" else last


def _within(node: Node, outer: Node) -> bool:
    return outer.start_byte <= node.start_byte < outer.end_byte


def _parser_unit(file: SourceFile, attrs: str) -> int:
    """A `Duration` flag parsed from a number: the parser says the unit (ms or s)."""
    m = re.search(r"value_parser\s*=\s*([A-Za-z_][A-Za-z0-9_]*)", attrs)
    if m is not None:
        body = re.search(rb"fn\s+" + m.group(1).encode() + rb"\b[^{]*\{(.*?)\n\}",
                         file.data, re.S)
        if body is not None:
            for unit, scale in _UNITS.items():
                if unit.encode() in body.group(1):
                    return scale
    raise Unresolved("unit of a Duration flag")


def _attributes(decl: Node, file: SourceFile) -> tuple[str, Node | None]:
    """The attributes on a struct field, and the one that sets a default."""
    nodes = [c for c in decl.children if c.type == "attribute_item"]
    prev = decl.prev_named_sibling
    while prev is not None and prev.type in ("attribute_item", "line_comment", "block_comment"):
        if prev.type == "attribute_item":
            nodes.append(prev)
        prev = prev.prev_named_sibling
    with_default = next((n for n in nodes if b"default_value" in file.data[
        n.start_byte:n.end_byte]), None)
    return " ".join(file.text(n) for n in nodes), with_default


def enclosing_fn(node: Node) -> Node | None:
    scope = node.parent  # closures (`run_node_until_exit(|config| ..)`) see the fn's lets
    while scope is not None and scope.type != "function_item":
        scope = scope.parent
    return scope


def _let_before(fn: Node, name: str, use: Node, file: SourceFile) -> Node | None:
    found = None
    for let in QueryCursor(_LETS).captures(fn).get("let", []):
        pattern = let.child_by_field_name("pattern")
        value = let.child_by_field_name("value")
        if (pattern is not None and value is not None and let.end_byte <= use.start_byte
                and file.text(pattern).removeprefix("mut ").strip() == name
                and (found is None or let.start_byte > found[0])):
            found = (let.start_byte, value)
    return found[1] if found else None


def _parameter_index(fn: Node, name: str, file: SourceFile) -> int | None:
    params = fn.child_by_field_name("parameters")
    if params is None:
        return None
    names = [file.text(p.child_by_field_name("pattern")).removeprefix("mut ").strip()
             for p in params.named_children
             if p.type == "parameter" and p.child_by_field_name("pattern") is not None]
    return names.index(name) if name in names else None

"""Constant expressions, evaluated the way rustc would for the values that matter here.

Integers (with `_` separators and type suffixes), arithmetic, `as` casts, the `saturating_*` and
`checked_*` helpers, `Weight::from_parts` and friends, `Duration::from_*`, and names resolved by
the caller. Anything else raises `Unresolved`: an unknown value is never guessed.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from ab_lint.rust import cfg
from ab_lint.rust.tokens import Token, matching, split_top


class Unresolved(Exception):
    """The expression cannot be evaluated statically."""


class Overflow(Unresolved):
    """The value leaves every Rust integer type: rustc rejects the constant."""


# Values stay within the widest Rust integers (u128, i128). A constant beyond them does not
# compile; computing it anyway costs unbounded time and memory (`2u64.pow(4294967295)`).
WIDEST = 2**128


@dataclass(frozen=True)
class Weight:
    ref_time: int
    proof_size: int = 0

    def scaled(self, op: Callable[[int, int], int], k: int) -> Weight:
        return Weight(op(self.ref_time, k), op(self.proof_size, k))


@dataclass(frozen=True)
class Duration:
    millis: int


Value = int | bool | Weight | Duration

INT_LIMITS = {
    f"{sign}{bits}": (0 if sign == "u" else -(2 ** (bits - 1)),
                      2**bits - 1 if sign == "u" else 2 ** (bits - 1) - 1)
    for sign in "ui" for bits in (8, 16, 32, 64, 128)
}
INT_LIMITS["usize"] = INT_LIMITS["u64"]
INT_LIMITS["isize"] = INT_LIMITS["i64"]

_BINARY = {
    "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 3, ">": 3, "<=": 3, ">=": 3,
    "|": 4, "^": 5, "&": 6, "<<": 7, ">>": 7, "+": 8, "-": 8, "*": 9, "/": 9, "%": 9,
}
_AS_PRECEDENCE = 11
_PATH_START = {"identifier", "type_identifier", "primitive_type", "self", "crate", "super",
               "metavariable"}
_INT_SUFFIX = re.compile(r"[ui](?:8|16|32|64|128|size)$")


def parse_int(text: str) -> int:
    t = text.replace("_", "")
    if len(t) > 140:  # longer than any u128 literal in any base, with its suffix
        raise Overflow(f"literal {t[:20]}... is out of range for every integer type")
    if t[:2].lower() not in ("0x", "0b", "0o"):
        t = _INT_SUFFIX.sub("", t)
        return bounded(int(t)) if t.isdigit() else _bad_int(text)
    try:
        return bounded(int(t, 0))
    except ValueError as e:
        raise Unresolved(text) from e


def bounded(value: Value) -> Value:
    """`value`, if it fits a Rust integer type (or is not an integer)."""
    if isinstance(value, int) and not isinstance(value, bool) and not (
            -WIDEST // 2 <= value < WIDEST):
        raise Overflow("the value overflows every integer type (rustc rejects it)")
    if isinstance(value, Weight):
        bounded(value.ref_time)
        bounded(value.proof_size)
    if isinstance(value, Duration):
        bounded(value.millis)
    return value


def _pow(base: int, exponent: int) -> int:
    if exponent < 0:
        raise Unresolved("negative exponent")
    if abs(base) > 1 and exponent > 128:  # 2**129 already leaves u128
        raise Overflow(f"{base}.pow({exponent}) overflows every integer type")
    return bounded(base**exponent)  # type: ignore[return-value]


def _shift(a: int, b: int, left: bool) -> int:
    if not 0 <= b < 128:
        raise Overflow(f"shift by {b} overflows (rustc rejects it)")
    return a << b if left else a >> b


def _bad_int(text: str) -> int:
    raise Unresolved(text)


def _div(a: int, b: int) -> int:
    if b == 0:
        raise Unresolved("division by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


_INT_OPS: dict[str, Callable[[int, int], Value]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": lambda a, b: _div(a, b),
    "%": lambda a, b: a - b * _div(a, b), "<<": lambda a, b: _shift(a, b, True),
    ">>": lambda a, b: _shift(a, b, False),
    "&": operator.and_, "|": operator.or_, "^": operator.xor, "==": operator.eq,
    "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge,
}


def _arith(op: str, a: Value, b: Value) -> Value:
    return bounded(_arith_unbounded(op, a, b))


def _arith_unbounded(op: str, a: Value, b: Value) -> Value:
    if isinstance(a, Weight) and isinstance(b, Weight):
        if op == "+":
            return Weight(a.ref_time + b.ref_time, a.proof_size + b.proof_size)
        if op == "-":
            return Weight(max(a.ref_time - b.ref_time, 0), max(a.proof_size - b.proof_size, 0))
        raise Unresolved(f"Weight {op} Weight")
    if isinstance(a, Weight) and isinstance(b, int):
        if op == "*":
            return a.scaled(lambda x, k: x * k, b)
        if op == "/":
            return a.scaled(_div, b)
        raise Unresolved(f"Weight {op} int")
    if isinstance(a, Duration) or isinstance(b, Duration):
        if isinstance(a, Duration) and isinstance(b, Duration) and op in "+-":
            return Duration(a.millis + b.millis if op == "+" else a.millis - b.millis)
        if isinstance(a, Duration) and isinstance(b, int) and op in "*/":
            return Duration(a.millis * b if op == "*" else _div(a.millis, b))
        raise Unresolved(f"Duration {op}")
    if not isinstance(a, int) or not isinstance(b, int):
        raise Unresolved(op)
    if isinstance(a, bool) or isinstance(b, bool):
        if op in ("&&", "&"):
            return bool(a and b)
        if op in ("||", "|"):
            return bool(a or b)
        if op == "==":
            return a == b
        if op == "!=":
            return a != b
        raise Unresolved(op)
    fn = _INT_OPS.get(op)
    if fn is not None:
        return fn(a, b)
    raise Unresolved(op)


_METHOD_OPS = {
    "saturating_mul": "*", "checked_mul": "*", "wrapping_mul": "*", "mul": "*",
    "saturating_div": "/", "checked_div": "/", "div": "/",
    "saturating_add": "+", "checked_add": "+", "wrapping_add": "+", "add": "+",
    "saturating_sub": "-", "checked_sub": "-", "wrapping_sub": "-", "sub": "-",
    "saturating_pow": "**", "pow": "**", "checked_pow": "**",
}
_IDENTITY_METHODS = {"unwrap", "expect", "unwrap_or", "unwrap_or_default", "into", "clone",
                     "get", "to_owned", "unwrap_or_else"}


def _method(value: Value, name: str, args: list[Value]) -> Value:
    return bounded(_method_unbounded(value, name, args))


def _method_unbounded(value: Value, name: str, args: list[Value]) -> Value:
    if name in _IDENTITY_METHODS:
        return value
    if name in _METHOD_OPS and len(args) == 1:
        op = _METHOD_OPS[name]
        if op == "**":
            if isinstance(value, int) and isinstance(args[0], int):
                return _pow(value, args[0])
            raise Unresolved(name)
        if op == "-" and isinstance(value, int) and isinstance(args[0], int):
            return max(value - args[0], 0) if name.startswith("saturating") else value - args[0]
        return _arith(op, value, args[0])
    if isinstance(value, Weight):
        if name == "ref_time":
            return value.ref_time
        if name == "proof_size":
            return value.proof_size
        if name == "set_proof_size" and isinstance(args[0], int):
            return Weight(value.ref_time, args[0])
        if name == "set_ref_time" and isinstance(args[0], int):
            return Weight(args[0], value.proof_size)
    if isinstance(value, Duration) and name == "as_millis":
        return value.millis
    if isinstance(value, int) and name in ("min", "max") and isinstance(args[0], int):
        return min(value, args[0]) if name == "min" else max(value, args[0])
    raise Unresolved(f".{name}()")


def _call(path: list[str], args: list[Value]) -> Value:
    name = path[-1]
    owner = path[-2] if len(path) > 1 else ""
    ints = all(isinstance(a, int) and not isinstance(a, bool) for a in args)
    if name == "from_parts" and len(args) == 2 and ints:
        return Weight(args[0], args[1])
    if name in ("from_ref_time", "from_all") and len(args) == 1 and ints:
        return Weight(args[0], args[0] if name == "from_all" else 0)
    if owner in ("Duration", "SlotDuration", "") and len(args) == 1 and ints:
        scale = {"from_millis": 1, "from_secs": 1000, "from_micros": 0.001}.get(name)
        if scale is not None:
            millis = int(args[0] * scale)
            return millis if owner == "SlotDuration" else Duration(millis)
    if name in ("new", "from") and len(args) == 1 and owner in ("Duration", ""):
        return args[0]
    if name == "from" and len(args) == 1 and ints:  # `u64::from(x)`, `I::from(x)`: a widening
        return args[0]
    raise Unresolved(f"{'::'.join(path)}()")


class Evaluator:
    """Evaluates one token list; `resolve` maps a path (list of segments) to its value."""

    def __init__(self, toks: list[Token], resolve: Callable[[list[str]], Value],
                 features: frozenset[str] | None = None) -> None:
        self.toks = toks
        self.pos = 0
        self.resolve = resolve
        self.features = features

    def run(self) -> Value:
        if not self.toks:
            raise Unresolved("empty expression")
        value = self.expr(0)
        if self.pos != len(self.toks):
            raise Unresolved(f"unexpected {self.toks[self.pos].text!r}")
        return value

    def peek(self, k: int = 0) -> str | None:
        i = self.pos + k
        return self.toks[i].text if i < len(self.toks) else None

    def take(self, text: str | None = None) -> Token:
        if self.pos >= len(self.toks):
            raise Unresolved("unexpected end")
        tok = self.toks[self.pos]
        if text is not None and tok.text != text:
            raise Unresolved(f"expected {text!r}, found {tok.text!r}")
        self.pos += 1
        return tok

    def expr(self, min_bp: int) -> Value:
        lhs = self.unary()
        while True:
            op = self.peek()
            if op == "as" and min_bp <= _AS_PRECEDENCE:
                self.take()
                lhs = self.cast(lhs)
            elif op == ".":
                self.take()
                name = self.take().text
                if self.peek() == "::":
                    self.skip_turbofish()
                if self.peek() == "(":
                    lhs = _method(lhs, name, self.call_args())
                else:
                    lhs = self.field(lhs, name)
            elif op == "?":
                self.take()
            elif op in _BINARY and _BINARY[op] >= min_bp:
                self.take()
                rhs = self.expr(_BINARY[op] + 1)
                lhs = _arith(op, lhs, rhs)
            else:
                return lhs

    def field(self, value: Value, name: str) -> Value:
        if isinstance(value, Weight) and name == "ref_time":
            return value.ref_time
        raise Unresolved(f".{name}")

    def cast(self, value: Value) -> Value:
        ty = self.take().text
        while self.peek() == "::":
            self.take()
            ty = self.take().text
        if isinstance(value, bool) or not isinstance(value, int):
            raise Unresolved(f"cast of {value!r}")
        if ty in INT_LIMITS:
            lo, hi = INT_LIMITS[ty]
            if lo == 0:
                return value & hi
            span = hi - lo + 1
            return (value - lo) % span + lo
        if ty in ("f32", "f64", "bool", "char"):
            raise Unresolved(f"as {ty}")
        return value  # an alias of an integer type (`as BlockNumber`): the value stands

    def skip_turbofish(self) -> None:
        self.take("::")
        self.take("<")
        depth = 1
        while depth:
            t = self.take().text
            depth += t.count("<") - t.count(">")

    def call_args(self) -> list[Value]:
        start = self.pos
        end = matching(self.toks, start)
        inner = self.toks[start + 1 : end]
        self.pos = end + 1
        args = []
        for part in split_top(inner):
            while len(part) > 2 and part[0].text == "#" and part[1].text == "[":
                end = matching(part, 1)
                pred = cfg.cfg_tokens(part[1 : end + 1])
                if pred is not None and (self.features is None
                                         or not cfg.evaluate(pred, self.features)):
                    part = []  # an argument switched off (or unknowable without features)
                    break
                part = part[end + 1 :]
            if part:
                args.append(self.sub(part))
        return args

    def sub(self, toks: list[Token]) -> Value:
        return Evaluator(toks, self.resolve, self.features).run()

    def unary(self) -> Value:
        tok = self.take()
        text = tok.text
        if text == "-":
            value = self.expr(10)
            if isinstance(value, int) and not isinstance(value, bool):
                return -value
            raise Unresolved("negation")
        if text == "!":
            value = self.expr(10)
            if isinstance(value, bool):
                return not value
            raise Unresolved("not")
        if text in ("(", "{"):
            end = matching(self.toks, self.pos - 1)
            inner = self.toks[self.pos : end]
            self.pos = end + 1
            if text == "{":
                # a block's value is its last expression
                stmts = split_top(inner, ";")
                inner = stmts[-1] if stmts else []
            parts = split_top(inner)
            if len(parts) != 1:
                raise Unresolved("tuple")
            return self.sub(parts[0])
        if tok.kind == "integer_literal":
            return parse_int(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "<":
            raise Unresolved("qualified path")
        if tok.kind in _PATH_START or text == "::":
            return self.path_expr(tok)
        raise Unresolved(f"unexpected {text!r}")

    def path_expr(self, first: Token) -> Value:
        path = [] if first.text == "::" else [first.text]
        if first.text == "::":
            path.append(self.take().text)
        while self.peek() == "::":
            if self.peek(1) == "<":
                self.skip_turbofish()
                continue
            self.take()
            path.append(self.take().text)
        if self.peek() == "!":
            self.take()
            return self.macro(path)
        if self.peek() == "(":
            args = self.call_args()
            if path[-1] == "get" and len(path) > 1 and not args:
                return self.resolve(path[:-1])  # `X::get()` of a `Get` type: X's value
            return bounded(_call(path, args))
        if self.peek() == "{":
            raise Unresolved("struct literal")
        if len(path) == 2 and path[0] in INT_LIMITS and path[1] in ("MAX", "MIN"):
            lo, hi = INT_LIMITS[path[0]]
            return hi if path[1] == "MAX" else lo
        return self.resolve(path)

    def macro(self, path: list[str]) -> Value:
        start = self.pos
        end = matching(self.toks, start)
        inner = self.toks[start + 1 : end]
        self.pos = end + 1
        # prod_or_fast!(prod, fast): default features build the production value
        if path[-1] == "prod_or_fast":
            parts = split_top(inner)
            if parts:
                return self.sub(parts[0])
        raise Unresolved(f"{path[-1]}!")


# Real constant expressions are a few dozen tokens and a few brackets deep; past these bounds
# an expression is generated or hostile, and evaluating it costs quadratic time.
MAX_TOKENS, MAX_NESTING = 4000, 64


def evaluate(toks: list[Token], resolve: Callable[[list[str]], Value],
             features: frozenset[str] | None = None) -> Value:
    if len(toks) > MAX_TOKENS:
        raise Unresolved(f"expression of {len(toks)} tokens")
    depth = deepest = 0
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
            deepest = max(deepest, depth)
        elif t.text in (")", "]", "}"):
            depth -= 1
    if deepest > MAX_NESTING:
        raise Unresolved(f"expression nested {deepest} deep")
    try:
        return Evaluator(toks, resolve, features).run()
    except RecursionError as e:  # `((((..))))` or `- - - .. 1` thousands deep
        raise Unresolved("expression nested too deeply") from e

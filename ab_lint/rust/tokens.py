"""Flat token lists from tree-sitter nodes.

Expressions live in two forms: typed trees (a `const` item) and token trees (inside
`parameter_types!` or another macro). Both flatten to the same tokens, so one evaluator and one
cfg reader serve both.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

_ATOMIC = {"string_literal", "raw_string_literal", "char_literal", "line_comment", "block_comment"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    text: str
    node: Node


def tokens(node: Node, data: bytes) -> list[Token]:
    out: list[Token] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in ("line_comment", "block_comment"):
            continue
        if n.child_count == 0 or n.type in _ATOMIC:
            out.append(Token(n.type, data[n.start_byte : n.end_byte].decode("utf-8", "replace"), n))
        else:
            stack.extend(reversed(n.children))
    return out


def split_top(toks: list[Token], sep: str = ",") -> list[list[Token]]:
    """Split at `sep` outside brackets: `a, (b, c), d` -> [a], [(b, c)], [d]."""
    parts: list[list[Token]] = [[]]
    depth = 0
    for t in toks:
        if t.text in ("(", "[", "{"):
            depth += 1
        elif t.text in (")", "]", "}"):
            depth -= 1
        if depth == 0 and t.text == sep:
            parts.append([])
        else:
            parts[-1].append(t)
    return [p for p in parts if p]


def matching(toks: list[Token], i: int) -> int:
    """Index of the bracket closing the one at `i`."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].text in ("(", "[", "{"):
            depth += 1
        elif toks[j].text in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1

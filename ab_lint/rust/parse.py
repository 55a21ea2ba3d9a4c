"""tree-sitter parsing of Rust files, and of macro bodies in place.

Macro bodies (`impl_runtime_apis!`, `#[frame_support::runtime]` is not one) are token trees to
tree-sitter. They are re-parsed as Rust items with `included_ranges`, so every node keeps the
byte offsets, lines and columns of the real file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import tree_sitter_rust
from tree_sitter import Language, Node, Parser, Query, QueryCursor, Range, Tree

RUST = Language(tree_sitter_rust.language())
_PARSER = Parser(RUST)


class SourceFile:
    """One Rust file: its bytes, its tree, and the position of its first syntax error."""

    def __init__(self, path: Path, rel: str, data: bytes,
                 on_parse: Callable[[SourceFile], None] | None = None) -> None:
        self.path = path
        self.rel = rel
        self.data = data
        self._on_parse = on_parse
        self.memo: dict[tuple, object] = {}  # what is derived from the tree, kept with it

    @cached_property
    def tree(self) -> Tree:
        tree = _PARSER.parse(self.data)
        if self._on_parse is not None:
            self.__dict__["tree"] = tree  # visible to the callback
            self._on_parse(self)
        return tree

    @property
    def parsed(self) -> bool:
        """Whether the file was parsed (files are read eagerly, parsed only when needed)."""
        return "tree" in self.__dict__

    @property
    def root(self) -> Node:
        return self.tree.root_node

    def first_error_line(self) -> int | None:
        """1-based line of the first ERROR or MISSING node, or None if the file parses."""
        root = self.root
        if not root.has_error:
            return None
        cursor = [root]
        while cursor:
            node = cursor.pop()
            if node.is_error or node.is_missing:
                return node.start_point[0] + 1
            cursor.extend(c for c in reversed(node.children) if c.has_error)
        return root.start_point[0] + 1

    def captures(self, query: Query, name: str) -> list[Node]:
        """The nodes `query` captures as `name` in the whole file, found once: every runtime
        paired with the same node asks the same questions of the same files."""
        key = (id(query), name)  # queries are module constants, never freed
        if key not in self.memo:
            self.memo[key] = QueryCursor(query).captures(self.root).get(name, [])
        return self.memo[key]  # type: ignore[return-value]

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def reparse_body(self, token_tree: Node) -> Node | None:
        """Parse the inside of a `{ ... }` / `( ... )` token tree as Rust items, in place."""
        children = token_tree.children
        if len(children) < 2:
            return None
        first, last = children[0], children[-1]
        if first.end_byte >= last.start_byte:
            return None
        parser = Parser(RUST)
        parser.included_ranges = [
            Range(first.end_point, last.start_point, first.end_byte, last.start_byte)
        ]
        return parser.parse(self.data).root_node


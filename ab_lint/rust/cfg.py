"""`#[cfg(...)]` predicates, evaluated for a crate's default feature set."""

from __future__ import annotations

from ab_lint.rust.tokens import Token, matching, split_top

# Predicates that hold for the native build with default features; anything else is false.
_TRUE_FLAGS = {"debug_assertions", "unix"}
_KEY_VALUES = {("target_pointer_width", "64"), ("target_os", "linux"), ("panic", "unwind")}


def cfg_tokens(attr: list[Token]) -> list[Token] | None:
    """The predicate tokens of `cfg(...)` inside an attribute's tokens, else None."""
    for i, t in enumerate(attr):
        if t.text == "cfg" and i + 1 < len(attr) and attr[i + 1].text == "(":
            end = matching(attr, i + 1)
            return attr[i + 2 : end]
    return None


def evaluate(pred: list[Token], features: frozenset[str]) -> bool:
    if not pred:
        return True
    head = pred[0].text
    if len(pred) > 1 and pred[1].text == "(":
        args = split_top(pred[2 : matching(pred, 1)])
        if head == "not":
            return not (args and evaluate(args[0], features))
        if head == "all":
            return all(evaluate(a, features) for a in args)
        if head == "any":
            return any(evaluate(a, features) for a in args)
        return False
    if len(pred) >= 3 and pred[1].text == "=":
        value = pred[2].text.strip('"')
        if head == "feature":
            return value in features
        return (head, value) in _KEY_VALUES
    return head in _TRUE_FLAGS

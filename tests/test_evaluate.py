"""Constant expressions as rustc evaluates them, on tokens from typed trees and token trees."""

from __future__ import annotations

from pathlib import Path

import pytest

from ab_lint.rust.evaluate import Duration, Unresolved, Weight, evaluate, parse_int
from ab_lint.rust.parse import SourceFile
from ab_lint.rust.tokens import tokens

ENV = {"WEIGHT_REF_TIME_PER_SECOND": 10**12, "MILLISECS_PER_BLOCK": 6000, "SLOT_DURATION": 12000,
       "HOURS": 600, "MINUTES": 10}


def value(expr: str):
    src = f"const X: u64 = {expr};".encode()
    node = SourceFile(Path("x.rs"), "x.rs", src).root.children[0].child_by_field_name("value")

    def resolve(path: list[str]):
        if path[-1] not in ENV:
            raise Unresolved(path[-1])
        return ENV[path[-1]]

    return evaluate(tokens(node, src), resolve)


@pytest.mark.parametrize(("expr", "want"), [
    ("6_000", 6000),
    ("6000u64", 6000),
    ("0x10", 16),
    ("12_000 / 2", 6000),
    ("2 + 3 * 4", 14),
    ("(2 + 3) * 4", 20),
    ("7 % 4", 3),
    ("1 << 10", 1024),
    ("60_000 / (MILLISECS_PER_BLOCK as u32)", 10),
    ("{ SLOT_DURATION / 2 }", 6000),
    ("(3 + 1) * 1", 4),
    ("300u32 as u8", 44),
    ("u64::MAX", 2**64 - 1),
    ("prod_or_fast!(2 * HOURS, 1 * MINUTES)", 1200),
    ("crate::SLOT_DURATION", 12000),
    ("MILLISECS_PER_BLOCK.saturating_mul(2)", 12000),
    ("MILLISECS_PER_BLOCK.checked_div(3).unwrap()", 2000),
    ("MILLISECS_PER_BLOCK.saturating_sub(7000)", 0),
    ("true", True),
    ("!false", True),
])
def test_integers(expr: str, want: object) -> None:
    assert value(expr) == want


@pytest.mark.parametrize(("expr", "ref_ms"), [
    ("Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), 5 * 1024 * 1024)", 2000),
    ("Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND.saturating_div(2), 0)", 500),
    ("Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX).saturating_div(2)", 500),
    ("Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, 0).set_proof_size(1)", 1000),
    ("Weight::from_ref_time(WEIGHT_REF_TIME_PER_SECOND / 4)", 250),
])
def test_weights(expr: str, ref_ms: int) -> None:
    got = value(expr)
    assert isinstance(got, Weight)
    assert got.ref_time == ref_ms * 10**9


@pytest.mark.parametrize(("expr", "ms"), [
    ("Duration::from_millis(1500)", 1500),
    ("Duration::from_secs(2)", 2000),
    ("core::time::Duration::from_millis(MILLISECS_PER_BLOCK / 3)", 2000),
])
def test_durations(expr: str, ms: int) -> None:
    assert value(expr) == Duration(ms)


@pytest.mark.parametrize("expr", [
    "UNKNOWN_CONSTANT", "some_fn()", "Foo { a: 1 }", "1 / 0", "if x { 1 } else { 2 }",
    "\"text\"", "<T as Get<u32>>::get()",
])
def test_unknown_is_never_guessed(expr: str) -> None:
    with pytest.raises(Unresolved):
        value(expr)


def test_parse_int_rejects_garbage() -> None:
    with pytest.raises(Unresolved):
        parse_int("12abc")

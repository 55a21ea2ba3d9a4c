from __future__ import annotations

from pathlib import Path

import pytest

from ab_lint.rust import cfg
from ab_lint.rust.parse import SourceFile
from ab_lint.rust.tokens import tokens

FEATURES = frozenset({"std", "experimental"})


def active(attr: str) -> bool:
    src = f"{attr}\nconst X: u32 = 1;".encode()
    node = SourceFile(Path("x.rs"), "x.rs", src).root.children[0]
    pred = cfg.cfg_tokens(tokens(node, src))
    assert pred is not None
    return cfg.evaluate(pred, FEATURES)


@pytest.mark.parametrize(("attr", "want"), [
    ('#[cfg(feature = "std")]', True),
    ('#[cfg(feature = "try-runtime")]', False),
    ('#[cfg(not(feature = "experimental"))]', False),
    ('#[cfg(all(feature = "std", not(feature = "runtime-benchmarks")))]', True),
    ('#[cfg(any(feature = "fast-runtime", test))]', False),
    ("#[cfg(test)]", False),
    ('#[cfg(all())]', True),
])
def test_predicates(attr: str, want: bool) -> None:
    assert active(attr) is want


def test_not_a_cfg_attribute() -> None:
    src = b"#[docify::export]\nconst X: u32 = 1;"
    node = SourceFile(Path("x.rs"), "x.rs", src).root.children[0]
    assert cfg.cfg_tokens(tokens(node, src)) is None

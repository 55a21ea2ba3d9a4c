"""Checks: one small function per rule, from a target's facts and model to hits.

A check knows nothing of wording or output formats: it says where (a `Located`), which variant
of the problem it is, and the values found and expected. The catalogue (rules/) words it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ab_lint.facts import TargetFacts
from ab_lint.model import Located
from ab_lint.relay import RelayScan

CHECKS: dict[str, Callable[[TargetFacts], Iterable[Hit]]] = {}
# repository-wide checks (local network configs), run once per repository
REPO_CHECKS: dict[str, Callable[[RelayScan], Iterable[Hit]]] = {}


@dataclass
class Hit:
    at: Located | None
    variant: str = "default"
    found: object = None
    expected: object = None
    severity: str | None = None  # when the variant is milder or harsher than the rule's default
    data: dict[str, Any] = field(default_factory=dict)
    # wrong today, whatever phase the runtime is at (a value that stalls the chain on its
    # release now): never deferred as a step of a later phase
    now: bool = False
    # False for a variant that is a consistency note, not the rule's step of the phase
    # function (AB303's block time below relay slot / velocity: phase 3 is met, the value is
    # merely unreachable), so a runtime at that phase is not held back by it
    gates: bool = True


def _registrar(table: dict[str, Callable]) -> Callable[[str], Callable[[Callable], Callable]]:
    def decorator(rule_id: str) -> Callable[[Callable], Callable]:
        def register(fn: Callable) -> Callable:
            table[rule_id] = fn
            return fn

        return register

    return decorator


check = _registrar(CHECKS)  # @check("AB104"): a rule checked on each runtime
repo_check = _registrar(REPO_CHECKS)  # @repo_check("AB001"): once per repository


def first_located(*candidates: Located | None) -> Located | None:
    """The first candidate that has a place in a file."""
    return next((c for c in candidates if c is not None and c.path), None)


# The modules register their checks on import.
from ab_lint.checks import (  # noqa: E402, F401
    breakers,
    elastic,
    hazards,
    omni,
    phase1,
    phase2,
    phase3,
    relay,
)

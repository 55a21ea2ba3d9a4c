"""The rule catalogue: one TOML file per rule in `rules/`, rendered with Jinja.

A rule's file holds its id, title, phase, severity, guide link, message and fix-hint templates
(one per variant of what went wrong), the panic a user would see, the guide step it checks, and
the `explain` text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import rtoml

from ab_lint.sdk import release_key

# `step` is the guide's numbering, phase.step and a sub-step letter: "1.7a"
_STEP = re.compile(r"(\d+)\.(\d+)([a-z]?)")

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                          trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
_ENV.filters["ms"] = lambda v: "unknown" if v is None else f"{v} ms"
_ENV.filters["code"] = lambda v: "unknown" if v is None else (
    f"`{str(v).lower()}`" if isinstance(v, bool) else f"`{v}`")


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    phase: int
    severity: str
    guide: str
    gates: bool
    message: dict[str, str]
    fix: dict[str, str]
    panic: str = ""
    explain: dict[str, str] = field(default_factory=dict)
    step: str = ""  # the guide step it checks, or sits beside; "" for none
    # the SDK releases whose code the rule's truth depends on: ">=stable2506",
    # ">=stable2503, <stable2512"; "" for a rule that holds on every release
    releases: str = ""

    def applies_to(self, release: str | None) -> bool | None:
        """Whether the rule holds for a runtime on `release`; None when that cannot be told
        (the release is unknown and the rule depends on it)."""
        if not self.releases:
            return True
        key = release_key(release) if release else None
        if key is None:
            return None
        for bound in _bounds(self.releases):
            op, other = bound
            if (op == ">=" and key < other) or (op == "<" and key >= other):
                return False
        return True

    @property
    def order(self) -> tuple[int, int, str, str]:
        """Where the rule's edit comes in the guide: the order of next steps in every report.

        The guide's numbering, not the rule id, decides (AB109's dependency, step 1.7a, comes
        before AB108's runtime API, 1.7c); rules outside the guide come last."""
        match = _STEP.fullmatch(self.step)
        if match is None:
            return (99, 0, "", self.id)
        return (int(match[1]), int(match[2]), match[3], self.id)

    def render(self, kind: str, variant: str, values: dict[str, Any]) -> str:
        templates = self.message if kind == "message" else self.fix
        source = templates.get(variant, templates.get("default", ""))
        return _template(source).render(rule=self, panic=self.panic, **values).strip()


@cache
def _template(source: str) -> jinja2.Template:
    # compiled once: a monorepo reports the same rule for a dozen runtimes
    return _ENV.from_string(source)


def _rules_dir() -> Path:
    try:
        packaged = resources.files("ab_lint._rules")
        return Path(str(packaged))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"


def _variants(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {"default": value}
    return {str(k): str(v) for k, v in value.items()}


@cache
def load() -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in sorted(_rules_dir().glob("AB*.toml")):
        data = rtoml.loads(path.read_text(encoding="utf-8"))
        rule = Rule(
            id=data["id"], name=data["name"], title=data["title"], phase=int(data["phase"]),
            severity=data["severity"], guide=data["guide"], gates=bool(data.get("gates")),
            message=_variants(data["message"]), fix=_variants(data["fix"]),
            panic=data.get("panic", ""), explain=dict(data.get("explain", {})),
            step=str(data.get("step", "")), releases=str(data.get("releases", "")),
        )
        if rule.id != path.stem:
            raise ValueError(f"{path.name} declares id {rule.id}")
        if rule.step and not _STEP.fullmatch(rule.step):
            raise ValueError(f"{path.name}: step {rule.step!r} is not phase.step, e.g. 1.7a")
        if rule.releases:
            _bounds(rule.releases)  # a malformed range fails here, not when a runtime meets it
        rules[rule.id] = rule
    return rules


_BOUND = re.compile(r"\s*(>=|<)\s*(\S+)\s*")


@cache
def _bounds(spec: str) -> tuple[tuple[str, tuple[int, int]], ...]:
    out = []
    for part in spec.split(","):
        match = _BOUND.fullmatch(part)
        key = release_key(match[2]) if match else None
        if match is None or key is None:
            raise ValueError(f"releases {spec!r}: write >=stableYYMM and/or <stableYYMM")
        out.append((match[1], key))
    return tuple(out)


def guide_order(rule_id: str) -> tuple[int, int, str, str]:
    """`Rule.order` by id; an id outside the catalogue sorts last."""
    rule = load().get(rule_id)
    return rule.order if rule is not None else (99, 0, "", rule_id)


def select(rules: dict[str, Rule], select: tuple[str, ...],
           ignore: tuple[str, ...]) -> set[str]:
    """Ids chosen by `--select` / `--ignore`: exact ids or prefixes (`AB1`), and `ALL`."""

    def matches(rule_id: str, patterns: tuple[str, ...]) -> bool:
        return any(p.upper() == "ALL" or rule_id.startswith(p.upper()) for p in patterns)

    chosen = {r for r in rules if not select or matches(r, select)}
    return {r for r in chosen if not matches(r, ignore)}

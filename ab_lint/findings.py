"""A finding: one missing or wrong step, where it is, and what to write instead."""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    phase: int
    title: str
    message: str
    fix_hint: str
    path: str | None
    line: int | None
    column: int | None
    end_line: int | None
    end_column: int | None
    target: str | None  # the runtime crate dir, or None for repository-wide findings
    gates: bool = False  # the rule is one of the steps of LABELS.md's phase function
    guide: str = ""
    found: str | None = None
    expected: str | None = None
    suppressed: bool = False
    suppression_reason: str = ""

    def sort_key(self) -> tuple:
        return (self.target or "", self.phase, self.path or "", self.line or 0,
                self.column or 0, self.rule, self.message)

    def as_json(self) -> dict:
        return {
            "rule": self.rule, "severity": self.severity, "phase": self.phase,
            "title": self.title, "message": self.message, "path": self.path,
            "line": self.line, "column": self.column, "end_line": self.end_line,
            "end_column": self.end_column, "fix_hint": self.fix_hint, "target": self.target,
            "found": self.found, "expected": self.expected, "gates_phase": self.gates,
            "guide": self.guide, "suppressed": self.suppressed,
            "suppression_reason": self.suppression_reason or None,
        }

"""A finding: one missing or wrong step, where it is, and what to write instead."""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    # every runtime the finding is about, `target` first: a constant shared by five runtimes
    # is one finding (one annotation) naming all five
    targets: tuple[str, ...] = ()
    # a step of a phase after the one the runtime is gated on: reported, never failing the run
    later: bool = False
    now: bool = False  # wrong today whatever the phase: never a later step (checks.Hit.now)
    also: tuple[str, ...] = ()  # other rules that asked for the same edit here (merge_same_fix)

    @property
    def runtimes(self) -> tuple[str, ...]:
        return self.targets or ((self.target,) if self.target else ())

    def shared_note(self) -> str:
        """What a one-line format appends when the finding is about several runtimes."""
        names = self.runtimes
        return f" (in {len(names)} runtimes: {', '.join(names)})" if len(names) > 1 else ""

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
            "targets": list(self.runtimes), "later_step": self.later,
            "also": list(self.also),
        }


def merge_same_fix(findings: list[Finding]) -> list[Finding]:
    """Two rules asking for the same edit at the same place (AB204 and AB404 both want
    authoring_duration 2000 ms at one line) are one finding: the gating or more severe rule
    speaks, and the other's reason is added to its message."""
    groups: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.line is None or f.found is None or f.expected is None:
            groups.setdefault((id(f),), []).append(f)
            continue
        key = (f.target, f.path, f.line, f.column, f.end_line, f.end_column, f.found,
               f.expected, f.suppressed, f.later)
        groups.setdefault(key, []).append(f)
    out = []
    for group in groups.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        group.sort(key=lambda f: (not f.gates, -severity_rank(f.severity), f.phase, f.rule))
        first, rest = group[0], group[1:]
        out.append(replace(first, also=tuple(f.rule for f in rest), message="; ".join(
            [first.message] + [f"also {f.rule}: {f.message}" for f in rest])))
    return out


def merge_runtimes(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place: the same step, wrong in the same way at the same
    line, found for several runtimes (a constant of a shared crate, a node serving two
    runtimes), is one finding listing them. Different values or wording stay apart."""
    merged: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.target is None or f.path is None or f.line is None:
            merged.setdefault((id(f),), []).append(f)  # about the repository, or no line
            continue
        key = (f.rule, f.severity, f.path, f.line, f.column, f.end_line, f.end_column,
               f.message, f.fix_hint, f.found, f.expected, f.suppressed, f.gates, f.later)
        merged.setdefault(key, []).append(f)
    out = []
    for group in merged.values():
        names = tuple(sorted({n for f in group for n in f.runtimes}))
        out.append(replace(group[0], target=names[0], targets=names) if len(names) > 1
                   else group[0])
    return out

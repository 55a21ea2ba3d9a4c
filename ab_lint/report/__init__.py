"""Report formats. Each renders one `ReportData`; none knows any rule logic."""

from __future__ import annotations

from dataclasses import dataclass, field

from ab_lint.diagnostics import Diagnostic
from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding

FORMATS = ("text", "json", "sarif", "github", "markdown", "html")


@dataclass
class ReportData:
    root: str
    targets: list[TargetFacts]
    findings: list[Finding]  # suppressed ones included, marked
    diagnostics: list[Diagnostic]
    target_phase: int = 3
    sources: dict[str, bytes] = field(default_factory=dict)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    def counts(self) -> dict[str, int]:
        counts = {s: sum(1 for f in self.active if f.severity == s)
                  for s in ("error", "warning", "info")}
        counts["suppressed"] = len(self.suppressed)
        return counts

    @classmethod
    def merge(cls, parts: list[ReportData]) -> ReportData:
        """Several PATHs' reports as one document. Their paths are relative to the same root
        (checking.report_root); a runtime two PATHs both hold is reported once."""
        if len(parts) == 1:
            return parts[0]
        seen: set[str] = set()
        targets = []
        for t in (t for p in parts for t in p.targets):
            if t.runtime_dir not in seen:
                seen.add(t.runtime_dir)
                targets.append(t)
        findings = sorted(dict.fromkeys(f for p in parts for f in p.findings),
                          key=Finding.sort_key)
        diagnostics = list(dict.fromkeys(d for p in parts for d in p.diagnostics))
        sources = {k: v for p in parts for k, v in p.sources.items()}
        return cls(parts[0].root, targets, findings, diagnostics,
                   max(p.target_phase for p in parts), sources)

    def code_lines(self, f: Finding, before: int = 1, after: int = 1) -> list[tuple[int, str]]:
        data = self.sources.get(f.path or "")
        if data is None or not f.line:
            return []
        lines = data.decode("utf-8", "replace").split("\n")
        lo, hi = max(1, f.line - before), min(len(lines), f.line + after)
        # a CRLF file's lines end in CR: the line ending, not a character to show
        return [(n, lines[n - 1].removesuffix("\r").replace("\t", "    "))
                for n in range(lo, hi + 1)]

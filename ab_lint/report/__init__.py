"""Report formats. Each renders one `ReportData`; none knows any rule logic."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ab_lint.catalogue import guide_order
from ab_lint.diagnostics import Diagnostic
from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding
from ab_lint.gating import Gate

FORMATS = ("text", "json", "sarif", "github", "markdown", "html")


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`1 error`, `2 errors`, `0 errors`; `nouns` where adding an s is wrong (`info`)."""
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def tally(counts: dict[str, int]) -> str:
    """The findings by severity, as every report's summary says them."""
    parts = [plural(counts["error"], "error"), plural(counts["warning"], "warning"),
             plural(counts["info"], "info", "info")]
    if counts.get("later"):
        parts.append(plural(counts["later"], "later step"))
    if counts.get("suppressed"):
        parts.append(f"{counts['suppressed']} suppressed")
    return ", ".join(parts)


def blob_url(path: str | None, line: int | None) -> str | None:
    """The file at the commit a GitHub Actions run checks (GITHUB_SHA), for links in the
    markdown and HTML reports; None outside Actions or for a path outside the repository."""
    repo, sha = os.environ.get("GITHUB_REPOSITORY", ""), os.environ.get("GITHUB_SHA", "")
    server = os.environ.get("GITHUB_SERVER_URL") or "https://github.com"
    if not path or path.startswith("/") or not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha) \
            or not re.fullmatch(r"[\w.-]+/[\w.-]+", repo) \
            or not re.fullmatch(r"https?://[\w.:-]+", server):
        return None
    return f"{server}/{repo}/blob/{sha}/{quote(path)}" + (f"#L{line}" if line else "")


@dataclass
class ReportData:
    root: str
    targets: list[TargetFacts]
    findings: list[Finding]  # suppressed ones included, marked
    diagnostics: list[Diagnostic]
    target_phase: int | None = None  # set by the user for every runtime; None: per runtime
    sources: dict[str, bytes] = field(default_factory=dict)
    gates: dict[str, Gate] = field(default_factory=dict)  # runtime dir -> its gate

    @property
    def current(self) -> list[Finding]:
        """The findings that count: not suppressed, not a step of a later phase."""
        return [f for f in self.findings if not f.suppressed and not f.later]

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for f in self.findings if f.suppressed]

    @property
    def later(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed and f.later]

    def counts(self) -> dict[str, int]:
        counts = {s: sum(1 for f in self.current if f.severity == s)
                  for s in ("error", "warning", "info")}
        counts["later"] = len(self.later)
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
        phases = {p.target_phase for p in parts}
        return cls(parts[0].root, targets, findings, diagnostics,
                   phases.pop() if len(phases) == 1 else None, sources,
                   {k: v for p in parts for k, v in p.gates.items()})

    def reached(self, t: TargetFacts) -> int | None:
        """The phase shown for a runtime: its waived gating steps counted as met."""
        gate = self.gates.get(t.runtime_dir)
        return gate.reached if gate is not None else t.phase

    def listed(self, t: TargetFacts) -> list[Finding]:
        """The findings shown in full under a runtime: those it is the first runtime of."""
        return [f for f in self.active if f.target == t.runtime_dir]

    def shared(self, t: TargetFacts) -> list[Finding]:
        """Findings about this runtime too, shown in full under another (one finding per
        rule and place: a constant of a crate several runtimes use)."""
        return [f for f in self.active
                if f.target != t.runtime_dir and t.runtime_dir in f.runtimes]

    def waivers(self, t: TargetFacts) -> str:
        """`AB105 waived: reason; ...`: the gating steps counted as met for the phase shown."""
        gate = self.gates.get(t.runtime_dir)
        return "; ".join(f"{w.rule} waived: {w.reason}" for w in gate.waived) if gate else ""

    def target_counts(self, t: TargetFacts) -> dict[str, int]:
        """One runtime's findings by severity, for the overview tables."""
        mine = [f for f in self.current if t.runtime_dir in f.runtimes]
        return {s: sum(1 for f in mine if f.severity == s) for s in ("error", "warning", "info")}

    def next_steps(self, t: TargetFacts) -> list[Finding]:
        """What stands between a runtime and its next phase: the gating findings of that phase,
        in the order the guide makes the edits (rules/*.toml `step`), then by place."""
        phase = self.reached(t)
        if phase is None or phase >= 3:
            return []
        steps = [f for f in self.current
                 if t.runtime_dir in f.runtimes and f.gates and f.phase == phase + 1]
        return sorted(steps, key=lambda f: (guide_order(f.rule), f.path or "", f.line or 0,
                                            f.column or 0))

    def code_lines(self, f: Finding, before: int = 1, after: int = 1) -> list[tuple[int, str]]:
        data = self.sources.get(f.path or "")
        if data is None or not f.line:
            return []
        lines = data.decode("utf-8", "replace").split("\n")
        lo, hi = max(1, f.line - before), min(len(lines), f.line + after)
        # a CRLF file's lines end in CR: the line ending, not a character to show
        return [(n, lines[n - 1].removesuffix("\r").replace("\t", "    "))
                for n in range(lo, hi + 1)]

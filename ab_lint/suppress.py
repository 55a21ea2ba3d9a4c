"""Inline suppressions: `// ab-lint: allow(AB301, AB302) -- reason` on a finding's line or the
line above it (`#` comments in TOML files). A suppression that suppresses nothing is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ab_lint.findings import Finding

PATTERN = re.compile(rb"(?://|#)\s*ab-lint:\s*allow\(([^)]*)\)(?:\s*--\s*(.*))?")


@dataclass
class Suppression:
    path: str
    line: int
    ids: tuple[str, ...]
    reason: str
    used: bool = False


def collect(sources: dict[str, bytes]) -> list[Suppression]:
    out = []
    for path, data in sources.items():
        if b"ab-lint:" not in data:
            continue
        for number, text in enumerate(data.split(b"\n"), 1):
            m = PATTERN.search(text)
            if m:
                written = m.group(1).decode("utf-8", "replace")  # a comment: any bytes
                ids = tuple(i.strip().upper() for i in written.split(",") if i.strip())
                reason = (m.group(2) or b"").decode("utf-8", "replace").strip()
                out.append(Suppression(path, number, ids, reason))
    return out


def apply(findings: list[Finding], suppressions: list[Suppression]) -> list[Finding]:
    by_place: dict[tuple[str, int], list[Suppression]] = {}
    for s in suppressions:
        by_place.setdefault((s.path, s.line), []).append(s)
    out = []
    for f in findings:
        match = None
        if f.path and f.line:
            for line in (f.line, f.line - 1):
                for s in by_place.get((f.path, line), []):
                    if any(f.rule.startswith(i) for i in s.ids):
                        match = s
                        break
                if match:
                    break
        if match is not None:
            match.used = True
            f = replace(f, suppressed=True, suppression_reason=match.reason)
        out.append(f)
    return out

"""`--format json`: the facts contract of SPEC.md."""

from __future__ import annotations

import json
from typing import Any

from ab_lint.diagnostics import Diagnostic
from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding
from ab_lint.model import Located


def _location(loc: Located) -> dict[str, Any] | None:
    if loc.path is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column,
            "end_line": loc.end_line, "end_column": loc.end_column}


def target_json(t: TargetFacts) -> dict[str, Any]:
    node = None if t.node_facts is None else {k: v.value for k, v in t.node_facts.items()}
    locations = {k: _location(v) for k, v in t.facts.items() if v.path}
    if t.node_facts:
        locations.update({k: _location(v) for k, v in t.node_facts.items() if v.path})
    return {
        "runtime": t.runtime_dir,
        "runtime_crate": t.runtime_crate,
        "node": t.node_dir,
        "phase": t.phase,
        "facts": {k: v.value for k, v in t.facts.items()},
        "node_facts": node,
        "locations": locations,
    }


def render(root: str, targets: list[TargetFacts], findings: list[Finding],
           diagnostics: list[Diagnostic], target_phase: int = 3) -> str:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    doc = {
        "version": 1,
        "root": root,
        "targets": [target_json(t) for t in targets],
        "findings": [f.as_json() for f in findings],
        "summary": {
            "targets": len(targets),
            "phases": {t.runtime_dir: t.phase for t in targets},
            "target_phase": target_phase,
            "findings": len(findings),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "info": counts["info"],
            "diagnostics": len(diagnostics),
        },
        "diagnostics": [{"path": d.path, "line": d.line, "message": d.message}
                        for d in sorted(diagnostics)],
    }
    return json.dumps(doc, indent=2)

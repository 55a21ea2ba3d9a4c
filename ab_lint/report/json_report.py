"""`--format json`: the facts contract of SPEC.md, with findings and a summary."""

from __future__ import annotations

import json
from typing import Any

from ab_lint.facts import TargetFacts
from ab_lint.gating import Gate
from ab_lint.model import Located
from ab_lint.report import ReportData
from ab_lint.sanitize import json_guard


def _location(loc: Located) -> dict[str, Any] | None:
    if loc.path is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column,
            "end_line": loc.end_line, "end_column": loc.end_column}


def _gate(gate: Gate | None) -> dict[str, Any]:
    """`phase` is LABELS.md's, from the facts alone; `reached` counts the gating steps the
    team waived as met, and `gated_on` is the phase whose steps fail the run."""
    if gate is None:
        return {}
    return {"reached": gate.reached, "gated_on": gate.phase,
            "waived": [{"rule": w.rule, "phase": w.phase, "reason": w.reason}
                       for w in gate.waived]}


def target_json(t: TargetFacts, gate: Gate | None = None) -> dict[str, Any]:
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
        **_gate(gate),
    }


def summary(data: ReportData) -> dict[str, Any]:
    counts = data.counts()
    by_rule: dict[str, int] = {}
    for f in data.current:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    return {
        "targets": len(data.targets),
        "phases": {t.runtime_dir: t.phase for t in data.targets},
        "target_phase": data.target_phase,
        "findings": len(data.current),
        "errors": counts["error"],
        "warnings": counts["warning"],
        "info": counts["info"],
        "later_steps": counts["later"],
        "suppressed": counts["suppressed"],
        "by_rule": dict(sorted(by_rule.items())),
        "diagnostics": len(data.diagnostics),
    }


def render(data: ReportData) -> str:
    doc = {
        "version": 1,
        "root": data.root,
        "targets": [target_json(t, data.gates.get(t.runtime_dir)) for t in data.targets],
        "findings": [f.as_json() for f in data.findings],
        "summary": summary(data),
        "diagnostics": [{"path": d.path, "line": d.line, "message": d.message}
                        for d in sorted(data.diagnostics)],
    }
    # values stay exactly what the repository holds (a script reads them): JSON escapes control
    # and non-ASCII characters itself, so no string can break a line or reach a terminal raw
    return json_guard(json.dumps(doc, indent=2, ensure_ascii=True)) + "\n"

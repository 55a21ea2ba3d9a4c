"""Runs the checks of the selected rules over each target and words their hits."""

from __future__ import annotations

from ab_lint import catalogue
from ab_lint.checks import CHECKS
from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def run(targets: list[TargetFacts], selected: set[str] | None = None,
        target_phase: int = 3) -> list[Finding]:
    rules = catalogue.load()
    findings: list[Finding] = []
    for t in targets:
        facts = {k: v.value for k, v in t.facts.items()}
        node = {k: v.value for k, v in (t.node_facts or {}).items()}
        for rule_id in sorted(CHECKS):
            rule = rules[rule_id]
            if (selected is not None and rule_id not in selected) or rule.phase > target_phase:
                continue
            for hit in CHECKS[rule_id](t):
                loc = hit.at
                values = {"found": hit.found, "expected": hit.expected, "facts": facts,
                          "node_facts": node, "runtime": t.runtime_crate,
                          "file": loc.path if loc else None, **hit.data}
                severity = hit.severity or rule.severity
                findings.append(Finding(
                    rule=rule_id, severity=severity, phase=rule.phase,
                    title=rule.title, message=rule.render("message", hit.variant, values),
                    fix_hint=rule.render("fix", hit.variant, values),
                    path=loc.path if loc else None, line=loc.line if loc else None,
                    column=loc.column if loc else None,
                    end_line=loc.end_line if loc else None,
                    end_column=loc.end_column if loc else None,
                    target=t.runtime_dir, gates=rule.gates and severity != "info",
                    guide=rule.guide,
                    found=_show(hit.found), expected=_show(hit.expected)))
    return sorted(findings, key=Finding.sort_key)

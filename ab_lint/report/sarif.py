"""`--format sarif`: SARIF 2.1.0 for code scanning (validated against the schema in tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ab_lint import __version__, catalogue
from ab_lint.findings import Finding
from ab_lint.report import ReportData
from ab_lint.sanitize import json_guard, sarif_text, sarif_uri

LEVELS = {"error": "error", "warning": "warning", "info": "note"}
INFO_URI = "https://github.com/ab-lint/ab-lint"


def _rule(rule: catalogue.Rule) -> dict[str, Any]:
    ex = rule.explain
    help_text = f"{ex.get('why', '')}\n\nGuide: {rule.guide}"
    help_md = (f"{ex.get('what', '')}\n\n**Why:** {ex.get('why', '')}\n\n"
               + (f"Wrong:\n```rust\n{ex['wrong'].strip()}\n```\n\nRight:\n```rust\n"
                  f"{ex['right'].strip()}\n```\n\n" if ex.get("wrong", "").strip() else "")
               + f"[Guide]({rule.guide})")
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": ex.get("what") or rule.title},
        "help": {"text": help_text, "markdown": help_md},
        "helpUri": rule.guide,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"phase": rule.phase, "gatesPhase": rule.gates,
                       **({"releases": rule.releases} if rule.releases else {})},
    }


def _result(f: Finding, index: int, root: Path) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index,
        # a later step is a known gap, not a problem yet: a note, whatever the rule's level
        "level": "note" if f.later else LEVELS[f.severity],
        # shown to people by code scanning: plain text, nothing the repository wrote can be
        # a link or a control character there; `properties` keep the exact values
        "message": {"text": f"{sarif_text(f.message + f.shared_note())}\n"
                            f"Fix: {sarif_text(f.fix_hint)}"},
        "properties": {"phase": f.phase, "target": f.target, "targets": list(f.runtimes),
                       "found": f.found, "expected": f.expected, "laterStep": f.later},
    }
    if f.path:
        # a finding about a whole file is shown at its first line (code scanning places
        # every alert on a line)
        region: dict[str, int] = {"startLine": f.line or 1, "startColumn": f.column or 1}
        if f.line and f.end_line:
            region.update(endLine=f.end_line, endColumn=max(f.end_column or 1, 1))
        location: dict[str, Any] = {"artifactLocation": _artifact(f.path, root)}
        if region:
            location["region"] = region
        result["locations"] = [{"physicalLocation": location}]
    if f.suppressed:
        result["suppressions"] = [{"kind": "inSource",
                                   "justification": sarif_text(f.suppression_reason
                                                               or "ab-lint: allow")}]
    return result


def _artifact(path: str, root: Path) -> dict[str, str]:
    """Relative to the repository root (SRCROOT), percent-encoded as RFC 3986 asks; a path that
    is not under the root (a note's absolute path) is a file: URI of its own."""
    if path.startswith("/"):
        return {"uri": Path(path).as_uri()}
    return {"uri": sarif_uri(_real_path(path, root)), "uriBaseId": "SRCROOT"}


def _real_path(path: str, root: Path) -> str:
    """The path of the file itself when `path` reaches it through a symbolic link of the
    repository: code scanning does not show a result at a linked path ("Symlink resolution",
    https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support).
    The other formats keep the path the code was read through."""
    try:
        real = (root / path).resolve(strict=True).relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):  # gone, a loop, or a link out of the repository
        return path
    return real.as_posix()


def render(data: ReportData, keep_suppressed: bool = False) -> str:
    """Suppressed findings are left out unless kept (code scanning would open each as an
    alert, dismissed or not); their number is in the run's properties either way."""
    rules = list(catalogue.load().values())
    shown = data.findings if keep_suppressed else data.active
    index = {r.id: i for i, r in enumerate(rules)}
    root = Path(data.root).as_uri()  # percent-encoded; a base URI ends in a slash
    root += "" if root.endswith("/") else "/"
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ab-lint", "version": __version__,
                                "informationUri": INFO_URI,
                                "rules": [_rule(r) for r in rules]}},
            "originalUriBaseIds": {"SRCROOT": {"uri": root}},
            "results": [_result(f, index[f.rule], Path(data.root)) for f in shown],
            "properties": {"suppressed": len(data.suppressed)},
        }],
    }
    return json_guard(json.dumps(doc, indent=2, ensure_ascii=True)) + "\n"

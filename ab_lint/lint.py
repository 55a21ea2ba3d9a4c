"""Runs the checks of the selected rules over each target and words their hits."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from ab_lint import catalogue
from ab_lint.checks import CHECKS, REPO_CHECKS, Hit
from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding
from ab_lint.guard import Guard
from ab_lint.model import Located, integer
from ab_lint.relay import RelayScan


def _show(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def run_repository(targets: list[TargetFacts], selected: set[str] | None, target_phase: int,
                   relay: RelayScan | None, anchor: str | None = None) -> list[Finding]:
    """The checks of the local network files, which concern the repository as a whole; a
    finding about no file in particular points at `anchor` (the root manifest)."""
    rules = catalogue.load()
    findings: list[Finding] = []
    if relay is not None and any(t.value("consensus") == "aura" for t in targets):
        relay = _with_runtimes(relay, [t for t in targets if t.value("consensus") == "aura"])
        for rule_id in sorted(REPO_CHECKS):
            rule = rules[rule_id]
            if (selected is not None and rule_id not in selected) or rule.phase > target_phase:
                continue
            for hit in REPO_CHECKS[rule_id](relay):
                findings.append(_finding(rule, hit, None, {}, anchor))
    return findings


def _with_runtimes(relay: RelayScan, aura: list[TargetFacts]) -> RelayScan:
    """The scan with the release and phase of the runtimes its networks run (relay.py)."""
    releases = [t.sdk for t in aura]
    known = [r for r in releases if r is not None and r.key is not None]
    oldest = min(known, key=lambda r: r.key or (0, 0)) if len(known) == len(releases) else None
    phases = [p for p in (t.phase for t in aura) if p is not None]
    velocities = [t.value("block_processing_velocity") for t in aura]
    known_v = [v for v in velocities if integer(v) is not None]
    return replace(relay, release=oldest, phase=max(phases) if phases else None,
                   velocity=min(known_v) if known_v and len(known_v) == len(velocities)
                   else None)


def run_targets(targets: list[TargetFacts], selected: set[str] | None = None,
                target_phase: int = 3, guard: Guard | None = None) -> list[Finding]:
    """Each selected rule over each target. With a guard, a rule that hits a bug on a target
    is named in a note and the other rules and targets still run."""
    rules = catalogue.load()
    findings: list[Finding] = []
    for t in targets:
        facts = {k: v.value for k, v in t.facts.items()}
        node = {k: v.value for k, v in (t.node_facts or {}).items()}
        for rule_id in sorted(CHECKS):
            rule = rules[rule_id]
            if (selected is not None and rule_id not in selected) or rule.phase > target_phase:
                continue
            release = t.sdk.name if t.sdk else None
            applies = rule.applies_to(release)
            if applies is False:
                continue  # the rule is about other releases than this runtime's
            context = {"facts": facts, "node_facts": node, "runtime": t.runtime_crate,
                       "sdk": release}
            with guard.around(t.runtime_dir, f"checking {rule_id} on {t.runtime_crate}") if (
                    guard is not None) else contextlib.nullcontext():
                hits = [_finding(rule, hit, t, context) for hit in CHECKS[rule_id](t)]
            findings.extend(hits if applies else [_unknown_release(f, rule) for f in hits])
    return sorted(findings, key=Finding.sort_key)


def _unknown_release(f: Finding, rule: catalogue.Rule) -> Finding:
    """A rule about some releases, on a runtime whose release could not be read: said, and at
    most a warning (the most common case is assumed, not known)."""
    severity = "warning" if f.severity == "error" else f.severity
    return replace(f, severity=severity, fix_hint=f"{f.fix_hint} (This holds for SDK "
                   f"releases {rule.releases}; ab-lint could not read the release this runtime "
                   "builds against from Cargo.lock or the manifests.)")


def _finding(rule: catalogue.Rule, hit: Hit, t: TargetFacts | None,
             context: dict[str, object], anchor: str | None = None) -> Finding:
    loc = hit.at if hit.at is not None and hit.at.path else None
    if loc is None:
        # A finding about the whole runtime or repository still points at a file (GitHub's
        # upload rejects a SARIF file with one result that has no location): the runtime's
        # manifest, or the repository's.
        where = f"{t.runtime_dir}/Cargo.toml" if t is not None else anchor
        loc = Located(None, where) if where else None  # the file, no line in it
    values = {"found": hit.found, "expected": hit.expected,
              "file": hit.at.path if hit.at else None, **context, **hit.data}
    severity = hit.severity or rule.severity
    return Finding(
        rule=rule.id, severity=severity, phase=rule.phase, title=rule.title,
        message=rule.render("message", hit.variant, values),
        fix_hint=rule.render("fix", hit.variant, values),
        path=loc.path if loc else None, line=loc.line if loc else None,
        column=loc.column if loc else None, end_line=loc.end_line if loc else None,
        end_column=loc.end_column if loc else None,
        target=t.runtime_dir if t else None, gates=rule.gates and hit.gates and severity != "info",
        guide=rule.guide, found=_show(hit.found), expected=_show(hit.expected), now=hit.now)

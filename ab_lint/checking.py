"""One repository checked end to end: settings, discovery, facts, rules, suppressions, and the
data every report renders. The command line calls it once per PATH; it reads options, not
command-line flags, so another caller (the Action, a second revision) can too."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ab_lint import catalogue, elastic_facts, files, gating, launch, parallel, suppress, tree
from ab_lint.config import load as load_config
from ab_lint.diagnostics import Diagnostics
from ab_lint.discover import discover
from ab_lint.findings import Finding, merge_runtimes, merge_same_fix, severity_rank
from ab_lint.lint import run_repository
from ab_lint.relay import scan
from ab_lint.report import ReportData


@dataclass(frozen=True)
class Options:
    config_file: Path | None = None
    target_phase: int | None = None  # None: the settings', else 3
    select: tuple[str, ...] = ()  # rule ids or prefixes; empty: the settings'
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None  # None: the settings', else "error"
    jobs: int = 1
    root: Path | None = None  # what paths are relative to; None: the repository's top


@dataclass
class Result:
    data: ReportData
    failing: bool  # a finding at or above the failing severity
    crashed: bool  # a bug was met, named in a note; the rest is reported


def check_repository(path: Path, options: Options) -> Result:
    """Raises InputError for what cannot be checked at all (no such path, not a parachain,
    unreadable settings)."""
    rules = catalogue.load()
    root = Path(path).resolve()
    config = load_config(root if root.is_dir() else root.parent, options.config_file,
                         set(rules))
    # Ignored rules run too: a gating step the team waived counts as met (gating.py), and
    # only their findings are left out.
    run = catalogue.select(rules, options.select or config.select, ())
    waiving = [(_matched(rules, options.ignore), "--ignore"),
               (_matched(rules, config.ignore), f"ignored in {config.source}")]
    diags = Diagnostics(root)
    workspaces = discover(path, diags, options.root)
    scope = diags.scope or diags.root
    tree.forget()
    tree.listing(scope, diags)  # once, before the runtimes are read in forked processes
    relay = scan(scope, diags.relative, diags)
    # launch files choose the collator only where the omni-node runs a runtime
    launched = launch.scan(scope, diags.relative, diags) if any(
        t.node is None for w in workspaces for t in w.targets) else None
    checked = parallel.check(workspaces, diags, run, gating.LAST, options.jobs,
                             lambda ts: elastic_facts.add_facts(ts, relay, launched))
    targets, sources = checked.targets, checked.sources
    anchor = diags.relative(scope / "Cargo.toml") if (scope / "Cargo.toml").is_file() else (
        f"{targets[0].runtime_dir}/Cargo.toml" if targets else None)
    kept: list[Finding] = []
    waived: list[tuple[Finding, str]] = []
    for f in run_repository(targets, run, gating.LAST, relay, anchor) + checked.findings:
        f = replace(f, severity=config.severity_of(f.rule, f.severity))
        why = next((why for ids, why in waiving if f.rule in ids), None) or (
            f"per-path-ignores in {config.source}" if config.ignored_at(f.rule, f.path)
            else None)
        if why:
            waived.append((f, why))
        else:
            kept.append(f)
    marks = suppress.collect(sources)
    kept = suppress.apply(kept, marks)
    chosen = {t.runtime_dir: options.target_phase
              or config.target_phase_of(t.runtime_crate, t.runtime_dir) for t in targets}
    gate_of = gating.gates(targets, kept, waived, chosen)
    findings = merge_runtimes(merge_same_fix(gating.apply(kept, gate_of)))
    ignored = set().union(*(ids for ids, _ in waiving))
    if "AB900" in run and "AB900" not in ignored:
        # a suppression is judged only by rules that ran in full on every runtime
        limit = min((g.phase for g in gate_of.values() if g.explicit), default=gating.LAST)
        ran = {r for r in run - ignored if rules[r].phase <= limit}
        findings += _unused(marks, rules, ran)
    findings.sort(key=Finding.sort_key)
    data = ReportData(str(diags.root), targets, findings, diags.items,
                      options.target_phase or config.target_phase, sources, gate_of)
    threshold = options.fail_on or config.fail_on or "error"
    failing = threshold != "never" and any(
        severity_rank(f.severity) >= severity_rank(threshold) for f in data.current)
    return Result(data, failing, checked.crashed)


def _matched(rules: dict[str, catalogue.Rule], patterns: tuple[str, ...]) -> set[str]:
    return set(rules) - catalogue.select(rules, (), patterns) if patterns else set()


def report_root(paths: list[Path]) -> Path | None:
    """The folder several PATHs' reports share, so they make one document whose paths all
    start from it: their repository's top, or the folder above the repositories."""
    tops = []
    for path in paths:
        try:
            p = Path(path).resolve()
            tops.append(files.report_root(p if p.is_dir() else p.parent))
        except (OSError, RuntimeError, ValueError):
            continue  # an unusable PATH is reported as such when it is checked
    return Path(os.path.commonpath(tops)) if tops else None


def _unused(marks: list[suppress.Suppression], rules: dict[str, catalogue.Rule],
            ran: set[str]) -> list[Finding]:
    rule = rules["AB900"]
    out = []
    for m in marks:
        named = {r for r in rules if any(i == "ALL" or r.startswith(i) for i in m.ids)}
        if m.used or not named <= ran:
            continue  # a rule it names did not run: it may well suppress something then
        out.append(Finding(
            rule=rule.id, severity=rule.severity, phase=rule.phase, title=rule.title,
            message=rule.render("message", "default", {"found": ", ".join(m.ids)}),
            fix_hint=rule.render("fix", "default", {}), path=m.path, line=m.line, column=1,
            end_line=m.line, end_column=None, target=None, guide=rule.guide,
            found=", ".join(m.ids)))
    return out

"""One repository checked end to end: settings, discovery, facts, rules, suppressions, and the
data every report renders. The command line calls it once per PATH; it reads options, not
command-line flags, so another caller (the Action, a second revision) can too."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from ab_lint import catalogue, files, parallel, suppress
from ab_lint.config import load as load_config
from ab_lint.diagnostics import Diagnostics
from ab_lint.discover import discover
from ab_lint.findings import Finding, merge_runtimes, severity_rank
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
    phase = options.target_phase or config.target_phase or 3
    chosen = catalogue.select(rules, options.select or config.select,
                              options.ignore + config.ignore)
    diags = Diagnostics(root)
    workspaces = discover(path, diags, options.root)
    checked = parallel.check(workspaces, diags, chosen, phase, options.jobs)
    targets, sources = checked.targets, checked.sources
    scope = diags.scope or diags.root
    relay = scan(scope, diags.relative, diags)
    anchor = diags.relative(scope / "Cargo.toml") if (scope / "Cargo.toml").is_file() else (
        f"{targets[0].runtime_dir}/Cargo.toml" if targets else None)
    findings = [replace(f, severity=config.severity_of(f.rule, f.severity))
                for f in run_repository(targets, chosen, phase, relay, anchor)
                + checked.findings
                if not config.ignored_at(f.rule, f.path)]
    marks = suppress.collect(sources)
    findings = merge_runtimes(suppress.apply(findings, marks))
    if "AB900" in chosen:
        findings += _unused(marks, rules["AB900"])
    findings.sort(key=Finding.sort_key)
    data = ReportData(str(diags.root), targets, findings, diags.items, phase, sources)
    threshold = options.fail_on or config.fail_on or "error"
    failing = threshold != "never" and any(
        severity_rank(f.severity) >= severity_rank(threshold) for f in data.active)
    return Result(data, failing, checked.crashed)


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


def _unused(marks: list[suppress.Suppression], rule: catalogue.Rule) -> list[Finding]:
    return [Finding(rule=rule.id, severity=rule.severity, phase=rule.phase, title=rule.title,
                    message=rule.render("message", "default", {"found": ", ".join(m.ids)}),
                    fix_hint=rule.render("fix", "default", {}), path=m.path, line=m.line,
                    column=1, end_line=m.line, end_column=None, target=None, guide=rule.guide,
                    found=", ".join(m.ids))
            for m in marks if not m.used]

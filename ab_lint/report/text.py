"""The terminal report: per runtime its phase and next steps, then findings by phase with a
code frame, the value found and expected, and the fix."""

from __future__ import annotations

from collections.abc import Callable

from ab_lint.facts import NODE_FACTS, RUNTIME_FACTS, TargetFacts
from ab_lint.findings import Finding
from ab_lint.report import ReportData, plural, tally
from ab_lint.sanitize import display, guard_lines

PHASES = {1: "runtime prepared", 2: "node on the lookahead collator", 3: "async backing active"}
Style = Callable[..., str]
SEVERITY_STYLE: dict[str, dict[str, object]] = {
    "error": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}


def _plain(text: str, **_: object) -> str:
    return text


def _value(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return display(v)


def _where(path: str | None, line: int | None, column: int | None = None) -> str:
    if not path:
        return ""
    if not line:
        return display(path)
    return f"{display(path)}:{line}" + (f":{column}" if column is not None else "")


def _frame(f: Finding, sources: dict[str, bytes], style: Style) -> list[str]:
    data = sources.get(f.path or "")
    if data is None or f.line is None:
        return []
    lines = data.decode("utf-8", "replace").split("\n")
    if not 0 < f.line <= len(lines):
        return []
    out = []
    width = len(str(f.line + 1))
    for n in range(max(1, f.line - 1), min(len(lines), f.line + 1) + 1):
        text = _code(lines[n - 1])
        gutter = style(f"{n:>{width}} |", fg="blue")
        out.append(f"      {gutter} {text}")
        if n == f.line:
            raw = lines[n - 1].removesuffix("\r")
            col = (f.column or 1) - 1
            # measured on the line as shown, where an escaped character is several wide
            indent = len(_code(raw[:col]))
            end = f.end_column - 1 if f.end_line == f.line and f.end_column else len(raw)
            span = max(1, len(_code(raw[col:end]).rstrip()))
            marker = style("^" * span, fg="red" if f.severity == "error" else "yellow")
            out.append(f"      {' ' * width} {style('|', fg='blue')} {' ' * indent}{marker}")
    return out


def _code(line: str) -> str:
    """A source line as shown in a frame: tabs as spaces, a CRLF ending dropped, the rest of
    what a terminal would act on escaped."""
    return display(line.removesuffix("\r").replace("\t", "    "))


def sdk_name(t: TargetFacts) -> str:
    """The release a runtime builds against, as every report's header names it: the rules'
    messages and hints depend on it, so the reader sees which release they were worded for."""
    return t.sdk.name if t.sdk is not None else "unknown"


def _progress(phase: int | None) -> str:
    if phase is None:
        return "n/a (not an Aura runtime)"
    return f"phase {phase}/3 [{'#' * phase}{'.' * (3 - phase)}]"


def render(data: ReportData, style: Style = _plain, quiet: bool = False,
           show_facts: bool = False, statistics: bool = False, show_info: bool = False) -> str:
    """`show_info` lists info findings in full; without it each runtime (and the repository)
    counts them in one line, so a terminal shows what needs doing first."""
    targets, findings, sources = data.targets, data.active, data.sources
    lines: list[str] = []
    by_target: dict[str | None, list[Finding]] = {}
    hidden: dict[str | None, list[Finding]] = {}
    for f in findings:
        shelf = hidden if f.severity == "info" and not show_info else by_target
        shelf.setdefault(f.target, []).append(f)
    for t in targets:
        mine = by_target.get(t.runtime_dir, [])
        node = display(t.node_dir) if t.node_dir else "none (omni-node)"
        phase_now = data.reached(t)
        said = PHASES.get(phase_now or 0, "phase 1 not complete") if phase_now else (
            "phase 1 not complete" if phase_now == 0 else "")
        head = (f"{style(display(t.runtime_dir), bold=True)} ({display(t.runtime_crate)}), "
                f"node: {node}, SDK {sdk_name(t)}")
        lines.append(head)
        lines.append(f"  {_progress(phase_now)}" + (f"  {said}" if said else "")
                     + (f" ({display(w)})" if (w := data.waivers(t)) else ""))
        if show_facts:
            lines.extend(_facts(t))
        steps = data.next_steps(t)
        if steps and phase_now is not None:
            noun = "next step" if len(steps) == 1 else "next steps"
            lines.append(f"  {noun} to phase {phase_now + 1} ({PHASES[phase_now + 1]}):")
            for i, f in enumerate(steps, 1):
                where = _where(f.path, f.line)
                lines.append(f"    {i}. {f.rule} {f.title}" + (f"  ({where})" if where else ""))
        for phase in (1, 2, 3):
            group = [f for f in mine if f.phase == phase and not f.later]
            if group:
                lines.append("")
                lines.append(f"  phase {phase}: {PHASES[phase]}")
                lines.extend(_findings(group, sources, style, quiet))
        also = [f for f in data.shared(t) if show_info or f.severity != "info"]
        if also:
            lines.append("")
            lines.append("  shared with another runtime (in full under the first):")
            for f in also:
                sev = style(f.severity, **SEVERITY_STYLE[f.severity])
                lines.append(f"    {_where(f.path, f.line, f.column)}: {sev} "
                             f"{style(f.rule, bold=True)} {display(f.title)} "
                             f"(see {display(f.target or '')})")
        later = [f for f in mine if f.later]
        if later:
            lines.append("")
            lines.append(f"  later steps, once phase {min(f.phase for f in later) - 1} is "
                         "live (they do not fail the run):")
            lines.extend(_findings(later, sources, style, quiet))
        lines.extend(_info_summary(hidden.get(t.runtime_dir, []), style))
        lines.append("")
    repository, repository_info = by_target.get(None, []), hidden.get(None, [])
    if repository or repository_info:
        lines.append(style("repository: local test networks (relay configuration)", bold=True))
        lines.extend(_findings(repository, sources, style, quiet))
        lines.extend(_info_summary(repository_info, style, section=False))
        lines.append("")
    for d in sorted(data.diagnostics):
        lines.append(style(f"note: {_where(d.path, d.line)}: {display(d.message)}", dim=True))
    if statistics:
        lines.extend(statistics_lines(data))
    lines.append(summary_line(data))
    return guard_lines("\n".join(lines).rstrip() + "\n")


def _info_summary(info: list[Finding], style: Style, section: bool = True) -> list[str]:
    """`3 info findings not shown (AB401 x2, AB000); ...`: the most frequent rule first; as a
    section of a runtime's report (after a blank line), or as one more line of a list."""
    if not info:
        return []
    per_rule: dict[str, int] = {}
    for f in info:
        per_rule[f.rule] = per_rule.get(f.rule, 0) + 1
    rules = ", ".join(rule + (f" x{n}" if n > 1 else "")
                      for rule, n in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])))
    them = "it" if len(info) == 1 else "them"
    line = style(f"{plural(len(info), 'info finding')} not shown ({rules}); "
                 f"--show-info to list {them}", dim=True)
    return ["", f"  {line}"] if section else [f"    {line}"]


def statistics_lines(data: ReportData) -> list[str]:
    """Count per rule, most frequent first, as `ruff --statistics` prints it."""
    counts: dict[str, list[Finding]] = {}
    for f in data.active:
        counts.setdefault(f.rule, []).append(f)
    rows = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [f"{len(fs):>5}  {rule}  {fs[0].severity:<7}  {fs[0].title}" for rule, fs in rows] + [""]


def _findings(group: list[Finding], sources: dict[str, bytes], style: Style,
              quiet: bool) -> list[str]:
    lines = []
    for f in group:
        where = _where(f.path, f.line, f.column)
        sev = style(f.severity, **SEVERITY_STYLE[f.severity])
        lines.append(f"    {where + ': ' if where else ''}{sev} {style(f.rule, bold=True)} "
                     f"{display(f.message + f.shared_note())}")
        if quiet:
            continue
        lines.extend(_frame(f, sources, style))
        if f.found is not None or f.expected is not None:
            lines.append(f"      found: {display(f.found or '-')}   "
                         f"expected: {display(f.expected or '-')}")
        lines.append(f"      fix: {display(f.fix_hint)}")
        lines.append(f"      guide: {f.guide}")
    return lines


def summary_line(data: ReportData) -> str:
    counts = data.counts()
    phases = ", ".join(f"{display(t.runtime_dir)} "
                       f"{'n/a' if (p := data.reached(t)) is None else f'{p}/3'}"
                       for t in data.targets)
    return f"{plural(len(data.targets), 'runtime')} ({phases}): {tally(counts)}"


def _facts(t: TargetFacts) -> list[str]:
    out = []
    rows = [(n, t.facts[n]) for n in RUNTIME_FACTS]
    rows += [(n, t.node_facts[n]) for n in NODE_FACTS] if t.node_facts else []
    for name, loc in rows:
        where = f"  {_where(loc.path, loc.line)}" if loc.path and loc.line else ""
        out.append(f"    {name:<34} {_value(loc.value)}{where}")
    return out

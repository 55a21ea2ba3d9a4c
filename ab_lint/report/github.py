"""`--format github`: one workflow command per finding, for pull-request annotations.

GitHub shows at most 10 error and 10 warning annotations per step (and 50 per job): the most
severe come first, and one closing notice counts what was left out (the job summary and SARIF
have everything).
"""

from __future__ import annotations

from ab_lint.findings import Finding, severity_rank
from ab_lint.report import ReportData, plural
from ab_lint.sanitize import display, github_data, github_property

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
PER_STEP = {"error": 10, "warning": 10, "info": 8}  # notices are kept for the counts


# kept under their old names: tests and users import them from here
escape_data, escape_property = github_data, github_property


def command(f: Finding) -> str:
    """One workflow command, escaped as the runner unescapes it: line breaks are GitHub's %0A
    (so the file property is the exact path of almost any file) and every other control or
    invisible character is shown escaped, as in the other formats."""
    props = []
    if f.path:
        # exact where GitHub can say it (%0A...); a name holding a control, bidi or non-UTF-8
        # character is annotated under its escaped name rather than printed raw to the log
        props.append(f"file={escape_property(display(f.path, breaks=True))}")
        if f.line:
            props.append(f"line={f.line}")
            if f.column:
                props.append(f"col={f.column}")
            if f.end_line:
                props.append(f"endLine={f.end_line}")
            if f.end_column and f.end_line == f.line:
                props.append(f"endColumn={f.end_column}")
    props.append(f"title={escape_property(display(f'{f.rule} {f.title}'))}")
    body = escape_data("\n".join(display(part, breaks=True) for part in (
        f.message + f.shared_note(), f"Fix: {f.fix_hint}", f.guide)))
    return f"::{COMMANDS[f.severity]} {','.join(props)}::{body}"


def render(data: ReportData) -> str:
    # later steps are not annotated: a line marked now for an edit due after the next
    # release would be noise on the pull request; they are counted, and listed elsewhere
    ordered = sorted(data.current, key=lambda f: (-severity_rank(f.severity), f.sort_key()))
    shown: dict[str, int] = dict.fromkeys(COMMANDS, 0)
    lines, left_out = [], 0
    for f in ordered:
        if shown[f.severity] >= PER_STEP[f.severity]:
            left_out += 1
            continue
        shown[f.severity] += 1
        lines.append(command(f))
    if left_out:
        verb = "is" if left_out == 1 else "are"
        lines.append(f"::notice title=ab-lint::{plural(left_out, 'more finding')} {verb} not "
                     "annotated (GitHub shows 10 per severity); see the job summary or the SARIF "
                     "report")
    later = len(data.later)
    if later:
        verb = "is" if later == 1 else "are"
        lines.append(f"::notice title=ab-lint::{plural(later, 'later step')} (of phases after "
                     f"the one each runtime is held to) {verb} not annotated; see the job "
                     "summary")
    suppressed = len(data.suppressed)
    if suppressed:
        lines.append(f"::notice title=ab-lint::{plural(suppressed, 'finding')} suppressed by "
                     "`ab-lint: allow(...)` comments (listed in the JSON report, and in SARIF with "
                     "--sarif-suppressed)")
    return "\n".join(lines) + ("\n" if lines else "")

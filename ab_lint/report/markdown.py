"""`--format markdown`: a report for $GITHUB_STEP_SUMMARY and pull-request comments."""

from __future__ import annotations

import jinja2

from ab_lint.report import ReportData, tally
from ab_lint.report.text import PHASES
from ab_lint.sanitize import guard_lines, markdown_code, markdown_message, markdown_text

# Every value the repository wrote goes through one of these filters; the template's own
# Markdown is the only structure in the report.
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("ab_lint.report", "templates"),
                          autoescape=False, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined)
_ENV.filters["text"] = markdown_text  # prose, also in a table cell
_ENV.filters["code"] = markdown_code
_ENV.filters["cell_code"] = lambda s: markdown_code(s, in_table=True)
_ENV.filters["message"] = markdown_message  # a rule's message or fix: prose with `code`


def render(data: ReportData) -> str:
    active = data.active
    errors = {t.runtime_dir: sum(1 for f in active if f.target == t.runtime_dir
                                 and f.severity == "error") for t in data.targets}
    warnings = {t.runtime_dir: sum(1 for f in active if f.target == t.runtime_dir
                                   and f.severity == "warning") for t in data.targets}
    text = _ENV.get_template("report.md.j2").render(
        targets=data.targets, findings=active, summary=tally(data.counts()), errors=errors,
        warnings=warnings, phases=PHASES)
    # no line can start with repository text; this holds it should a template change
    return guard_lines(text.rstrip() + "\n", colon="&#58;", hash_="&#35;")

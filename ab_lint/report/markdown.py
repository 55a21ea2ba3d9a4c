"""`--format markdown`: a report for $GITHUB_STEP_SUMMARY and pull-request comments."""

from __future__ import annotations

import jinja2

from ab_lint.report import ReportData
from ab_lint.report.text import PHASES

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("ab_lint.report", "templates"),
                          autoescape=False, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined)
_ENV.filters["cell"] = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
_ENV.filters["line"] = lambda s: str(s).replace("\n", " ")


def render(data: ReportData) -> str:
    active = data.active
    errors = {t.runtime_dir: sum(1 for f in active if f.target == t.runtime_dir
                                 and f.severity == "error") for t in data.targets}
    warnings = {t.runtime_dir: sum(1 for f in active if f.target == t.runtime_dir
                                   and f.severity == "warning") for t in data.targets}
    text = _ENV.get_template("report.md.j2").render(
        targets=data.targets, findings=active, counts=data.counts(), errors=errors,
        warnings=warnings, phases=PHASES)
    return text.rstrip() + "\n"

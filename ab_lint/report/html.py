"""`--format html`: one self-contained page (inline CSS, no scripts, no network), autoescaped."""

from __future__ import annotations

import jinja2

from ab_lint.report import ReportData
from ab_lint.report.text import PHASES

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("ab_lint.report", "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined)


def render(data: ReportData) -> str:
    return _ENV.get_template("report.html.j2").render(
        root=data.root, targets=data.targets, findings=data.active, counts=data.counts(),
        phases=PHASES, code=lambda f: data.code_lines(f, 1, 1))

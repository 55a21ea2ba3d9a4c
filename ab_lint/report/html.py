"""`--format html`: one self-contained page (inline CSS, no scripts, no network), autoescaped."""

from __future__ import annotations

import jinja2
import markupsafe

from ab_lint.findings import Finding
from ab_lint.report import ReportData, blob_url, tally
from ab_lint.report.text import PHASES, sdk_name
from ab_lint.sanitize import display, guard_lines, safe_url


def _shown(value: object) -> object:
    """Every `{{ }}` before autoescape: control, bidi and line-break characters shown escaped,
    as in the text report (a page can be printed to a CI log too)."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return display(value)
    return value


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("ab_lint.report", "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined, finalize=_shown)
_ENV.filters["url"] = safe_url


def _where(f: Finding) -> markupsafe.Markup:
    """`path:line` in code; in GitHub Actions a link to the line at the commit checked."""
    shown = markupsafe.Markup("<code>{}</code>").format(
        display(f"{f.path}:{f.line}" if f.line else f.path or ""))
    url = blob_url(f.path, f.line)
    return markupsafe.Markup('<a href="{}">{}</a>').format(url, shown) if url else shown


_ENV.globals["where"] = _where


def render(data: ReportData) -> str:
    page = _ENV.get_template("report.html.j2").render(
        root=data.root, targets=data.targets, findings=data.active, summary=tally(data.counts()),
        counts=data.target_counts, next_steps=data.next_steps, phases=PHASES,
        code=lambda f: data.code_lines(f, 1, 1), reached=data.reached,
        sdk=sdk_name, listed=data.listed,
        shared=data.shared, waivers=data.waivers)
    return guard_lines(page, colon="&#58;", hash_="&#35;")

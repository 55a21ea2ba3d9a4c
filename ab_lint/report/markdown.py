"""`--format markdown`: a report for $GITHUB_STEP_SUMMARY and pull-request comments."""

from __future__ import annotations

from urllib.parse import quote

import jinja2

from ab_lint.findings import Finding
from ab_lint.report import ReportData, blob_url, tally
from ab_lint.report.text import PHASES, sdk_name
from ab_lint.sanitize import guard_lines, markdown_code, markdown_message, markdown_text, safe_url


class Markdown(str):
    """Text already made Markdown by one of the filters below: printed as it is."""


def _escaped(value: object) -> object:
    # Every `{{ }}` that no filter made Markdown is shown as literal prose: a value added to
    # the template later cannot become structure by being forgotten. The template's own
    # Markdown is the only structure in the report.
    if isinstance(value, Markdown) or value is None:
        return value
    return markdown_text(value)


def _link(url: str) -> Markdown:
    """A link destination: http(s) only, and nothing in it that ends the destination."""
    return Markdown(quote(safe_url(url), safe=":/?#@!$&'*+,;=%~"))


def _where(f: Finding) -> Markdown:
    """`path:line` as a code span; a finding about a whole file is just its path. In GitHub
    Actions, a link to the line at the commit checked."""
    span = markdown_code(f"{f.path}:{f.line}" if f.line else f.path or "")
    url = blob_url(f.path, f.line)
    return Markdown(f"[{span}]({_link(url)})" if url else span)


_ENV = jinja2.Environment(loader=jinja2.PackageLoader("ab_lint.report", "templates"),
                          autoescape=False, trim_blocks=True, lstrip_blocks=True,
                          undefined=jinja2.StrictUndefined, finalize=_escaped)
_ENV.filters["code"] = lambda s: Markdown(markdown_code(s))
_ENV.filters["cell_code"] = lambda s: Markdown(markdown_code(s, in_table=True))
# a rule's message or fix: prose with `code` spans of its own
_ENV.filters["message"] = lambda s: Markdown(markdown_message(s))
_ENV.filters["link"] = _link
_ENV.globals["where"] = _where


def render(data: ReportData) -> str:
    text = _ENV.get_template("report.md.j2").render(
        targets=data.targets, findings=data.active, summary=tally(data.counts()),
        counts=data.target_counts, next_steps=data.next_steps, phases=PHASES,
        reached=data.reached, sdk=sdk_name, listed=data.listed, shared=data.shared,
        waivers=data.waivers)
    # no line can start with repository text; this holds it should a template change
    return guard_lines(text.rstrip() + "\n", colon="&#58;", hash_="&#35;")

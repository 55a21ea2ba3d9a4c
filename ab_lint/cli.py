"""Command line: `ab-lint [check] PATH...`, `ab-lint rules`, `ab-lint explain AB104`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ab_lint import __version__, catalogue
from ab_lint.checking import Options, check_repository, report_root
from ab_lint.diagnostics import InputError
from ab_lint.parallel import default_jobs
from ab_lint.report import FORMATS, ReportData, github, html, json_report, markdown, sarif, text
from ab_lint.sanitize import terminal
from ab_lint.writing import write_report

RENDERERS = {"json": json_report.render, "sarif": sarif.render, "github": github.render,
             "markdown": markdown.render, "html": html.render}

# 3: ab-lint met a bug; what it could read is still reported
EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_CRASH = 0, 1, 2, 3


class DefaultCheck(click.Group):
    """`ab-lint PATH` means `ab-lint check PATH`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h",
                                                                      "--version"):
            args = ["check", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCheck, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ab-lint")
def main() -> None:
    """How far a Cumulus parachain is on the road to asynchronous backing."""


def _ids(values: tuple[str, ...]) -> tuple[str, ...]:
    # `AB4*` is written the way shells and other linters spell a prefix: the same as `AB4`
    return tuple(v.strip().rstrip("*") or "ALL" for value in values for v in value.split(",")
                 if v.strip())


def _format_spec(value: str) -> tuple[str, str | None]:
    name, _, path = value.partition(":")
    if name not in FORMATS:
        raise click.BadParameter(f"{name!r} is not one of {', '.join(FORMATS)}")
    return name, path or None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "formats", multiple=True, metavar="FORMAT[:FILE]",
              help="text (default), json, sarif, github, markdown or html; repeat it to write "
                   "several reports in one run, each to its FILE (stdout without one).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Settings file (default: ab-lint.toml or [workspace.metadata.ab-lint]).")
@click.option("--target-phase", type=click.IntRange(1, 3), default=None,
              help="Report only what is needed to reach this phase [default: 3].")
@click.option("--select", multiple=True, metavar="IDS",
              help="Only these rules: ids or prefixes (AB1, AB30), comma-separated or repeated.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Leave out these rules or prefixes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              default=None, help="Lowest severity that makes exit code 1 [default: error].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--quiet", "-q", is_flag=True, help="One line per finding, no code frames or hints.")
@click.option("--statistics", is_flag=True, help="Text: count findings per rule.")
@click.option("--facts", "show_facts", is_flag=True, help="Text: also list every fact read.")
@click.option("--show-info", is_flag=True,
              help="Text: list info findings in full (default: one line per runtime counts them).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text report (auto: a terminal without NO_COLOR).")
@click.option("--sarif-suppressed", is_flag=True,
              help="SARIF: keep suppressed findings, marked (default: left out, counted).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="Processes reading the runtimes of a repository with several [default: "
                   "the processors available, at most 4].")
def check(paths: tuple[Path, ...], formats: tuple[str, ...], output: Path | None,
          config_file: Path | None, target_phase: int | None, select: tuple[str, ...],
          ignore: tuple[str, ...], fail_on: str | None, exit_zero: bool, quiet: bool,
          statistics: bool, show_facts: bool, show_info: bool, color: str,
          sarif_suppressed: bool, jobs: int | None) -> None:
    """Read PATH (default: .) and report each runtime's phase and every missing or wrong step."""
    paths = paths or (Path("."),)
    specs = [_format_spec(f) for f in formats] or [("text", None)]
    if output is not None:
        specs = [(name, dest or str(output)) for name, dest in specs]
    _one_report_per_destination(specs)
    rules = catalogue.load()
    unknown = [p for p in _ids(select) + _ids(ignore)
               if p.upper() != "ALL" and not any(r.startswith(p.upper()) for r in rules)]
    if unknown:
        raise click.UsageError(f"no rule matches {', '.join(unknown)} (see `ab-lint rules`)")
    parts: list[ReportData] = []
    failing = bad_input = crashed = False
    root = report_root(list(paths)) if len(paths) > 1 else None
    for path in paths:  # a bad PATH is reported and the others are still read
        try:
            result = check_repository(path, Options(
                config_file, target_phase, _ids(select), _ids(ignore), fail_on,
                jobs or default_jobs(), root))
        except InputError as e:
            click.echo(terminal(f"ab-lint: error: {e}"), err=True)
            bad_input = True
            continue
        except (Exception, RecursionError) as e:  # a bug of ours: say so in one line
            if os.environ.get("AB_LINT_DEBUG"):
                raise
            click.echo(terminal(f"ab-lint: error: internal error while reading {path}: "
                                f"{type(e).__name__}: {str(e)[:200]} (set AB_LINT_DEBUG=1 for "
                                "details and please report it)"), err=True)
            crashed = True
            continue
        failing |= result.failing
        crashed |= result.crashed
        parts.append(result.data)
    if parts:  # several PATHs make one document per format, paths from the root they share
        data = ReportData.merge(parts)
        for name, dest in specs:
            use_color = dest is None and name == "text" and (
                color == "always" or (color == "auto" and sys.stdout.isatty()
                                      and not os.environ.get("NO_COLOR")))
            _write(_render(name, data, dest, color, quiet, statistics, show_facts,
                           sarif_suppressed, show_info),
                   Path(dest) if dest not in (None, "-") else None, use_color)
    # A crash is never mistaken for findings, nor hidden by --exit-zero or fail-on never.
    if crashed:
        sys.exit(EXIT_CRASH)
    if bad_input:
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _one_report_per_destination(specs: list[tuple[str, str | None]]) -> None:
    """Two reports in one stream or file make neither readable (a JSON document followed by a
    SARIF one is valid as neither)."""
    seen: dict[str, str] = {}
    for name, dest in specs:
        key = "stdout" if dest in (None, "-") else os.path.abspath(dest)
        if key in seen:
            where = "stdout" if key == "stdout" else dest
            raise click.UsageError(
                f"--format {seen[key]} and --format {name} would both write to {where}; give "
                f"each its own file (--format {name}:FILE)")
        seen[key] = name


def _render(name: str, data: ReportData, dest: str | None, color: str, quiet: bool,
            statistics: bool, show_facts: bool, keep_suppressed: bool,
            show_info: bool = False) -> str:
    if name == "text":
        use_color = color == "always" or (color == "auto" and dest is None
                                          and sys.stdout.isatty()
                                          and not os.environ.get("NO_COLOR"))
        return text.render(data, click.style if use_color else text._plain, quiet,
                           show_facts, statistics, show_info)
    if name == "sarif":
        return sarif.render(data, keep_suppressed)
    return RENDERERS[name](data)


def _write(report: str, output: Path | None, color: bool = False) -> None:
    if output is None:
        click.echo(report, nl=False, color=color)
        return
    try:
        write_report(report, output)  # a new file renamed onto the name: see writing.py
    except OSError as e:
        click.echo(terminal(f"ab-lint: error: cannot write {output}: {e.strerror or e}"),
                   err=True)
        sys.exit(EXIT_INPUT)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def list_rules(fmt: str) -> None:
    """List the rule catalogue."""
    rules = catalogue.load()
    if fmt == "json":
        import json

        click.echo(json.dumps([{"id": r.id, "name": r.name, "title": r.title, "phase": r.phase,
                                "severity": r.severity, "gates_phase": r.gates,
                                "releases": r.releases or None, "guide": r.guide}
                               for r in rules.values()], indent=2))
        return
    for r in rules.values():
        gate = "gates" if r.gates else "     "
        click.echo(f"{r.id}  phase {r.phase}  {r.severity:<7}  {gate}  {r.title}")


@main.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain a rule: what it checks, why, the wrong and the right shape, the guide link."""
    rules = catalogue.load()
    rule = rules.get(rule_id.upper())
    if rule is None:
        click.echo(terminal(f"ab-lint: error: no rule {rule_id} (see `ab-lint rules`)"),
                   err=True)
        sys.exit(EXIT_INPUT)
    ex = rule.explain
    parts = [f"{rule.id} ({rule.name}): {rule.title}",
             f"phase {rule.phase}, {rule.severity}" + (", gates the phase" if rule.gates else "")
             + (f", SDK releases {rule.releases}" if rule.releases else ""),
             "", "What it does", f"  {ex.get('what', '')}", "", "Why it matters",
             f"  {ex.get('why', '')}"]
    if rule.panic:
        parts += ["", "What a chain shows when it is wrong", f"  {rule.panic}"]
    if ex.get("wrong", "").strip():
        parts += ["", "Example", _indent(ex["wrong"]), "", "Use instead", _indent(ex["right"])]
    parts += ["", "Guide", f"  {rule.guide}"]
    click.echo("\n".join(parts))


def _indent(code: str) -> str:
    return "\n".join(f"    {line}" for line in code.strip("\n").splitlines())

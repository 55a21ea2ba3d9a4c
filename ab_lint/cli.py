"""Command line: `ab-lint [check] PATH...`, `ab-lint rules`, `ab-lint explain AB104`."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from ab_lint import __version__, catalogue
from ab_lint.diagnostics import Diagnostics, InputError
from ab_lint.discover import discover
from ab_lint.facts import TargetFacts, collect
from ab_lint.findings import Finding, severity_rank
from ab_lint.lint import run
from ab_lint.relay import scan
from ab_lint.report import json_report, text

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


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
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--target-phase", type=click.IntRange(1, 3), default=3, show_default=True,
              help="Report only what is needed to reach this phase.")
@click.option("--select", multiple=True, metavar="IDS",
              help="Only these rules: ids or prefixes (AB1, AB30), comma-separated or repeated.")
@click.option("--ignore", multiple=True, metavar="IDS", help="Leave out these rules or prefixes.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              default="error", show_default=True, help="Lowest severity that makes exit code 1.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--quiet", "-q", is_flag=True, help="One line per finding, no code frames or hints.")
@click.option("--facts", "show_facts", is_flag=True, help="Text: also list every fact read.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour the text report (auto: a terminal without NO_COLOR).")
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, target_phase: int,
          select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str, exit_zero: bool,
          quiet: bool, show_facts: bool, color: str) -> None:
    """Read PATH (default: .) and report each runtime's phase and every missing or wrong step."""
    paths = paths or (Path("."),)
    rules = catalogue.load()
    unknown = [p for p in _ids(select) + _ids(ignore)
               if p.upper() != "ALL" and not any(r.startswith(p.upper()) for r in rules)]
    if unknown:
        raise click.UsageError(f"no rule matches {', '.join(unknown)} (see `ab-lint rules`)")
    chosen = catalogue.select(rules, _ids(select), _ids(ignore))
    reports: list[str] = []
    all_findings: list[Finding] = []
    use_color = fmt == "text" and (color == "always" or (
        color == "auto" and output is None and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")))
    for path in paths:
        targets, diags = _read(path)
        relay = scan(diags.root, diags.relative)
        findings = run(targets, chosen, target_phase, relay)
        all_findings += findings
        if fmt == "json":
            reports.append(json_report.render(str(diags.root), targets, findings, diags.items,
                                              target_phase))
        else:
            style = click.style if use_color else text._plain
            reports.append(text.render(targets, findings, diags.items, _sources(targets),
                                       style, quiet, show_facts))
    _write("\n".join(reports), output, use_color)
    failing = fail_on != "never" and any(
        severity_rank(f.severity) >= severity_rank(fail_on) for f in all_findings)
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


def _read(path: Path) -> tuple[list[TargetFacts], Diagnostics]:
    diags = Diagnostics(Path(path).resolve())
    try:
        return collect(discover(path, diags)), diags
    except InputError as e:
        click.echo(f"ab-lint: error: {e}", err=True)
        sys.exit(EXIT_INPUT)
    except (Exception, RecursionError) as e:  # a bug of ours: say so in one line
        if os.environ.get("AB_LINT_DEBUG"):
            raise
        click.echo(f"ab-lint: error: internal error while reading {path}: {type(e).__name__}: "
                   f"{e} (set AB_LINT_DEBUG=1 for details and please report it)", err=True)
        sys.exit(EXIT_INPUT)


def _sources(targets: list[TargetFacts]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for t in targets:
        if t.runtime is None:
            continue
        for source in t.runtime.loader.program.files.values():
            if source is not None:
                out[source.rel] = source.data
        if t.workspace is not None and t.sdk is not None:
            with contextlib.suppress(OSError):
                out[t.workspace.diags.relative(t.sdk.path)] = t.sdk.path.read_bytes()
        for m in (t.runtime.crate.manifest,):
            out[t.runtime.loader.diags.relative(m.path)] = m.text.encode()
    return out


def _write(report: str, output: Path | None, color: bool = False) -> None:
    if output is None:
        click.echo(report, nl=False, color=color)
        return
    try:
        output.write_text(report, encoding="utf-8")
    except OSError as e:
        click.echo(f"ab-lint: error: cannot write {output}: {e.strerror}", err=True)
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
                                "guide": r.guide} for r in rules.values()], indent=2))
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
        click.echo(f"ab-lint: error: no rule {rule_id} (see `ab-lint rules`)", err=True)
        sys.exit(EXIT_INPUT)
    ex = rule.explain
    parts = [f"{rule.id} ({rule.name}): {rule.title}",
             f"phase {rule.phase}, {rule.severity}" + (", gates the phase" if rule.gates else ""),
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

"""Command line: `ab-lint [check] PATH...`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ab_lint import __version__
from ab_lint.diagnostics import Diagnostics, InputError
from ab_lint.discover import discover
from ab_lint.facts import collect
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


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the report to FILE instead of stdout.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported.")
@click.option("--quiet", "-q", is_flag=True, help="Print the phase of each runtime only.")
def check(paths: tuple[Path, ...], fmt: str, output: Path | None, exit_zero: bool,
          quiet: bool) -> None:
    """Read PATH (default: .) and report each runtime's async backing phase and facts."""
    paths = paths or (Path("."),)
    reports: list[str] = []
    for path in paths:
        try:
            diags = Diagnostics(Path(path).resolve())
            workspaces = discover(path, diags)
            targets = collect(workspaces)
        except InputError as e:
            click.echo(f"ab-lint: error: {e}", err=True)
            sys.exit(EXIT_INPUT)
        except (Exception, RecursionError) as e:  # a bug of ours: say so in one line
            if os.environ.get("AB_LINT_DEBUG"):
                raise
            click.echo(f"ab-lint: error: internal error while reading {path}: "
                       f"{type(e).__name__}: {e} (set AB_LINT_DEBUG=1 for details and "
                       "please report it)", err=True)
            sys.exit(EXIT_INPUT)
        root = str(diags.root)
        if fmt == "json":
            reports.append(json_report.render(root, targets, diags.items))
        else:
            reports.append(text.render(root, targets, diags.items, verbose=not quiet))
    out = "\n".join(reports)
    if output is not None:
        try:
            output.write_text(out, encoding="utf-8")
        except OSError as e:
            click.echo(f"ab-lint: error: cannot write {output}: {e.strerror}", err=True)
            sys.exit(EXIT_INPUT)
    else:
        click.echo(out, nl=False)
    # Findings (and exit code 1) arrive with the rule catalogue.
    sys.exit(EXIT_OK)

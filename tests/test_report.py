"""The text report as a person reads it, and the options that shape it."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from ab_lint import catalogue
from ab_lint.findings import Finding
from ab_lint.report import ReportData

from conftest import FIXTURES, run

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("name", ["phase1-done", "failures/heima-4061-stall"])
def test_text_snapshot(name: str) -> None:
    """Set UPDATE_SNAPSHOTS=1 to rewrite after an intended change, then review the diff."""
    result = run("--color", "never", str(FIXTURES / name))
    snapshot = SNAPSHOTS / (name.replace("/", "__") + ".txt")
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(result.stdout)
    assert result.stdout == snapshot.read_text()


def test_report_is_stable_run_to_run() -> None:
    first = run("--color", "never", str(FIXTURES / "multi-runtime")).stdout
    assert all(run("--color", "never", str(FIXTURES / "multi-runtime")).stdout == first
               for _ in range(3))


def test_colour_only_when_asked_or_on_a_terminal() -> None:
    plain = run(str(FIXTURES / "phase2-done")).stdout  # not a terminal under the test runner
    coloured = run("--color", "always", str(FIXTURES / "phase2-done")).stdout
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured


def test_next_steps_name_the_next_phase() -> None:
    out = run("--color", "never", str(FIXTURES / "phase1-done")).stdout
    assert "next step to phase 2" in out
    assert _next_steps(out) == ["AB202"]


def _next_steps(out: str) -> list[str]:
    return re.findall(r"^    \d+\. (AB\d+) ", out.split("next step")[1].split("\n\n")[0], re.M)


def test_next_steps_follow_the_guide_not_rule_ids_or_files() -> None:
    # the guide adds the cumulus-primitives-aura dependency (AB109, step 1.7a) before the
    # runtime API that needs it (AB108, 1.7c), and edits lib.rs's hook before Cargo.toml
    out = run("--color", "never", str(FIXTURES / "legacy-2023")).stdout
    assert _next_steps(out) == ["AB104", "AB105", "AB109", "AB108", "AB111"]


def test_the_guide_order_is_defined_once_in_the_catalogue() -> None:
    rules = catalogue.load()
    gating = [r for r in rules.values() if r.gates]
    assert all(r.step.startswith(f"{r.phase}.") for r in gating)  # a step of its own phase
    phase1 = sorted((r for r in gating if r.phase == 1), key=lambda r: r.order)
    assert [r.id for r in phase1] == ["AB102", "AB104", "AB105", "AB109", "AB110", "AB108",
                                      "AB111"]
    assert catalogue.guide_order("AB999") > rules["AB305"].order  # unknown ids last


def _step(rule: str, path: str, line: int) -> Finding:
    return Finding(rule=rule, severity="error", phase=1, title="t", message="m", fix_hint="f",
                   path=path, line=line, column=1, end_line=line, end_column=2,
                   target="runtime", gates=True)


def test_next_steps_are_sorted_by_guide_step_then_place() -> None:
    # a runtime at phase 0: all ReportData reads of a target for its next steps
    target = SimpleNamespace(runtime_dir="runtime", phase=0)
    found = [_step("AB111", "runtime/src/lib.rs", 1), _step("AB108", "runtime/src/apis.rs", 9),
             _step("AB104", "runtime/src/lib.rs", 50), _step("AB104", "runtime/src/lib.rs", 7),
             _step("AB109", "runtime/Cargo.toml", 3)]
    data = ReportData("/", [target], found, [])
    assert [(f.rule, f.line) for f in data.next_steps(target)] == [
        ("AB104", 7), ("AB104", 50), ("AB109", 3), ("AB108", 9), ("AB111", 1)]


def test_exit_codes() -> None:
    assert run(str(FIXTURES / "phase3-done")).exit_code == 0
    assert run(str(FIXTURES / "phase2-done")).exit_code == 1
    assert run("--exit-zero", str(FIXTURES / "phase2-done")).exit_code == 0
    assert run("--fail-on", "never", str(FIXTURES / "phase2-done")).exit_code == 0
    assert run("--fail-on", "warning", str(FIXTURES / "rules/AB404-short-authoring")).exit_code == 1
    assert run("--select", "AB7", str(FIXTURES / "phase2-done")).exit_code == 2


def _rules(*args: str) -> set[str]:
    result = run("--format", "json", "--exit-zero", *args)
    return {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_target_phase_hides_later_phases() -> None:
    tree = str(FIXTURES / "phase1-done")
    assert {r[:3] for r in _rules(tree)} >= {"AB2", "AB3"}
    assert {r[:3] for r in _rules("--target-phase", "2", tree)} == {"AB2"}
    assert _rules("--target-phase", "1", tree) == set()


def test_select_and_ignore_by_id_and_prefix() -> None:
    tree = str(FIXTURES / "phase2-done")
    assert {r[:3] for r in _rules("--select", "AB3", tree)} == {"AB3"}
    assert _rules("--select", "AB301,AB302", tree) == {"AB301", "AB302"}
    assert "AB301" not in _rules("--ignore", "AB301", tree)
    assert _rules("--select", "ALL", "--ignore", "AB", tree) == set()
    assert _rules("--select", "AB3*", tree) == _rules("--select", "AB3", tree)  # shell-style


def test_quiet_has_one_line_per_finding() -> None:
    out = run("--quiet", "--color", "never", str(FIXTURES / "phase2-done")).stdout
    assert "fix:" not in out and "AB301" in out


def test_json_findings_and_summary() -> None:
    doc = json.loads(run("--format", "json", "--exit-zero",
                         str(FIXTURES / "failures/heima-4061-stall")).stdout)
    f = next(f for f in doc["findings"] if f["rule"] == "AB105")
    assert set(f) >= {"rule", "severity", "phase", "message", "path", "line", "column",
                      "end_line", "end_column", "fix_hint", "target"}
    assert (f["path"], f["line"], f["target"]) == ("runtime/src/lib.rs", 107, "runtime")
    assert doc["summary"]["errors"] == sum(
        1 for x in doc["findings"] if x["severity"] == "error" and not x["later_step"]
        and not x["suppressed"])
    assert doc["summary"]["later_steps"] == sum(1 for x in doc["findings"] if x["later_step"])


def test_rules_lists_the_catalogue() -> None:
    out = run("rules").stdout
    assert "AB104" in out and "AB305" in out
    listed = json.loads(run("rules", "--format", "json").stdout)
    assert {r["id"] for r in listed} >= {"AB101", "AB202", "AB301", "AB401"}


def test_explain_unknown_rule() -> None:
    result = run("explain", "AB999")
    assert result.exit_code == 2 and "no rule AB999" in result.stderr


def test_counts_are_singular_or_plural() -> None:
    from ab_lint.report import plural, tally

    assert [plural(n, "finding") for n in (0, 1, 2)] == ["0 findings", "1 finding", "2 findings"]
    assert tally({"error": 1, "warning": 2, "info": 1, "suppressed": 0}) == (
        "1 error, 2 warnings, 1 info")
    assert tally({"error": 0, "warning": 1, "info": 3, "suppressed": 1}) == (
        "0 errors, 1 warning, 3 info, 1 suppressed")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_summary_counts_in_the_right_number(fmt: str) -> None:
    one = run("--format", fmt, "--select", "AB305", "--color", "never",
              str(FIXTURES / "failures/astar-1481-minimum-period")).stdout
    assert "1 error, 0 warnings, 0 info" in one and "1 errors" not in one
    two = run("--format", fmt, "--select", "AB204,AB304", "--color", "never",
              str(FIXTURES / "phase2-done")).stdout
    assert "0 errors, 2 warnings, 0 info" in two


def test_text_says_runtime_and_step_in_the_singular() -> None:
    out = run("--color", "never", str(FIXTURES / "phase1-done")).stdout
    assert "next step to phase 2 (node on the lookahead collator):" in out
    assert out.splitlines()[-1] == (
        "1 runtime (runtime 1/3): 1 error, 1 warning, 0 info, 6 later steps")
    several = run("--color", "never", str(FIXTURES / "multi-runtime")).stdout
    assert several.splitlines()[-1].startswith("2 runtimes (")
    assert "next steps to phase 3" in several


def _info(rule: str, line: int, target: str | None = "runtime") -> Finding:
    return Finding(rule=rule, severity="info", phase=3, title="t", message=f"about {rule}",
                   fix_hint="f", path="runtime/src/lib.rs", line=line, column=1, end_line=line,
                   end_column=2, target=target)


def test_info_findings_are_one_line_per_runtime_unless_asked() -> None:
    from ab_lint.report.text import render

    target = SimpleNamespace(runtime_dir="runtime", runtime_crate="rt", node_dir="node",
                             phase=3, sdk=None)
    warning = Finding(rule="AB304", severity="warning", phase=3, title="t", message="budget",
                      fix_hint="f", path="runtime/src/lib.rs", line=2, column=1, end_line=2,
                      end_column=2, target="runtime")
    data = ReportData("/", [target], [_info("AB900", 9), _info("AB401", 5), warning,
                                      _info("AB401", 7), _info("AB002", 1, target=None)], [])
    short = render(data)
    assert "  3 info findings not shown (AB401 x2, AB900); --show-info to list them" in short
    assert "    1 info finding not shown (AB002); --show-info to list it" in short
    assert "about AB401" not in short and "budget" in short
    assert short.splitlines()[-1].endswith("0 errors, 1 warning, 4 info")  # still counted
    full = render(data, show_info=True)
    assert "not shown" not in full
    assert all(f"about {r}" in full for r in ("AB401", "AB900", "AB002"))


def test_show_info_is_for_text_only_and_other_formats_keep_info() -> None:
    tree = str(FIXTURES / "phase1-done")
    text = run("--color", "never", tree).stdout
    assert "1 info finding not shown (AB002)" in text and "info AB002" not in text
    assert "info AB002 no local network" in run("--color", "never", "--show-info", tree).stdout
    doc = json.loads(run("--format", "json", tree).stdout)
    assert [f["rule"] for f in doc["findings"] if f["severity"] == "info"] == ["AB002"]
    sarif = json.loads(run("--format", "sarif", tree).stdout)
    assert "AB002" in {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "**info** AB002" in run("--format", "markdown", tree).stdout

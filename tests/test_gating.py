"""Gates that follow the rollout: a runtime is held to its next phase; the steps of later
phases are reported as later steps and never fail the run; a waived gating step counts as met;
`target-phase`, on the command line or per runtime in the settings, holds a runtime to a
phase and leaves out what comes after."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, run


def _json(*args: str) -> tuple[int, dict]:
    result = run("--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _copy(name: str, tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / name, tmp_path / name, symlinks=True)
    return tmp_path / name


def test_a_runtime_is_held_to_its_next_phase() -> None:
    code, doc = _json(str(FIXTURES / "phase1-done"))
    (t,) = doc["targets"]
    assert (t["phase"], t["reached"], t["gated_on"]) == (1, 1, 2)
    now = [f for f in doc["findings"] if not f["later_step"]]
    later = [f for f in doc["findings"] if f["later_step"]]
    assert {f["phase"] for f in now if f["target"]} == {2}
    assert {f["phase"] for f in later} == {3} and len(later) == doc["summary"]["later_steps"]
    assert all(f["fix_hint"].startswith("Once phase 2 is live (not before): ") for f in later)
    # the phase-2 errors fail the run; the phase-3 ones are not counted as errors
    assert code == 1
    assert doc["summary"]["errors"] == sum(1 for f in now if f["severity"] == "error")


def test_later_steps_never_fail_the_run() -> None:
    # phase 1 met, phase-2 rules not selected: only phase-3 errors are left, all later steps
    code, doc = _json("--fail-on", "info", "--select", "AB1,AB3",
                      str(FIXTURES / "phase1-done"))
    assert doc["targets"][0]["gated_on"] == 2
    assert any(f["severity"] == "error" for f in doc["findings"])
    assert all(f["later_step"] for f in doc["findings"])
    assert code == 0


def test_later_steps_in_the_text_report() -> None:
    text = run("--color", "never", str(FIXTURES / "phase1-done")).stdout
    assert "later steps, once phase 2 is live (they do not fail the run):" in text
    assert "later step" in text.splitlines()[-1]


def test_a_value_that_breaks_the_chain_today_is_not_deferred() -> None:
    # stable2512's collator stalls a phase-0 runtime that keeps AllowMultipleBlocksPerSlot false
    _, doc = _json("--exit-zero", str(FIXTURES / "failures/heima-4061-stall"))
    ab301 = [f for f in doc["findings"] if f["rule"] == "AB301"]
    assert ab301 and not ab301[0]["later_step"] and ab301[0]["severity"] == "error"


def _phase3_gating(name: str) -> list[str]:
    _, doc = _json("--exit-zero", str(FIXTURES / name))
    return sorted({f["rule"] for f in doc["findings"] if f["gates_phase"] and f["phase"] == 3})


def test_an_ignored_gating_step_counts_as_met() -> None:
    ids = _phase3_gating("phase2-done")
    assert ids
    code, doc = _json("--ignore", ",".join(ids), str(FIXTURES / "phase2-done"))
    (t,) = doc["targets"]
    assert t["phase"] == 2  # LABELS.md's phase, from the facts alone, is unchanged
    assert t["reached"] == 3
    assert sorted(w["rule"] for w in t["waived"]) == ids
    assert {w["reason"] for w in t["waived"]} == {"--ignore"}
    text = run("--color", "never", "--ignore", ",".join(ids), str(FIXTURES / "phase2-done"))
    assert f"phase 3/3 [###]  async backing active ({ids[0]} waived: --ignore;" in text.stdout


def test_a_suppression_counts_as_met_and_says_why(tmp_path: Path) -> None:
    repo = _copy("phase2-done", tmp_path)
    lib = repo / "runtime/src/lib.rs"
    lines = lib.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if "type AllowMultipleBlocksPerSlot" in line)
    lines.insert(at, "\t// ab-lint: allow(AB301) -- dev chain: one block per slot on purpose")
    lib.write_text("\n".join(lines))
    others = [r for r in _phase3_gating("phase2-done") if r != "AB301"]
    _, doc = _json("--exit-zero", "--ignore", ",".join(others), str(repo))
    (t,) = doc["targets"]
    assert t["reached"] == 3
    assert {"rule": "AB301", "phase": 3,
            "reason": "dev chain: one block per slot on purpose"} in t["waived"]


def test_without_waivers_reached_is_the_phase(fixture_reports: dict[str, dict]) -> None:
    for name, doc in fixture_reports.items():
        for t in doc["targets"]:
            assert (t["reached"], t["waived"]) == (t["phase"], []), name


def test_target_phase_per_runtime_in_the_settings(tmp_path: Path) -> None:
    repo = _copy("shape-startup-collator-choice", tmp_path)
    code, doc = _json(str(repo))
    assert code == 1  # runtimes/slow, at phase 1, is held to phase 2
    (repo / "ab-lint.toml").write_text('target-phase = { "swift-slow-runtime" = 1 }\n')
    code, doc = _json(str(repo))
    gates = {t["runtime"]: t["gated_on"] for t in doc["targets"]}
    assert gates == {"runtimes/fast": 3, "runtimes/slow": 1}
    # held to phase 1 on purpose: what comes after is left out, not listed as later
    assert not [f for f in doc["findings"] if f["target"] == "runtimes/slow" and f["phase"] > 1]
    assert code == 0
    (repo / "ab-lint.toml").write_text('target-phase = { "runtimes/slow" = 2 }\n')
    _, doc = _json("--exit-zero", str(repo))
    assert {t["runtime"]: t["gated_on"] for t in doc["targets"]}["runtimes/slow"] == 2


def test_target_phase_on_the_command_line_leaves_later_phases_out() -> None:
    _, doc = _json("--exit-zero", "--target-phase", "1", str(FIXTURES / "phase1-done"))
    assert doc["summary"]["target_phase"] == 1
    assert all(f["phase"] <= 1 and not f["later_step"] for f in doc["findings"])
    assert doc["targets"][0]["gated_on"] == 1


def test_unused_suppressions_are_judged_only_by_rules_that_ran() -> None:
    fixture = str(FIXTURES / "rules/AB900-unused-suppression")  # allow(AB302), not needed
    assert [f["rule"] for f in _json("--exit-zero", fixture)[1]["findings"]
            if f["rule"] == "AB900"] == ["AB900"]
    for args in (["--target-phase", "2"], ["--ignore", "AB302"], ["--select", "AB1,AB9"]):
        doc = _json("--exit-zero", *args, fixture)[1]
        assert not [f for f in doc["findings"] if f["rule"] == "AB900"], args


def test_later_steps_in_annotations_and_sarif() -> None:
    annotations = run("--format", "github", str(FIXTURES / "phase1-done")).stdout
    assert "AB303" not in annotations and "AB202" in annotations
    assert "later steps (of phases after the one each runtime is held to) are not" in annotations
    sarif = json.loads(run("--format", "sarif", str(FIXTURES / "phase1-done")).stdout)
    levels = {r["ruleId"]: (r["level"], r["properties"]["laterStep"])
              for r in sarif["runs"][0]["results"]}
    assert levels["AB303"] == ("note", True) and levels["AB202"] == ("error", False)


def test_later_steps_and_waivers_in_markdown_and_html() -> None:
    ids = _phase3_gating("phase2-done")
    args = ("--exit-zero", "--ignore", ",".join(ids), str(FIXTURES / "phase2-done"))
    for fmt, heading in (("markdown", "**Later steps**"), ("html", "Later steps")):
        later = run("--format", fmt, "--exit-zero", str(FIXTURES / "phase1-done")).stdout
        assert heading in later and "Once phase 2 is live" in later
        waived = run("--format", fmt, *args).stdout
        assert "waived: --ignore" in waived, fmt

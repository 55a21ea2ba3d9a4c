"""The command line as a user meets it: exit codes, messages, formats, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ab_lint import __version__

from conftest import FIXTURES, run


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_check_is_the_default_command() -> None:
    implicit = run("--format", "json", str(FIXTURES / "phase3-done"))
    explicit = run("check", "--format", "json", str(FIXTURES / "phase3-done"))
    assert implicit.exit_code == explicit.exit_code
    assert json.loads(implicit.stdout) == json.loads(explicit.stdout)


def test_json_contract() -> None:
    doc = json.loads(run("--format", "json", "--exit-zero",
                         str(FIXTURES / "multi-runtime")).stdout)
    assert doc["version"] == 1
    assert set(doc) >= {"version", "root", "targets", "findings", "summary"}
    runtimes = [t["runtime"] for t in doc["targets"]]
    assert runtimes == ["runtimes/alpha", "runtimes/beta"]
    for t in doc["targets"]:
        assert set(t) >= {"runtime", "runtime_crate", "node", "phase", "facts", "node_facts"}
        assert t["node"] == "node"


def test_text_report_names_phase_and_lines() -> None:
    result = run(str(FIXTURES / "phase1-done"))
    assert result.exit_code == 1  # phase 2 and 3 steps are missing: errors
    assert "phase 1/3" in result.stdout
    assert "runtime/src/lib.rs:" in result.stdout


def test_nimbus_runtime_says_phase_does_not_apply() -> None:
    result = run(str(FIXTURES / "nimbus"))
    assert "not an Aura runtime" in result.stdout


@pytest.mark.parametrize("name", ["not-a-parachain"])
def test_not_a_parachain(name: str) -> None:
    result = run(str(FIXTURES / name))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a parachain" in lines[0]
    assert "register_validate_block!" in lines[0]


def test_missing_path(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


def test_empty_directory(tmp_path: Path) -> None:
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "no Cargo.toml" in result.stderr


def test_malformed_root_manifest(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_text("[workspace\nmembers = [")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "Cargo.toml" in result.stderr
    assert "Traceback" not in result.output


def test_broken_input_is_reported_and_the_rest_still_runs() -> None:
    result = run("--format", "json", "--exit-zero", str(FIXTURES / "broken"))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    notes = {(d["path"], d["line"]): d["message"] for d in doc["diagnostics"]}
    assert ("runtime/src/lib.rs", 117) in notes  # the first syntax error, by file and line
    assert any(p == "runtime/src/legacy_weights.rs" and "UTF-8" in m
               for (p, _), m in notes.items())
    assert any(p == "runtime/src/loop" and "symlink" in m for (p, _), m in notes.items())
    assert any(p == "tools/benchmarker" and "Cargo.toml" in m for (p, _), m in notes.items())
    assert doc["targets"][0]["phase"] == 3




def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("--format", "json", "--output", str(out), str(FIXTURES / "phase2-done"))
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text())["targets"][0]["phase"] == 2


def test_nothing_in_the_repository_is_executed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"ab-lint tried to run {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)
    monkeypatch.setattr(os, "execv", refuse)
    for name in ("phase3-done", "split-umbrella", "broken"):
        assert run("--format", "json", "--exit-zero", str(FIXTURES / name)).exit_code == 0


def test_installed_command_runs() -> None:
    """The console script, as a new user calls it (skipped when not installed)."""
    import shutil

    exe = shutil.which("ab-lint")
    if exe is None:
        pytest.skip("ab-lint is not installed on PATH")
    r = subprocess.run([exe, "--format", "json", "--exit-zero", str(FIXTURES / "phase3-done")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert json.loads(r.stdout)["targets"][0]["phase"] == 3


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_several_paths_make_one_document(tmp_path: Path, fmt: str) -> None:
    # two repositories side by side: one document, paths from the folder above both
    for name in ("phase1-done", "phase2-done"):
        shutil.copytree(FIXTURES / name, tmp_path / name, symlinks=True)
    result = run("--format", fmt, "--exit-zero", str(tmp_path / "phase1-done"),
                 str(tmp_path / "phase2-done"))
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # one document, not two concatenated
    if fmt == "json":
        assert doc["root"] == str(tmp_path.resolve())
        assert [t["runtime"] for t in doc["targets"]] == ["phase1-done/runtime",
                                                          "phase2-done/runtime"]
        paths = {f["path"].split("/")[0] for f in doc["findings"]}
    else:
        assert len(doc["runs"]) == 1
        paths = {loc["physicalLocation"]["artifactLocation"]["uri"].split("/")[0]
                 for r in doc["runs"][0]["results"] for loc in r["locations"]}
    assert paths == {"phase1-done", "phase2-done"}


def test_a_runtime_two_paths_hold_is_reported_once(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "multi-runtime", repo, symlinks=True)
    (repo / ".git").mkdir()
    twice = json.loads(run("--format", "json", "--exit-zero", str(repo),
                           str(repo / "runtimes/beta")).stdout)
    once = json.loads(run("--format", "json", "--exit-zero", str(repo)).stdout)
    assert [t["runtime"] for t in twice["targets"]] == ["runtimes/alpha", "runtimes/beta"]
    assert twice["findings"] == once["findings"]


@pytest.mark.parametrize("args", [
    ["--format", "json", "--format", "sarif"],
    ["--format", "json:r.out", "--format", "text:./r.out"],
    ["--format", "json", "--format", "sarif", "--output", "r.out"],
])
def test_two_reports_to_one_destination_are_refused(args: list[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(*args, str(FIXTURES / "phase2-done"))
    assert result.exit_code == 2
    assert "would both write to" in result.stderr and result.stdout == ""
    assert not (tmp_path / "r.out").exists()

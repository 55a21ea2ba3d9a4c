"""The GitHub Action's steps, run as CI would (the pre-commit hook: test_pre_commit.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT


def lint_step() -> dict:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return next(s for s in action["runs"]["steps"] if s.get("id") == "lint")


def run_action(tmp_path: Path, env: dict[str, str], **inputs: str):
    """Run the Action's lint step the way the runner does: inputs into env, then bash."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    values = {k: v.get("default", "") for k, v in action["inputs"].items()} | inputs
    step = lint_step()
    expand = lambda s: re.sub(  # noqa: E731
        r"\$\{\{\s*(inputs\.([\w-]+)|github\.action_path)\s*\}\}",
        lambda m: str(ROOT) if m.group(1) == "github.action_path" else values[m.group(2)], s)
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    output.write_text("")
    summary.write_text("previous step's summary\n")
    step_env = {**env, **{k: expand(v) for k, v in step["env"].items()},
                "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(["bash", "-c", expand(step["run"])], cwd=tmp_path, env=step_env,
                            capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return result, outputs, summary.read_text()


def test_action_annotates_writes_sarif_and_summary(tmp_path: Path, ab_lint_on_path) -> None:
    result, outputs, summary = run_action(tmp_path, ab_lint_on_path,
                                          path=str(FIXTURES / "phase2-done"))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("::") for line in lines)
    assert any(line.startswith("::error file=runtime/src/lib.rs,line=") for line in lines)
    assert outputs == {"sarif-file": "ab-lint.sarif", "exit-code": "1"}
    sarif = json.loads((tmp_path / "ab-lint.sarif").read_text())
    assert sarif["runs"][0]["results"]
    assert summary.startswith("previous step's summary\n## ab-lint")  # appended, not replaced


@pytest.mark.parametrize(("fail_on", "fixture", "code"), [
    ("never", "phase2-done", 0), ("error", "phase3-done", 0),
    ("warning", "rules/AB404-short-authoring", 1), ("error", "rules/AB404-short-authoring", 0),
])
def test_action_fail_on(tmp_path: Path, ab_lint_on_path, fail_on: str, fixture: str,
                        code: int) -> None:
    result, _, _ = run_action(tmp_path, ab_lint_on_path, path=str(FIXTURES / fixture),
                              **{"fail-on": fail_on})
    assert result.returncode == code, result.stderr


def test_action_input_error_always_fails(tmp_path: Path, ab_lint_on_path) -> None:
    result, outputs, _ = run_action(tmp_path, ab_lint_on_path, path=str(tmp_path / "missing"),
                                    **{"fail-on": "never"})
    assert result.returncode == 2 and outputs["exit-code"] == "2"


def test_action_installs_from_its_own_checkout() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    install = next(s for s in action["runs"]["steps"] if s.get("name") == "Install ab-lint")
    assert '"${{ github.action_path }}"' in install["run"]
    assert action["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"


def test_a_crash_fails_the_action_even_with_fail_on_never(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    crashing = bin_dir / "ab-lint"
    crashing.write_text("#!/bin/sh\nexit 3\n")  # ab-lint met a bug
    crashing.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    result, outputs, _ = run_action(tmp_path, env, **{"fail-on": "never"})
    assert result.returncode == 3 and outputs["exit-code"] == "3"

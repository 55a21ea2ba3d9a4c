"""The Action's steps run the way the GitHub runner runs a composite action's `run` steps, for
tests: `${{ }}` expressions of action.yml filled in from the inputs (with their defaults), earlier
steps' outputs and `github.action_path`; the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)
and folders (GITHUB_WORKSPACE, RUNNER_TEMP) set; bash started in the workspace."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def step(step_id: str) -> dict[str, Any]:
    return next(s for s in action()["runs"]["steps"] if s.get("id") == step_id)


def evaluate(expression: str, inputs: Mapping[str, str],
             steps: Mapping[str, Mapping[str, str]]) -> str:
    """The few expressions action.yml writes: contexts, 'literals' and `a || b` (the first
    operand that is not empty)."""
    for operand in (part.strip() for part in expression.split("||")):
        if operand.startswith("'") and operand.endswith("'"):
            value = operand[1:-1]
        elif operand == "github.action_path":
            value = str(ROOT)
        elif m := re.fullmatch(r"inputs\.([\w-]+)", operand):
            value = inputs[m.group(1)]
        elif m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", operand):
            value = steps.get(m.group(1), {}).get(m.group(2), "")
        else:
            raise ValueError(f"an expression these tests cannot evaluate: {operand}")
        if value:
            return value
    return ""


def expand(text: str, inputs: Mapping[str, str], steps: Mapping[str, Mapping[str, str]]) -> str:
    return EXPRESSION.sub(lambda m: evaluate(m.group(1), inputs, steps), text)


def read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: name=value lines and name<<DELIMITER blocks."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for value_line in lines:
                if value_line == delimiter:
                    break
                block.append(value_line)
            outputs[name] = "\n".join(block)
        else:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class StepRun:
    result: subprocess.CompletedProcess[str]
    outputs: dict[str, str]
    summary: str  # the job summary after the step


def run_step(step_id: str, workspace: Path, runner_temp: Path, env: Mapping[str, str],
             inputs: Mapping[str, str] | None = None,
             steps: Mapping[str, Mapping[str, str]] | None = None,
             previous_summary: str = "") -> StepRun:
    """One `run` step of action.yml. `inputs` override the defaults; `steps` are the outputs of
    the steps before it (by id); the job summary holds `previous_summary` before it."""
    values = {k: str(v.get("default", "")) for k, v in action()["inputs"].items()}
    values |= dict(inputs or {})
    spec = step(step_id)
    runner_temp.mkdir(parents=True, exist_ok=True)
    output = runner_temp / f"github_output_{step_id}"
    summary = runner_temp / f"step_summary_{step_id}"
    output.write_text("")
    summary.write_text(previous_summary)
    step_env = {**env,
                **{k: expand(str(v), values, steps or {}) for k, v in spec.get("env", {}).items()},
                "GITHUB_WORKSPACE": str(workspace), "RUNNER_TEMP": str(runner_temp),
                "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    assert spec["shell"] == "bash"
    result = subprocess.run(["bash", "-c", expand(spec["run"], values, steps or {})],
                            cwd=workspace, env=step_env, capture_output=True, text=True,
                            timeout=300)
    return StepRun(result, read_outputs(output), summary.read_text())


def installed_ab_lint(tmp_path: Path) -> dict[str, str]:
    """What the install step outputs, without installing anything: the test environment's
    Python running this checkout (an installed copy could be older than the tree under test)."""
    shim = tmp_path / "ab-lint-shim"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m ab_lint "$@"\n')
    shim.chmod(0o755)
    return {"ab-lint": str(shim), "python": sys.executable}

"""The Action (action.yml and action/): its lint step run as a runner runs it, on a checkout in
GITHUB_WORKSPACE; the job's PATH left alone; the pinned dependencies it installs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from action_runner import StepRun, action, installed_ab_lint, run_step, step
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from sarif_ingest import assert_ingestible, result_files

from ab_lint import __version__

from conftest import FIXTURES, ROOT


def workspace_with(tmp_path: Path, fixture: str, folder: str = "") -> Path:
    """GITHUB_WORKSPACE after actions/checkout: a git work tree holding the fixture, at its root
    or in `folder`."""
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES / fixture, workspace / folder, symlinks=True)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True, capture_output=True)
    return workspace


def lint(tmp_path: Path, workspace: Path, ab_lint: dict[str, str] | None = None,
         **inputs: str) -> StepRun:
    env = {**os.environ, "NO_COLOR": "1"}
    return run_step("lint", workspace, tmp_path / "runner", env, inputs,
                    {"install": ab_lint or installed_ab_lint(tmp_path)},
                    previous_summary="earlier steps' summary\n")


def annotations(stdout: str) -> list[str]:
    """The workflow commands the runner reads: those after ab-lint's stop-commands token."""
    lines = stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    return lines[lines.index(f"::{token}::") + 1:]


def test_lint_step_on_a_checkout(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "phase2-done")
    done = lint(tmp_path, workspace)
    assert done.result.returncode == 1, done.result.stderr
    assert done.outputs == {"sarif-file": "ab-lint.sarif", "exit-code": "1",
                            "phases": '{"runtime":2}', "lowest-phase": "2"}
    raw = (workspace / "ab-lint.sarif").read_text()
    assert_ingestible(raw, workspace)
    files = {m.group(1) for line in annotations(done.result.stdout)
             if (m := re.search(r"file=([^,:]+)", line))}
    assert files and all((workspace / f).is_file() for f in files)
    assert set(result_files(raw)) <= {p.relative_to(workspace).as_posix()
                                      for p in workspace.rglob("*") if p.is_file()}
    assert done.summary.startswith("earlier steps' summary\n## ab-lint")


def test_phases_of_several_runtimes(tmp_path: Path) -> None:
    done = lint(tmp_path, workspace_with(tmp_path, "multi-runtime"))
    assert json.loads(done.outputs["phases"]) == {"runtimes/alpha": 3, "runtimes/beta": 2}
    assert done.outputs["lowest-phase"] == "2"


def test_a_runtime_without_a_phase_and_fail_on_info(tmp_path: Path) -> None:
    # nimbus has no Aura, so no phase; its one finding is an info one
    workspace = workspace_with(tmp_path, "nimbus")
    done = lint(tmp_path, workspace, **{"fail-on": "info"})
    assert done.result.returncode == 1, done.result.stderr
    assert done.outputs["phases"] == '{"runtime":null}' and done.outputs["lowest-phase"] == ""
    assert any(line.startswith("::notice ") for line in annotations(done.result.stdout))
    assert lint(tmp_path, workspace, **{"fail-on": "warning"}).result.returncode == 0


def _error_annotation(stdout: str) -> str:
    errors = [line for line in stdout.splitlines() if line.startswith("::error title=ab-lint::")]
    assert len(errors) == 1, stdout
    return errors[0].removeprefix("::error title=ab-lint::")


def _empty_sarif(path: Path, root: Path) -> None:
    raw = path.read_text()
    assert_ingestible(raw, root)
    [run] = json.loads(raw)["runs"]
    assert run["results"] == []
    assert run["tool"]["driver"]["name"] == "ab-lint"
    assert run["tool"]["driver"]["version"] == __version__


def test_input_error_annotates_and_leaves_an_empty_sarif(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "not-a-parachain")
    (workspace / "ab-lint.sarif").write_text('{"stale": "from an earlier run"}')
    done = lint(tmp_path, workspace, **{"fail-on": "never"})
    assert done.result.returncode == 2
    assert done.outputs == {"sarif-file": "ab-lint.sarif", "exit-code": "2", "phases": "{}",
                            "lowest-phase": ""}
    message = _error_annotation(done.result.stdout)
    assert "not a parachain" in message and "\n" not in message
    assert "not a parachain" in done.result.stderr  # in the log too
    _empty_sarif(workspace / "ab-lint.sarif", workspace)  # replaced: this run wrote none


def test_bad_fail_on_leaves_an_empty_sarif(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "phase2-done")
    done = lint(tmp_path, workspace, **{"fail-on": "sometimes"})
    assert done.result.returncode == 2 and done.outputs["exit-code"] == "2"
    assert "fail-on must be" in _error_annotation(done.result.stdout)
    _empty_sarif(workspace / "ab-lint.sarif", workspace)


def fake_ab_lint(tmp_path: Path, script: str) -> dict[str, str]:
    path = tmp_path / "fake-ab-lint"
    path.write_text("#!/usr/bin/env bash\n" + script)
    path.chmod(0o755)
    return {"ab-lint": str(path), "python": sys.executable}


def test_a_crash_is_annotated_escaped_whatever_fail_on_says(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "phase2-done")
    crashing = fake_ab_lint(tmp_path, "printf 'ab-lint: internal error: 100%% broken\\r\\n"
                                      "::warning::not a command\\n' >&2\nexit 3\n")
    done = lint(tmp_path, workspace, crashing, **{"fail-on": "never"})
    assert done.result.returncode == 3 and done.outputs["exit-code"] == "3"
    assert _error_annotation(done.result.stdout) == (
        "ab-lint: internal error: 100%25 broken%0D%0A::warning::not a command")
    # ab-lint's stderr reaches the log while commands are stopped
    assert "::warning::not a command" not in annotations(done.result.stdout)
    _empty_sarif(workspace / "ab-lint.sarif", workspace)


def test_a_sarif_written_before_a_crash_is_kept(tmp_path: Path) -> None:
    # ab-lint reports everything it could before saying it met a bug (exit 3)
    workspace = workspace_with(tmp_path, "phase2-done")
    writes = fake_ab_lint(tmp_path, 'for a in "$@"; do case $a in sarif:*) '
                                    'echo \'{"kept": true}\' > "${a#sarif:}";; esac; done\n'
                                    "exit 3\n")
    done = lint(tmp_path, workspace, writes)
    assert done.result.returncode == 3
    assert json.loads((workspace / "ab-lint.sarif").read_text()) == {"kept": True}


def test_missing_ab_lint_is_annotated(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "phase2-done")
    done = lint(tmp_path, workspace, {"ab-lint": str(tmp_path / "nowhere"),
                                      "python": sys.executable})
    assert done.result.returncode == 127
    assert "nowhere" in _error_annotation(done.result.stdout)
    _empty_sarif(workspace / "ab-lint.sarif", workspace)


def test_parachain_in_a_subfolder_is_reported_from_the_repository_root(tmp_path: Path) -> None:
    workspace = workspace_with(tmp_path, "phase2-done", folder="chain")
    done = lint(tmp_path, workspace, path="chain")
    assert done.result.returncode == 1, done.result.stderr
    assert_ingestible((workspace / "ab-lint.sarif").read_text(), workspace)
    files = [m.group(1) for line in annotations(done.result.stdout)
             if (m := re.search(r"file=([^,:]+)", line))]
    assert files and all(f.startswith("chain/") for f in files)
    assert "chain/runtime/src/lib.rs" in done.summary


# The job's Python and PATH

def test_the_job_path_is_left_alone() -> None:
    steps = action()["runs"]["steps"]
    [setup] = [s for s in steps if "setup-python" in s.get("uses", "")]
    # setup-python prepends its Python to PATH for every later step unless told not to; it only
    # runs when the runner has no Python new enough
    assert setup["uses"] == "actions/setup-python@v6"
    assert setup["with"]["update-environment"] is False
    assert setup["if"] == "steps.python.outputs.python == ''"
    scripts = "".join((ROOT / "action" / n).read_text() for n in
                      ("find-python.sh", "install.sh", "run.sh"))
    assert "GITHUB_PATH" not in scripts and "GITHUB_ENV" not in scripts
    lint_env = step("lint")["env"]
    assert lint_env["AB_LINT_BIN"] == "${{ steps.install.outputs.ab-lint }}"
    assert lint_env["AB_LINT_PYTHON"] == "${{ steps.install.outputs.python }}"
    assert "-c \"$here/constraints.txt\"" in (ROOT / "action" / "install.sh").read_text()


def _requires_python() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]


def test_find_python_asks_what_pyproject_asks() -> None:
    minimum = re.search(r'minimum="([\d.]+)"', (ROOT / "action" / "find-python.sh").read_text())
    assert minimum and _requires_python() == f">={minimum.group(1)}"


@pytest.mark.parametrize("new_enough", [True, False])
def test_find_python_takes_the_runner_python_only_when_new_enough(tmp_path: Path,
                                                                  new_enough: bool) -> None:
    bin_dir = tmp_path / "bin"  # the whole PATH: bash and one python3
    bin_dir.mkdir()
    shutil.copy(shutil.which("bash") or "/bin/bash", bin_dir / "bash")
    python3 = bin_dir / "python3"
    if new_enough:
        python3.symlink_to(sys.executable)  # this test's Python: pyproject's minimum or newer
    else:  # fails the version check, as a Python older than the minimum does
        python3.write_text("#!/bin/sh\nexit 1\n")
        python3.chmod(0o755)
    done = run_step("python", tmp_path, tmp_path / "runner", {"PATH": str(bin_dir)})
    assert done.result.returncode == 0, done.result.stderr
    assert done.outputs == ({"python": str(python3)} if new_enough else {})


def test_python_version_input_fetches_that_version(tmp_path: Path) -> None:
    done = run_step("python", tmp_path, tmp_path / "runner", dict(os.environ),
                    {"python-version": "3.13"})
    assert done.result.returncode == 0 and done.outputs == {}  # setup-python's turn
    [setup] = [s for s in action()["runs"]["steps"] if "setup-python" in s.get("uses", "")]
    assert setup["with"]["python-version"] == "${{ inputs.python-version || '3.12' }}"


# The pinned dependencies

CONSTRAINTS = ROOT / "action" / "constraints.txt"
PLATFORMS = [{"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
             {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
             {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"}]
PYTHONS = ["3.11", "3.12", "3.13", "3.14"]


def pins() -> dict[str, str]:
    found = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            [spec] = req.specifier
            assert spec.operator == "==" and not req.marker and not req.extras, line
            found[canonicalize_name(req.name)] = spec.version
    return found


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]]


def _applies(req: Requirement, environment: dict[str, str]) -> bool:
    return req.marker is None or Marker(str(req.marker)).evaluate({**environment, "extra": ""})


def test_constraints_are_exact_and_within_pyproject_ranges() -> None:
    pinned = pins()
    for req in runtime_requirements():
        name = canonicalize_name(req.name)
        assert name in pinned, f"{req.name} is not pinned in {CONSTRAINTS.name}"
        assert SpecifierSet(str(req.specifier)).contains(pinned[name], prereleases=True), (
            f"{req.name}=={pinned[name]} is outside pyproject's {req.specifier}")


def test_constraints_cover_the_whole_runtime_tree() -> None:
    """Every package ab-lint's dependencies pull in, on Linux, macOS and Windows runners and
    every Python from pyproject's minimum up, is pinned, at a version its dependents accept
    (read from the installed packages' metadata)."""
    pinned = pins()
    missing, refused = set(), []
    for platform in PLATFORMS:
        for python in PYTHONS:
            environment = {**platform, "python_version": python, "python_full_version": python}
            todo = [r for r in runtime_requirements() if _applies(r, environment)]
            seen: set[str] = set()
            while todo:
                req = todo.pop()
                name = canonicalize_name(req.name)
                if name not in pinned:
                    missing.add(req.name)
                    continue
                if not req.specifier.contains(pinned[name], prereleases=True):
                    refused.append(f"{req} refuses {name}=={pinned[name]}")
                if name in seen:
                    continue
                seen.add(name)
                try:
                    requires = metadata.requires(name) or []
                except metadata.PackageNotFoundError:
                    pytest.fail(f"{name} is not installed here: its dependencies are unknown")
                todo += [r for r in map(Requirement, requires) if _applies(r, environment)]
    assert not missing and not refused, (sorted(missing), refused)


@pytest.mark.skipif(Path(os.environ.get("PIP_CONSTRAINT", "/nonexistent")).resolve()
                    != CONSTRAINTS.resolve(),
                    reason="not installed with the Action's pins (.ci/run installs them so)")
def test_the_suite_runs_on_the_pinned_versions() -> None:
    pinned, todo, seen = pins(), runtime_requirements(), set()
    while todo:  # ab-lint's runtime tree here (setuptools, the build backend, is not in it)
        req = todo.pop()
        name = canonicalize_name(req.name)
        if name in seen or not _applies(req, {}):
            continue
        seen.add(name)
        assert metadata.version(name) == pinned[name], f"{name} is not at its pinned version"
        todo += map(Requirement, metadata.requires(name) or [])
    assert {"tree-sitter", "click", "markupsafe"} <= seen


def test_readme_cites_no_tag_the_repository_lacks() -> None:
    text = (ROOT / "README.md").read_text()
    refs = (re.findall(r"uses: ab-lint/ab-lint@(\S+)", text)
            + re.findall(r"^\s+rev: (\S+)", text, re.MULTILINE))
    assert len(refs) == 2  # the Action's and the pre-commit hook's
    tags: set[str] = set()
    if (ROOT / ".git").exists():
        tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.split())
    assert all(ref == "<commit-sha>" or ref in tags for ref in refs), (refs, sorted(tags))


def test_empty_inputs_leave_the_gates_to_the_repository(tmp_path: Path) -> None:
    # phase1-done is held to phase 2 by default: its phase-2 error fails the step, its phase-3
    # steps are later steps, in the summary and not annotated
    workspace = workspace_with(tmp_path, "phase1-done")
    done = lint(tmp_path, workspace)
    assert done.result.returncode == 1, done.result.stderr
    commands = annotations(done.result.stdout)
    assert any("AB202" in c for c in commands) and not any("AB303" in c for c in commands)
    assert "Later steps" in done.summary and "AB303" in done.summary
    # the team's settings hold it to phase 1, which it meets: the step passes
    (workspace / "ab-lint.toml").write_text("target-phase = 1\n")
    (tmp_path / "again").mkdir()
    done = lint(tmp_path / "again", workspace)
    assert done.result.returncode == 0, done.result.stdout + done.result.stderr
    # an input still wins over the settings
    (tmp_path / "third").mkdir()
    done = lint(tmp_path / "third", workspace, **{"target-phase": "2"})
    assert done.result.returncode == 1


def test_phases_count_waived_steps_as_met(tmp_path: Path) -> None:
    # phase2-done misses only phase-3 steps; with those rules ignored it has reached phase 3
    workspace = workspace_with(tmp_path, "phase2-done")
    done = lint(tmp_path, workspace, args="--ignore AB301,AB302,AB303,AB304,AB305")
    assert done.outputs["phases"] == '{"runtime":3}' and done.outputs["lowest-phase"] == "3"
    assert "waived: --ignore" in done.summary

"""The Action (action.yml and action/): the job's PATH left alone; the pinned dependencies it
installs."""

from __future__ import annotations

import os
import re
import shutil
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from action_runner import action, run_step, step
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from conftest import ROOT

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

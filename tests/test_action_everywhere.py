"""The Action's lint step, run as a runner runs it, on every fixture and every corpus case with
the parachain in a subfolder of the workspace (`path: chain`): every path in every output is
relative to the repository's root and names a file there, and the SARIF is one code scanning
ingests."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from action_runner import installed_ab_lint, run_step
from sarif_ingest import assert_ingestible, result_files
from test_rules import _corpus_cases, corpus_tree

from conftest import FIXTURES, fixture_names

# `file=path,line=..` in a workflow command; the path is escaped as a property (`,` and `:`
# as %2C and %3A), so it ends at the first of them
FILE = re.compile(r"file=([^,]+)")
# `path:line` as the markdown summary writes it, in a code span
SUMMARY_PLACE = re.compile(r"`([^`\s]+?)(?::\d+)?`")


def _lint(tmp_path: Path, workspace: Path, folder: str) -> tuple[Any, dict, str]:
    sarif = tmp_path / "out" / "ab-lint.sarif"
    sarif.parent.mkdir()
    done = run_step("lint", workspace, tmp_path / "runner", {**os.environ, "NO_COLOR": "1"},
                    {"path": folder, "fail-on": "never", "sarif-file": str(sarif)},
                    {"install": installed_ab_lint(tmp_path)})
    assert done.result.returncode in (0, 2), done.result.stderr
    return done, done.outputs, sarif.read_text()


def _check_paths(workspace: Path, folder: str, stdout: str, summary: str, sarif: str,
                 ran: bool) -> None:
    assert_ingestible(sarif, workspace)
    uris = list(result_files(sarif))
    assert all(u.startswith(f"{folder}/") for u in uris), uris[:5]
    lines = stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    commands = lines[lines.index(f"::{token}::") + 1:]
    files = [m.group(1) for line in commands if (m := FILE.search(line))]
    assert all(f.startswith(f"{folder}/") and (workspace / f).is_file() for f in files), files
    if ran:
        assert uris or files or "0 errors, 0 warnings" in summary
        places = [p for p in SUMMARY_PLACE.findall(summary) if "/" in p and "." in p]
        assert all((workspace / p).is_file() for p in places
                   if p.startswith(f"{folder}/")), places
        assert not [p for p in places if p.endswith((".rs", ".toml"))
                    and not p.startswith(f"{folder}/")], places


@pytest.mark.parametrize("name", fixture_names(with_error=True))
def test_every_fixture_from_a_subfolder(tmp_path: Path, name: str) -> None:
    workspace = tmp_path / "workspace"
    shutil.copytree(FIXTURES / name, workspace / "chain", symlinks=True)
    subprocess.run(["git", "init", "-q", str(workspace)], check=True, capture_output=True)
    done, outputs, sarif = _lint(tmp_path, workspace, "chain")
    ran = done.result.returncode != 2
    _check_paths(workspace, "chain", done.result.stdout, done.summary, sarif, ran)
    if ran:
        phases = json.loads(outputs["phases"])
        assert all(r.startswith("chain/") for r in phases), phases


@pytest.mark.parametrize("case", _corpus_cases())
def test_every_corpus_case_from_a_subfolder(tmp_path: Path, case: dict[str, Any]) -> None:
    # The export sits in the corpus cache; the cache plays the workspace (outside git, ab-lint
    # names files from GITHUB_WORKSPACE) and the case is its subfolder: nothing is copied.
    tree = corpus_tree(case)
    done, outputs, sarif = _lint(tmp_path, tree.parent, tree.name)
    assert done.result.returncode == 0, done.result.stderr
    _check_paths(tree.parent, tree.name, done.result.stdout, done.summary, sarif, True)
    labelled = {t["runtime"] for t in case["targets"]}
    assert {r.removeprefix(f"{tree.name}/") for r in json.loads(outputs["phases"])} >= labelled

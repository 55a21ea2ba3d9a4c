"""ab-lint's SARIF is what GitHub code scanning ingests (tests/sarif_ingest.py), on every fixture;
and the checker itself catches each thing code scanning refuses."""

from __future__ import annotations

import base64
import copy
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sarif_ingest import MAX_DESCRIPTION, MAX_RUNS, assert_ingestible, problems

from conftest import FIXTURES, run


def all_fixtures() -> list[str]:
    """Every fixture tree ab-lint lints (nested ones under rules/ and failures/ included)."""
    names = []
    for expected in sorted(FIXTURES.rglob("expected.json")):
        if not json.loads(expected.read_text()).get("error"):
            names.append(expected.parent.relative_to(FIXTURES).as_posix())
    return names


def checkout(tmp_path: Path, name: str) -> Path:
    """The fixture as a repository of its own, as actions/checkout leaves it: its root is the
    repository root whether ab-lint takes PATH or the git top level as the root."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / name, repo, symlinks=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    return repo


def sarif_of(repo: Path, *args: str) -> str:
    result = run("--format", "sarif", "--exit-zero", *args, str(repo))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("name", all_fixtures())
def test_fixture_sarif_is_ingestible(tmp_path: Path, name: str) -> None:
    repo = checkout(tmp_path, name)
    raw = sarif_of(repo)
    assert_ingestible(raw, repo)
    for run_ in json.loads(raw)["runs"]:
        # the upload step's `category` input names the analysis; a category in the file
        # would take its place
        assert "automationDetails" not in run_


def test_kept_suppressions_are_ingestible(tmp_path: Path) -> None:
    repo = checkout(tmp_path, "rules/suppressed")
    raw = sarif_of(repo, "--sarif-suppressed")
    assert_ingestible(raw, repo)
    assert any(r.get("suppressions") for r in json.loads(raw)["runs"][0]["results"])


# The checker refuses what code scanning refuses: one broken copy of a good file per case.

Doc = dict[str, Any]


def _first(doc: Doc) -> Doc:
    return doc["runs"][0]["results"][0]


def _physical(doc: Doc) -> Doc:
    return _first(doc)["locations"][0]["physicalLocation"]


def _set_uri(uri: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _physical(doc)["artifactLocation"]["uri"] = uri
    return mutate


def _more_runs(doc: Doc) -> None:
    doc["runs"] = [copy.deepcopy(doc["runs"][0]) for _ in range(MAX_RUNS + 1)]
    for i, run_ in enumerate(doc["runs"]):
        run_["automationDetails"] = {"id": f"cat{i}/"}


def _same_category(doc: Doc) -> None:
    doc["runs"].append(copy.deepcopy(doc["runs"][0]))


BROKEN: dict[str, tuple[Callable[[Doc], None], str]] = {
    "no location": (lambda d: _first(d).pop("locations"), "no location"),
    "empty locations": (lambda d: _first(d).update(locations=[]), "no location"),
    "absolute file URI": (_set_uri("file:///etc/passwd"), "not a relative path"),
    "leading slash": (_set_uri("/runtime/src/lib.rs"), "not a relative path"),
    "dot-dot": (_set_uri("runtime/../runtime/src/lib.rs"), "'..' segment"),
    "missing file": (_set_uri("runtime/src/nope.rs"), "not a regular file"),
    "a folder": (_set_uri("runtime/src"), "not a regular file"),
    "bad escape": (_set_uri("runtime/src/lib%zz.rs"), "bad %-escape"),
    "undefined rule": (lambda d: _first(d).update(ruleId="AB999"), "not a rule"),
    "wrong rule index": (lambda d: _first(d).update(ruleIndex=0, ruleId="AB104"),
                         "not the index"),
    "level info": (lambda d: _first(d).update(level="info"), "level 'info'"),
    "no message": (lambda d: _first(d).update(message={"text": ""}), "no message.text"),
    "no region": (lambda d: _physical(d).pop("region"), "no region.startLine"),
    "line zero": (lambda d: _physical(d)["region"].update(startLine=0), "positive integer"),
    "past the end": (lambda d: _physical(d)["region"].update(startLine=10 ** 6, endLine=10 ** 6),
                     "past the file"),
    "ends first": (lambda d: _physical(d)["region"].update(startLine=3, endLine=2),
                   "ends (line 2) before"),
    "too many runs": (_more_runs, "runs, more than 20"),
    "two runs, one category": (_same_category, "same tool and category"),
    "long description": (
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].update(
            shortDescription={"text": "x" * (MAX_DESCRIPTION + 1)}), "more than 1024"),
    "too many tags": (lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].update(
        properties={"tags": [str(i) for i in range(21)]}), "21 tags"),
    "rule level info": (lambda d: d["runs"][0]["tool"]["driver"]["rules"][0].update(
        defaultConfiguration={"level": "info"}), "defaultConfiguration.level"),
    "no results array": (lambda d: d["runs"][0].pop("results"), "no results[]"),
    "base elsewhere": (lambda d: d["runs"][0]["originalUriBaseIds"]["SRCROOT"].update(
        uri="file:///somewhere/else/"), "not the repository's"),
    "unknown base": (lambda d: _physical(d)["artifactLocation"].update(uriBaseId="NOPE"),
                     "not in run.originalUriBaseIds"),
}


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Doc]:
    repo = checkout(tmp_path_factory.mktemp("good"), "phase2-done")
    raw = sarif_of(repo)
    assert problems(raw, repo) == []
    return repo, json.loads(raw)


@pytest.mark.parametrize("case", list(BROKEN))
def test_checker_refuses(good: tuple[Path, Doc], case: str) -> None:
    repo, doc = good
    broken = copy.deepcopy(doc)
    mutate, expected = BROKEN[case]
    mutate(broken)
    found = problems(json.dumps(broken), repo)
    assert any(expected in p for p in found), found


def test_checker_refuses_a_file_reached_through_a_link(good: tuple[Path, Doc]) -> None:
    repo, doc = good
    link = repo / "linked"
    if not link.exists():
        link.symlink_to("runtime", target_is_directory=True)
    broken = copy.deepcopy(doc)
    _set_uri("linked/src/lib.rs")(broken)
    assert any("symbolic link" in p for p in problems(json.dumps(broken), repo))


def test_checker_refuses_nan_and_a_file_over_the_size_limit(good: tuple[Path, Doc]) -> None:
    repo, doc = good
    assert any("not JSON" in p for p in problems('{"version": NaN}', repo))
    huge = copy.deepcopy(doc)
    # random bytes, so that gzip cannot shrink them below the limit
    huge["runs"][0]["properties"] = {"pad": base64.b64encode(os.urandom(11_000_000)).decode()}
    assert any("gzip" in p for p in problems(json.dumps(huge), repo))

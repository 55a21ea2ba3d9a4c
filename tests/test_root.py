"""Every path in every format is relative to the repository's top (the git work tree, or
GitHub Actions' workspace outside git), whatever PATH was given and whatever the current
directory: GitHub attaches an annotation or a SARIF result only to a path of the repository."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run


def _repository(tmp_path: Path, sub: str = "chain", git_at: str | None = "") -> Path:
    """multi-runtime copied to `sub` of a repository; `git_at` is where the work tree starts
    (None: no git at all)."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "multi-runtime", repo / sub, symlinks=True)
    if git_at is not None:
        (repo / git_at / ".git").mkdir(parents=True, exist_ok=True)
    return repo


def _formats(path: Path, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    names = ("json", "sarif", "github", "markdown", "html", "text")
    result = run("--exit-zero", *[f"--format={n}:{out / n}" for n in names], str(path))
    assert result.exit_code == 0, result.output
    return {n: (out / n).read_text() for n in names}


def _json_paths(doc: dict) -> list[str]:
    return ([f["path"] for f in doc["findings"]] + [d["path"] for d in doc["diagnostics"]]
            + [loc["path"] for t in doc["targets"] for loc in t["locations"].values()])


@pytest.mark.parametrize("given", ["chain", "chain/runtimes/beta", "chain/runtimes/beta/src"])
def test_paths_are_relative_to_the_git_top(tmp_path: Path, given: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repository(tmp_path)
    monkeypatch.chdir(tmp_path)  # the current folder is neither the repository nor PATH
    reports = _formats(repo / given, tmp_path)
    doc = json.loads(reports["json"])
    assert doc["root"] == str(repo.resolve())
    runtimes = [t["runtime"] for t in doc["targets"]]
    assert runtimes == (["chain/runtimes/beta"] if "beta" in given
                        else ["chain/runtimes/alpha", "chain/runtimes/beta"])
    paths = _json_paths(doc)
    assert paths and all(p.startswith("chain/") and (repo / p).is_file() for p in paths)
    sarif = json.loads(reports["sarif"])
    uris = [loc["physicalLocation"]["artifactLocation"]["uri"]
            for r in sarif["runs"][0]["results"] for loc in r["locations"]]
    assert uris and all(u.startswith("chain/") for u in uris)
    files = re.findall(r"file=([^,:]+)", reports["github"])
    assert files and all(f.startswith("chain/") for f in files)
    for name in ("markdown", "text", "html"):
        assert "chain/runtimes/beta/src/lib.rs" in reports[name], name


def test_outside_git_the_actions_workspace_is_the_root(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repository(tmp_path, git_at=None)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    doc = json.loads(_formats(repo / "chain", tmp_path)["json"])
    assert doc["root"] == str(repo.resolve())
    assert all(p.startswith("chain/") for p in _json_paths(doc))


def test_a_checkout_in_a_subfolder_of_the_workspace_names_its_own_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # actions/checkout with `path: chain`: the repository's files are named from chain/
    repo = _repository(tmp_path, git_at="chain")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    doc = json.loads(_formats(repo / "chain", tmp_path)["json"])
    assert doc["root"] == str((repo / "chain").resolve())
    assert [t["runtime"] for t in doc["targets"]] == ["runtimes/alpha", "runtimes/beta"]


def test_outside_git_and_actions_the_folder_given_is_the_root(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    repo = _repository(tmp_path, git_at=None)
    doc = json.loads(_formats(repo / "chain", tmp_path)["json"])
    assert doc["root"] == str((repo / "chain").resolve())
    assert {t["runtime"] for t in doc["targets"]} == {"runtimes/alpha", "runtimes/beta"}
    assert doc["targets"][0]["node"] == "node"


@pytest.mark.parametrize("folder", ["other", "chain"])
def test_local_networks_are_looked_for_in_the_folder_checked_only(tmp_path: Path,
                                                                  folder: str) -> None:
    # another project's zombienet file elsewhere in the repository is not this parachain's
    repo = _repository(tmp_path)
    (repo / folder).mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "rules/AB001-AB002-relay-configs/zombienet.toml",
                repo / folder / "zombienet.toml")
    doc = json.loads(_formats(repo / "chain", tmp_path)["json"])
    ab001 = [f["path"] for f in doc["findings"] if f["rule"] == "AB001"]
    assert ab001 == ([] if folder == "other" else ["chain/zombienet.toml"])


def _shared_block_time(tmp_path: Path) -> Path:
    """Two phase-1 runtimes (beta, and gamma a copy of it) whose block time comes from one
    shared file."""
    repo = tmp_path / "shared"
    shutil.copytree(FIXTURES / "multi-runtime", repo, symlinks=True)
    shutil.copytree(repo / "runtimes/beta", repo / "runtimes/gamma")
    manifest = repo / "runtimes/gamma/Cargo.toml"
    manifest.write_text(manifest.read_text().replace('"beta-runtime"', '"gamma-runtime"'))
    (repo / "common").mkdir()
    (repo / "common/block_times.rs").write_text(
        "pub const MILLISECS_PER_BLOCK: u64 = 12_000;\n"
        "pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;\n")
    for name in ("beta", "gamma"):
        lib = repo / f"runtimes/{name}/src/lib.rs"
        text = lib.read_text()
        start = text.index("mod block_times {")
        end = text.index("}\n", start) + 2
        lib.write_text(text[:start] + '#[path = "../../../common/block_times.rs"]\n'
                       "mod block_times;\n" + text[end:])
    return repo


def test_one_finding_per_rule_and_place_names_every_runtime(tmp_path: Path) -> None:
    reports = _formats(_shared_block_time(tmp_path), tmp_path)
    doc = json.loads(reports["json"])
    shared = [f for f in doc["findings"] if f["path"] == "common/block_times.rs"]
    assert [f["rule"] for f in shared] == ["AB303"]  # once, not once per runtime
    assert shared[0]["targets"] == ["runtimes/beta", "runtimes/gamma"]
    assert shared[0]["target"] == "runtimes/beta"
    # elsewhere each runtime keeps its own findings
    own = {(f["rule"], f["path"]) for f in doc["findings"] if f["target"] == "runtimes/gamma"}
    assert ("AB302", "runtimes/gamma/src/lib.rs") in own
    annotations = [a for a in reports["github"].splitlines() if "block_times.rs" in a]
    assert len(annotations) == 1 and "in 2 runtimes: runtimes/beta, runtimes/gamma" in (
        annotations[0])
    sarif = json.loads(reports["sarif"])["runs"][0]["results"]
    located = [r for r in sarif if r["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"] == "common/block_times.rs"]
    assert len(located) == 1
    assert located[0]["properties"]["targets"] == ["runtimes/beta", "runtimes/gamma"]


def test_markdown_and_html_link_each_place_to_the_commit_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repository(tmp_path)
    sha = "0123456789abcdef0123456789abcdef01234567"
    monkeypatch.setenv("GITHUB_REPOSITORY", "osprey/chain")
    monkeypatch.setenv("GITHUB_SHA", sha)
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    reports = _formats(repo / "chain", tmp_path)
    url = f"https://github.com/osprey/chain/blob/{sha}/chain/runtimes/beta/src/lib.rs#L"
    assert f"]({url}" in reports["markdown"]
    assert f'<a href="{url}' in reports["html"]
    # anything but a commit id is not put in a link
    monkeypatch.setenv("GITHUB_SHA", "main)[x](javascript:alert(1)")
    reports = _formats(repo / "chain", tmp_path)
    assert "/blob/" not in reports["markdown"] and "/blob/" not in reports["html"]


def test_markdown_and_html_list_a_shared_finding_once_in_full(tmp_path: Path) -> None:
    reports = _formats(_shared_block_time(tmp_path), tmp_path)
    for name in ("markdown", "html", "text"):
        report = reports[name]
        assert report.count("the block time is 12000 ms") == 1, name
        assert "in 2 runtimes: runtimes/beta, runtimes/gamma" in report, name
        assert "hared with another runtime" in report, name


def test_two_rules_asking_for_one_edit_at_one_place_are_one_finding() -> None:
    # AB204 (the guide's 2000 ms) and AB404 (authoring shorter than the block weight) both
    # want authoring_duration 2000 ms at the same line
    doc = json.loads(run("--format", "json", "--exit-zero",
                         str(FIXTURES / "rules/AB404-short-authoring")).stdout)
    at = [f for f in doc["findings"] if (f["path"], f["line"]) == ("node/src/service.rs", 73)]
    assert [(f["rule"], f["also"]) for f in at] == [("AB204", ["AB404"])]
    assert "; also AB404: " in at[0]["message"]

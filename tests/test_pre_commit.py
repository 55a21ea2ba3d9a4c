"""The pre-commit hook: which changes start it, and the real pre-commit running it on a
parachain in the middle of its migration."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ab_lint.config import FILES
from ab_lint.relay import scan

from conftest import FIXTURES, ROOT


def hook() -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return next(h for h in hooks if h["id"] == "ab-lint")


def starts_hook(path: str) -> bool:
    """Whether a change to `path` runs the hook: pre-commit searches `files` in the path."""
    return re.search(hook()["files"], path) is not None


# Fixtures holding local networks or chain specs that AB001/AB002 read.
RELAY_FIXTURES = ["omni-node", "shape-not-targets", "rules/AB001-AB002-relay-configs",
                  "rules/relay-ok", "rules/AB002-relay-before-async-backing"]


@pytest.mark.parametrize("name", RELAY_FIXTURES)
def test_a_change_to_a_network_or_chain_spec_the_relay_rules_read_runs_the_hook(
        name: str) -> None:
    root = FIXTURES / name
    found = scan(root, lambda p: p.relative_to(root).as_posix())
    read = {c.rel for c in found.configs} | set(found.networks)
    assert read, f"{name}: no network or chain spec read"
    assert [p for p in read if not starts_hook(p)] == []


@pytest.mark.parametrize("path", [*FILES, "Cargo.toml", "runtime/Cargo.toml", "Cargo.lock",
                                  "runtime/src/lib.rs", "node/src/service.rs"])
def test_a_change_to_a_file_ab_lint_reads_runs_the_hook(path: str) -> None:
    assert starts_hook(path)


@pytest.mark.parametrize("path", ["README.md", "docs/architecture.png", "scripts/deploy.sh",
                                  "Cargo.lock.orig"])
def test_other_changes_do_not_run_the_hook(path: str) -> None:
    assert not starts_hook(path)


# What a hook repository clone would not hold: local environments, caches, build output.
_NOT_IN_CLONE = shutil.ignore_patterns(".git", ".venv", ".venv-*", "__pycache__", "*.egg-info",
                                       ".pytest_cache", ".ruff_cache", ".hypothesis", "build",
                                       "dist")


def _git(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)


def _pre_commit(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_real_pre_commit_passes_a_repository_mid_migration_and_stops_a_commit_breaking_it(
        tmp_path: Path) -> None:
    """phase2-done: the node runs the lookahead collator, the runtime still has its phase-1
    values. A team there gates its commits on phase 2: committing passes, and a commit that
    takes the consensus hook out (a phase-1 step) is stopped."""
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (the test extra)")
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1",
           # the developer's git settings (signing, hooksPath, templates) are not the test's
           "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}

    # pre-commit installs a hook repository at a commit: this working tree, committed.
    hook_repo = tmp_path / "ab-lint"
    shutil.copytree(ROOT, hook_repo, symlinks=True, ignore=_NOT_IN_CLONE)
    _git(hook_repo, env, "init", "-q")
    _git(hook_repo, env, "add", "-A")
    _git(hook_repo, env, "commit", "-q", "-m", "ab-lint under test")
    rev = _git(hook_repo, env, "rev-parse", "HEAD").stdout.strip()

    chain = tmp_path / "parachain"
    shutil.copytree(FIXTURES / "phase2-done", chain, symlinks=True)
    (chain / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{
        "repo": str(hook_repo), "rev": rev,
        # explicit until the default gates a runtime on its next phase alone
        "hooks": [{"id": "ab-lint", "args": ["--target-phase", "2"]}]}]}))
    _git(chain, env, "init", "-q")
    built = _pre_commit(chain, env, "install-hooks")
    if built.returncode != 0:
        tail = "\n".join((built.stdout + built.stderr).strip().splitlines()[-5:])
        pytest.skip(f"pre-commit could not build the hook's environment (it pip-installs "
                    f"ab-lint and its dependencies from the package index):\n{tail}")
    _pre_commit(chain, env, "install")

    _git(chain, env, "add", "-A")
    first = subprocess.run(["git", "commit", "-m", "node on the lookahead collator"], cwd=chain,
                           env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stdout + first.stderr
    # git lets the hook write to its stderr
    assert re.search(r"ab-lint \(async backing readiness\)\.+Passed", first.stderr)
    every = _pre_commit(chain, env, "run", "--all-files")
    assert every.returncode == 0, every.stdout + every.stderr
    assert re.search(r"ab-lint \(async backing readiness\)\.+Passed", every.stdout)

    lib = chain / "runtime/src/lib.rs"
    text, n = re.subn(r"type ConsensusHook = FixedVelocityConsensusHook<.*?>;",
                      "type ConsensusHook = "
                      "cumulus_pallet_parachain_system::consensus_hook::ExpectParentIncluded;",
                      lib.read_text(), count=1, flags=re.DOTALL)
    assert n == 1
    lib.write_text(text)
    _git(chain, env, "add", "-A")
    broken = subprocess.run(["git", "commit", "-m", "drop the consensus hook"], cwd=chain,
                            env=env, capture_output=True, text=True)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert re.search(r"ab-lint \(async backing readiness\)\.+Failed", broken.stderr)
    assert "AB104" in broken.stderr and "phase 0/3" in broken.stderr
    assert _git(chain, env, "rev-list", "--count", "HEAD").stdout.strip() == "1"

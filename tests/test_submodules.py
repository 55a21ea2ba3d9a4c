"""Git submodules a clone left empty: one note with the command that fetches them, not one per
crate they hold."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ab_lint import submodules

from conftest import FIXTURES, lint_json, run, write

FIX = "git submodule update --init --recursive"
GITMODULES = """[submodule "vendor/sdk"]
\tpath = vendor/sdk
\turl = https://example.invalid/sdk.git
[submodule "tools"]
\tpath = "vendor/tools"
\turl = https://example.invalid/tools.git
[submodule "docs"]
\tpath = docs/book
\turl = https://example.invalid/book.git
"""


def chain(tmp_path: Path, members: list[str], path_dependency: str | None = None) -> Path:
    """phase2-done in a git work tree with three submodules, as a clone without
    --recurse-submodules leaves them (empty folders), and more workspace members."""
    root = tmp_path / "chain"
    shutil.copytree(FIXTURES / "phase2-done", root, symlinks=True)
    (root / ".git").mkdir()
    write(root, {".gitmodules": GITMODULES})
    for folder in ("vendor/sdk", "vendor/tools", "docs/book"):
        (root / folder).mkdir(parents=True)
    manifest = root / "Cargo.toml"
    listed = ", ".join(f'"{m}"' for m in ["node", "runtime", *members])
    manifest.write_text(manifest.read_text().replace('members = ["node", "runtime"]',
                                                     f"members = [{listed}]"))
    if path_dependency:
        runtime = root / "runtime/Cargo.toml"
        runtime.write_text(runtime.read_text().replace(
            "[dependencies]\n", f'[dependencies]\nsdk-c = {{ path = "{path_dependency}" }}\n', 1))
    return root


def test_members_and_path_dependencies_in_unfetched_submodules_are_one_note(
        tmp_path: Path) -> None:
    root = chain(tmp_path, ["vendor/sdk/crates/a", "vendor/sdk/crates/b", "vendor/tools/*"],
                 "../vendor/sdk/crates/c")
    doc = lint_json(root)
    assert [t["phase"] for t in doc["targets"]] == [2]  # the rest is still read
    assert len(doc["diagnostics"]) == 1, doc["diagnostics"]
    note = doc["diagnostics"][0]
    assert note["path"] == ".gitmodules"
    message = note["message"]
    assert message.startswith("git submodules vendor/sdk, vendor/tools are not checked out")
    assert "vendor/sdk/crates/a" in message and "vendor/tools/*" in message
    assert message.endswith(f"run `{FIX}`")
    assert "docs/book" not in message  # empty too, but nothing ab-lint reads is in it
    assert submodules.unfetched(root) == [root / "docs/book", root / "vendor/sdk",
                                          root / "vendor/tools"]
    text = run("--target-phase", "2", str(root))
    assert text.exit_code == 0
    assert text.stdout.count("note:") == 1 and FIX in text.stdout


def test_one_submodule_is_named_in_the_singular(tmp_path: Path) -> None:
    doc = lint_json(chain(tmp_path, ["vendor/sdk/crates/a"]))
    assert [d["message"] for d in doc["diagnostics"]] == [
        "git submodule vendor/sdk is not checked out, so vendor/sdk/crates/a cannot be read: "
        f"run `{FIX}`"]


def test_a_missing_member_outside_submodules_keeps_its_own_note(tmp_path: Path) -> None:
    root = chain(tmp_path, ["crates/gone", "vendor/tools/*"])
    write(root, {"vendor/tools/README.md": "fetched\n"})  # checked out: its glob may be empty
    doc = lint_json(root)
    assert [(d["path"], d["message"]) for d in doc["diagnostics"]] == [
        ("crates/gone", "workspace member not found, skipped")]


def test_a_runtime_inside_an_unfetched_submodule_says_how_to_fetch_it(tmp_path: Path) -> None:
    root = tmp_path / "chain"
    (root / ".git").mkdir(parents=True)
    (root / "parachain").mkdir()
    write(root, {".gitmodules": '[submodule "p"]\n\tpath = parachain\n\turl = x\n',
                 "Cargo.toml": '[workspace]\nmembers = ["parachain/runtime", "parachain/node"]\n'})
    result = run("--format", "json", str(root))
    assert result.exit_code == 2 and result.stdout == ""
    assert f"git submodule parachain is not checked out: run `{FIX}`" in result.stderr


def test_a_gitmodules_path_leading_out_of_the_repository_is_not_followed(tmp_path: Path) -> None:
    """A crafted .gitmodules (`path = ../chain/vendor/sdk`) must not make ab-lint judge folders
    by a path git itself refuses."""
    root = chain(tmp_path, ["vendor/sdk/crates/a"])
    (root / ".gitmodules").write_text(
        '[submodule "x"]\n\tpath = ../chain/vendor/sdk\n\turl = x\n'
        '[submodule "y"]\n\tpath = /abs\n\turl = x\n')
    assert submodules.unfetched(root) == []
    notes = json.loads(run("--format", "json", "--exit-zero", str(root)).stdout)["diagnostics"]
    assert [(d["path"], d["message"]) for d in notes] == [
        ("vendor/sdk/crates/a", "workspace member not found, skipped")]

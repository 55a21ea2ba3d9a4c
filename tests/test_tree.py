"""The folder checked is listed once per run (ab_lint/tree.py), whoever reads it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ab_lint import tree

from conftest import FIXTURES, run, write


def test_one_walk_per_run_for_every_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[str] = []
    real = tree._walk

    def counting(folder: str, depth: int, out: list, diags: object) -> None:
        if depth == 0:
            walks.append(folder)
        real(folder, depth, out, diags)

    monkeypatch.setattr(tree, "_walk", counting)
    # an omni-node repository: the relay scan and the chain specs (AB603) both read it
    result = run("--format", "json", "--exit-zero", "-j", "1", str(FIXTURES / "omni-node"))
    assert result.exit_code == 0, result.output
    assert walks == [str(FIXTURES / "omni-node")]


def test_a_new_run_sees_new_files(tmp_path: Path) -> None:
    write(tmp_path, {"a.toml": ""})
    assert [e.name for e in tree.listing(tmp_path)] == ["a.toml"]
    write(tmp_path, {"b.toml": ""})
    assert [e.name for e in tree.listing(tmp_path)] == ["a.toml"]  # within one run
    tree.forget()
    assert [e.name for e in tree.listing(tmp_path)] == ["a.toml", "b.toml"]


def test_walk_order_depth_and_what_is_not_entered(tmp_path: Path) -> None:
    write(tmp_path, {"z.json": "", "b/a.toml": "", "a/c/d.toml": "", ".github/w.yml": "",
                     "target/x.toml": "", "node_modules/y.json": "",
                     "1/2/3/4/5/6/deep.toml": "", "1/2/3/4/5/6/7/deeper.toml": ""})
    os.symlink(tmp_path / "b", tmp_path / "link-dir")
    os.symlink(tmp_path / "z.json", tmp_path / "link.json")
    tree.forget()
    got = [(Path(e.path).relative_to(tmp_path).as_posix(), e.depth, e.link)
           for e in tree.listing(tmp_path)]
    assert got == [("link.json", 0, True), ("z.json", 0, False),
                   ("1/2/3/4/5/6/deep.toml", 6, False),
                   ("a/c/d.toml", 2, False), ("b/a.toml", 1, False)]

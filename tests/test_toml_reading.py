"""TOML is read with rtoml: bad input is a note or a clear error, never a traceback, and what
parses reads as it did with tomllib (key order, datetimes, a byte order mark as Cargo takes it)."""

from __future__ import annotations

import datetime
import json
import shutil
import tomllib
from pathlib import Path

import pytest

from ab_lint import catalogue, config, known
from ab_lint.diagnostics import Diagnostics, InputError
from ab_lint.manifest import load_manifest

from conftest import FIXTURES, run

DEEP = {"2,000 levels": 2_000, "1,000,000 levels": 1_000_000}

BAD = {
    "duplicate key": '[package]\nname = "a"\nname = "b"\n',
    "duplicate table": '[package]\nname = "a"\n[package]\nversion = "1"\n',
    "2,000 nested arrays": "x = " + "[" * 2_000 + "]" * 2_000 + "\n",
    "1,000,000 nested arrays": "x = " + "[" * 1_000_000 + "]" * 1_000_000 + "\n",
    "1,000,000 nested inline tables": "x = " + "{a = " * 1_000_000 + "1" + "}" * 1_000_000,
    "a 5,000-digit integer": "x = " + "9" * 5_000 + "\n",  # tomllib: a bare ValueError
    "a date that does not exist": "x = 2024-02-30\n",
    "a control character in a string": 'x = "a\x01b"\n',
    "an unclosed table": "[workspace\nmembers = [",
}


def _manifest(tmp_path: Path, data: bytes) -> tuple[object, Diagnostics]:
    path = tmp_path / "Cargo.toml"
    path.write_bytes(data)
    diags = Diagnostics(tmp_path)
    return load_manifest(path, diags), diags


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_malformed_manifest_is_a_note(tmp_path: Path, text: str) -> None:
    manifest, diags = _manifest(tmp_path, text.encode())
    assert manifest is None
    assert [(d.path, d.message.split(":")[0]) for d in diags.items] == [
        ("Cargo.toml", "malformed manifest")]


def test_invalid_utf8_manifest_is_a_note(tmp_path: Path) -> None:
    manifest, diags = _manifest(tmp_path, b'[package]\nname = "caf\xe9"\n')
    assert manifest is None
    assert diags.items[0].message.startswith("cannot read manifest:")


def test_manifest_with_a_byte_order_mark_is_read_as_cargo_reads_it(tmp_path: Path) -> None:
    manifest, diags = _manifest(tmp_path, b'\xef\xbb\xbf[dependencies.foo]\nversion = "1"\n'
                                          b'[package]\nname = "bom"\n')
    assert not diags.items
    assert manifest.name == "bom" and "foo" in manifest.dependencies
    assert manifest.dependency_line("foo") == 1


def test_key_order_and_values_are_those_of_tomllib(tmp_path: Path) -> None:
    text = ('[package]\nname = "order"\nversion = "0.1.0"\n'
            '[package.metadata]\nreleased = 1979-05-27T07:32:00-08:00\nday = 1979-05-27\n'
            'big = 170141183460469231731687303715884105727\n'
            '[features]\nstd = ["zeta/std", "alpha/std"]\ndefault = ["std"]\nzz = []\naa = []\n'
            '[dependencies]\nzeta = "1"\nalpha = { version = "2", features = ["b", "a"] }\n'
            'mid = { path = "../mid" }\n')
    manifest, diags = _manifest(tmp_path, text.encode())
    assert not diags.items
    assert manifest.data == tomllib.loads(text)
    assert json.dumps(manifest.data, default=str) == json.dumps(tomllib.loads(text), default=str)
    assert list(manifest.features) == ["std", "default", "zz", "aa"]
    assert manifest.features["std"] == ["zeta/std", "alpha/std"]
    assert list(manifest.dependencies) == ["zeta", "alpha", "mid"]
    assert manifest.dependencies["alpha"].features == ["b", "a"]
    released = manifest.data["package"]["metadata"]["released"]
    assert released.utcoffset() == datetime.timedelta(hours=-8)
    assert isinstance(manifest.data["package"]["metadata"]["day"], datetime.date)


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_malformed_config_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "ab-lint.toml").write_text(text)
    with pytest.raises(InputError, match="malformed config"):
        config.load(tmp_path, None, {"AB001"})


def test_config_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "ab-lint.toml").write_bytes(b'select = ["\xff"]\n')
    with pytest.raises(InputError, match="malformed config"):
        config.load(tmp_path, None, {"AB001"})


@pytest.mark.parametrize("text", BAD.values(), ids=BAD.keys())
def test_malformed_root_manifest_leaves_the_config_to_discovery(tmp_path: Path,
                                                                 text: str) -> None:
    (tmp_path / "Cargo.toml").write_text(text)
    assert config.load(tmp_path, None, {"AB001"}) == config.Config()


def test_config_in_a_manifest_with_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "Cargo.toml").write_bytes(
        b'\xef\xbb\xbf[workspace]\nmembers = []\n[workspace.metadata.ab-lint]\ntarget-phase = 2\n')
    assert config.load(tmp_path, None, {"AB001"}).target_phase == 2


@pytest.mark.parametrize("depth", DEEP.values(), ids=DEEP.keys())
def test_deep_member_manifest_is_a_note_in_a_whole_run(tmp_path: Path, depth: int) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "phase2-done", root, symlinks=True)
    node = root / "node" / "Cargo.toml"
    node.write_text(node.read_text() + "\n[package.metadata]\nx = "
                    + "[" * depth + "]" * depth + "\n")
    result = run("--format", "json", "--exit-zero", str(root))
    assert result.exit_code == 0 and "Traceback" not in result.output
    notes = json.loads(result.stdout)["diagnostics"]
    assert any(d["path"] == "node/Cargo.toml" and d["message"].startswith("malformed manifest")
               for d in notes)


@pytest.mark.parametrize("depth", DEEP.values(), ids=DEEP.keys())
def test_deep_root_manifest_is_exit_2(tmp_path: Path, depth: int) -> None:
    (tmp_path / "Cargo.toml").write_text("x = " + "[" * depth + "]" * depth + "\n")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "Cargo.toml" in result.stderr and "Traceback" not in result.output


def test_packaged_tables_read_as_with_tomllib() -> None:
    rules = catalogue.load()
    for path in sorted(catalogue._rules_dir().glob("AB*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert rules[path.stem].message == catalogue._variants(data["message"])
        assert rules[path.stem].explain == data.get("explain", {})
    assert known._modules()

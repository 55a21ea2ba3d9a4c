"""Team settings in the repository and inline suppressions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ab_lint.config import Config

from conftest import FIXTURES, run


def tree(tmp_path: Path, name: str = "phase2-done") -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / name, root, symlinks=True)
    return root


def rules(root: Path, *args: str) -> dict[str, str]:
    result = run("--format", "json", "--exit-zero", *args, str(root))
    assert result.exit_code == 0, result.output
    return {f["rule"]: f["severity"] for f in json.loads(result.stdout)["findings"]
            if not f["suppressed"]}


def test_ab_lint_toml(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / "ab-lint.toml").write_text(
        'target-phase = 3\nignore = ["AB304"]\nseverity = { AB204 = "error", AB0 = "warning" }\n'
        'per-path-ignores = { "runtime/src/*.rs" = ["AB303"] }\n')
    found = rules(root)
    assert "AB304" not in found and "AB303" not in found
    assert found["AB204"] == "error" and found["AB002"] == "warning"


@pytest.mark.parametrize("table", ["workspace", "package"])
def test_cargo_metadata(tmp_path: Path, table: str) -> None:
    root = tree(tmp_path)
    manifest = root / "Cargo.toml"
    text = manifest.read_text()
    if table == "package" and "[package]" not in text:
        text += '\n[package]\nname = "kestrel"\nversion = "0.1.0"\n'
    manifest.write_text(text + f'\n[{table}.metadata.ab-lint]\ntarget-phase = 2\n')
    assert {r[:3] for r in rules(root)} <= {"AB2", "AB0", "AB1"}


def test_flags_win_over_files(tmp_path: Path) -> None:
    root = tree(tmp_path)
    (root / ".ab-lint.toml").write_text('target-phase = 2\nfail-on = "never"\n')
    assert "AB301" not in rules(root)
    assert "AB301" in rules(root, "--target-phase", "3")
    assert run(str(root)).exit_code == 0
    assert run("--fail-on", "error", "--target-phase", "3", str(root)).exit_code == 1


def test_config_file_flag(tmp_path: Path) -> None:
    root = tree(tmp_path)
    settings = tmp_path / "team.toml"
    settings.write_text('select = ["AB30"]\n')
    assert {r[:4] for r in rules(root, "--config", str(settings))} == {"AB30"}


@pytest.mark.parametrize(("text", "says"), [
    ('target-phase = 4\n', "target-phase must be 1, 2 or 3"),
    ('colour = "red"\n', "unknown key 'colour'"),
    ('select = ["AB77"]\n', "no rule matches 'AB77'"),
    ('severity = { AB301 = "fatal" }\n', "severity.AB301 must be error, warning or info"),
    ('fail-on = 3\n', "fail-on must be"),
    ('target-phase = \n', "malformed config"),
    ('per-path-ignores = { "!runtime/**" = ["AB3"] }\n', "cannot be a negation"),
    ("per-path-ignores = { 'runtime\\' = [\"AB3\"] }\n", "bad pattern 'runtime\\'"),
])
def test_bad_settings_are_a_clear_error(tmp_path: Path, text: str, says: str) -> None:
    root = tree(tmp_path)
    (root / "ab-lint.toml").write_text(text)
    result = run(str(root))
    assert result.exit_code == 2
    assert "ab-lint.toml" in result.stderr and says in result.stderr
    assert "Traceback" not in result.output


def test_inline_suppression_is_counted_and_listed() -> None:
    result = run("--format", "json", "--exit-zero", str(FIXTURES / "rules/suppressed"))
    doc = json.loads(result.stdout)
    hidden = [f for f in doc["findings"] if f["suppressed"]]
    assert [(f["rule"], f["line"]) for f in hidden] == [("AB301", 112)]
    assert hidden[0]["suppression_reason"] == "this dev chain keeps one block per slot on purpose"
    assert doc["summary"]["suppressed"] == 1
    text = run("--color", "never", str(FIXTURES / "rules/suppressed")).stdout
    assert "1 suppressed" in text and "AB301" not in text.split("phase 3:")[1].split("\n\n")[0]
    md = run("--format", "markdown", str(FIXTURES / "rules/suppressed")).stdout
    assert "1 suppressed" in md


def test_suppression_on_the_same_line(tmp_path: Path) -> None:
    root = tree(tmp_path)
    lib = root / "runtime/src/lib.rs"
    lib.write_text(lib.read_text().replace(
        "type AllowMultipleBlocksPerSlot = ConstBool<false>;",
        "type AllowMultipleBlocksPerSlot = ConstBool<false>; // ab-lint: allow(AB301)"))
    assert "AB301" not in rules(root)


@pytest.mark.parametrize(("glob", "path", "ignored"), [
    ("runtimes/*/src/lib.rs", "runtimes/a/src/lib.rs", True),
    ("runtimes/*/src/lib.rs", "runtimes/a/b/src/lib.rs", False),  # `*` stops at `/`
    ("runtimes/dev/**", "runtimes/dev/src/configs/mod.rs", True),
    ("runtimes/dev/**", "runtimes/devnet/src/lib.rs", False),
    ("runtimes/dev/", "runtimes/dev/src/lib.rs", True),  # a folder: everything under it
    ("lib.rs", "runtimes/a/src/lib.rs", True),  # no slash: at any depth
    ("/lib.rs", "runtimes/a/src/lib.rs", False),  # anchored at the root
    ("**/weights/*.rs", "runtime/src/weights/xcm.rs", True),
])
def test_per_path_ignores_are_gitignore_patterns(glob: str, path: str, ignored: bool) -> None:
    config = Config(per_path_ignores={glob: ("AB3",)})
    assert config.ignored_at("AB301", path) is ignored
    assert not config.ignored_at("AB101", path)  # only the rules listed for the pattern


def test_a_star_in_per_path_ignores_does_not_cross_folders(tmp_path: Path) -> None:
    """fnmatch's `*` matched `runtime/src/lib.rs` with `runtime/*.rs` and hid AB303 there."""
    root = tree(tmp_path)
    (root / "ab-lint.toml").write_text('per-path-ignores = { "runtime/*.rs" = ["AB303"] }\n')
    assert "AB303" in rules(root)
    (root / "ab-lint.toml").write_text('per-path-ignores = { "runtime/**/*.rs" = ["AB303"] }\n')
    assert "AB303" not in rules(root)

"""The file system a pull request can commit: FIFOs, links to devices and out of the tree,
unreadable files and folders, huge files, odd and non-UTF-8 names, report names that are
links. Every run ends within seconds, exits 0 (nothing failing), 1 (findings) or 2 (input
error) without a traceback, and says in a note (JSON `diagnostics`) what it did not read.

Cases that would hang if a guard failed (FIFOs, /dev/zero, a FIFO at a report's name) run
ab-lint in a subprocess with a timeout; the others run in-process through conftest.run.
Permission cases run as `nobody` through setpriv: the tests run as root here, and root reads
a file whatever its mode.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_shapes import RUNTIME_MANIFEST, workspace

from ab_lint import files

from conftest import ROOT, run, write

# A runtime whose block time is read from its constants: the fact shows its lib.rs was read.
LIB = ("pub const SLOT_DURATION: u64 = 6_000;\n"
       "pub const MINUTES: u32 = 60_000 / (SLOT_DURATION as BlockNumber);\n")
NETWORK = '[relaychain]\nchain = "rococo-local"\n[[parachains]]\nid = 2000\n'
TIMEOUT = 20  # seconds: a run that hangs on a FIFO or /dev/zero fails instead of blocking
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


# --- helpers ---------------------------------------------------------------------------------


def repo(base: Path, lib: str = LIB) -> Path:
    """A parachain repository in `base/repo`, leaving `base` for what lies outside it."""
    return workspace(base / "repo", lib)


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that takes no disk and no time to write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.truncate(size)


def ab_lint(*args: str | Path, cwd: Path | None = None,
            user: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """ab-lint in a subprocess, killed after TIMEOUT seconds (a hang fails the test)."""
    command = [*(user or []), sys.executable, "-m", "ab_lint", *map(str, args)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, capture_output=True, text=True, errors="surrogateescape",
                          timeout=TIMEOUT, cwd=cwd, env=env)


def report(*args: str | Path, exit_code: int = 0) -> dict:
    """The JSON report of an in-process run, which must exit with `exit_code`."""
    result = run("--format", "json", *map(str, args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == exit_code, result.output
    return json.loads(result.stdout)


def json_of(result: subprocess.CompletedProcess[str], exit_code: int = 0) -> dict:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == exit_code, result.stderr
    return json.loads(result.stdout)


def error_of(result: subprocess.CompletedProcess[str]) -> str:
    """The one-line error of a run that stopped on its input (exit 2)."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def note(data: dict, path: str) -> str:
    """The notes on `path` in a JSON report, joined (an empty string fails the `in` asserts)."""
    return " | ".join(d["message"] for d in data["diagnostics"] if d["path"] == path)


def block_time(data: dict) -> int | None:
    return data["targets"][0]["facts"]["millisecs_per_block"]


# --- FIFOs, devices, huge files --------------------------------------------------------------


def test_a_fifo_among_the_sources_is_a_note(tmp_path: Path) -> None:
    root = repo(tmp_path)
    fifo(root / "runtime/src/weights.rs")
    data = json_of(ab_lint("--format", "json", root))
    assert "not a regular file (a FIFO)" in note(data, "runtime/src/weights.rs")
    assert block_time(data) == 6000  # the rest of the runtime is still read


def test_a_fifo_as_lib_rs_names_the_file_instead_of_not_a_parachain(tmp_path: Path) -> None:
    root = repo(tmp_path)
    fifo(root / "runtime/src/lib.rs")
    error = error_of(ab_lint(root))
    assert "runtime/src/lib.rs: not a regular file (a FIFO)" in error


@pytest.mark.parametrize("name", ["Cargo.toml", "runtime/Cargo.toml"])
def test_a_fifo_as_a_manifest_is_an_error_naming_it(tmp_path: Path, name: str) -> None:
    root = repo(tmp_path)
    fifo(root / name)
    error = error_of(ab_lint(root))
    assert f"{name}: " in error and "not a regular file (a FIFO)" in error


def test_a_fifo_as_cargo_lock_and_as_a_network_file_are_notes(tmp_path: Path) -> None:
    root = repo(tmp_path)
    fifo(root / "Cargo.lock")
    fifo(root / "zombienet.toml")
    fifo(root / "chain-spec.json")
    data = json_of(ab_lint("--format", "json", root))
    for name in ("Cargo.lock", "zombienet.toml", "chain-spec.json"):
        assert "not a regular file (a FIFO)" in note(data, name), name


def test_a_fifo_as_the_settings_file_is_an_error(tmp_path: Path) -> None:
    # a settings file that cannot be read would otherwise silently change the rules that run
    root = repo(tmp_path)
    fifo(root / "ab-lint.toml")
    assert "ab-lint.toml: cannot read config: not a regular file" in error_of(ab_lint(root))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero here")
def test_links_to_dev_zero_are_not_read(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "extra").mkdir()
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["runtime", "extra"]\n')
    linked = ("runtime/src/zero.rs", "Cargo.lock", "zombienet.json", "extra/Cargo.toml")
    for name in linked:
        os.symlink("/dev/zero", root / name)
    data = json_of(ab_lint("--format", "json", root))
    for name in linked:
        assert "leads outside the repository" in note(data, name), name
    assert block_time(data) == 6000
    os.symlink("/dev/zero", root / "ab-lint.toml")  # the settings: an error, not a hang
    assert "ab-lint.toml: cannot read config: leads outside the repository" in error_of(
        ab_lint(root))


def test_a_device_inside_the_repository_is_not_read(tmp_path: Path) -> None:
    # the repository itself may hold a device node (a tree unpacked as root): checked by type,
    # not only by where a link leads
    if not os.path.exists("/dev/null"):
        pytest.skip("no /dev/null to copy")
    root = repo(tmp_path)
    try:
        os.mknod(root / "runtime/src/null.rs", 0o600 | stat.S_IFCHR,
                 os.stat("/dev/null").st_rdev)
    except PermissionError:
        pytest.skip("creating a device node needs root")
    data = report(root)
    assert "not a regular file (a character device)" in note(data, "runtime/src/null.rs")


def test_a_socket_among_the_sources_is_a_note(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path)
    monkeypatch.chdir(root / "runtime/src")  # a relative name: socket paths hold 108 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("socket.rs")
        data = report(root)
    assert "not a regular file (a socket)" in note(data, "runtime/src/socket.rs")


def test_files_over_their_cap_are_notes_and_are_not_read(tmp_path: Path) -> None:
    # sparse files: the size is what a stat says, so the test writes nothing and reads nothing
    root = repo(tmp_path)
    sparse(root / "runtime/src/generated.rs", files.RUST_CAP + 1)
    sparse(root / "Cargo.lock", files.LOCK_CAP + 1)
    sparse(root / "zombienet.toml", files.RELAY_CAP + 1)
    data = report(root)
    assert "larger than 4 MB, the cap for a Rust source" in note(data, "runtime/src/generated.rs")
    assert "larger than 16 MB, the cap for a Cargo.lock" in note(data, "Cargo.lock")
    assert "larger than 8 MB" in note(data, "zombienet.toml")
    assert block_time(data) == 6000


def test_a_huge_lib_rs_is_named_in_the_error(tmp_path: Path) -> None:
    root = repo(tmp_path)
    sparse(root / "runtime/src/lib.rs", files.RUST_CAP + 1)
    result = run(str(root))
    assert result.exit_code == 2
    assert "runtime/src/lib.rs: larger than 4 MB" in result.stderr


def test_a_file_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exact.rs"
    path.write_bytes(b"x" * 1000)
    assert files.read(path, 1000, "Rust source") == b"x" * 1000
    with pytest.raises(files.Skipped, match="larger than 999 bytes"):
        files.read(path, 999, "Rust source")


# --- links and paths out of the repository ---------------------------------------------------


def outside(tmp_path: Path) -> Path:
    """A folder beside the repository with a secret the report must never show."""
    return write(tmp_path / "outside", {
        "secret.rs": "pub const STOLEN_SECRET: u64 = 424242;\n",
        "dir/mod.rs": "pub const STOLEN_SECRET: u64 = 424242;\n",
        "crate/Cargo.toml": RUNTIME_MANIFEST.format(name="outside-crate", deps=""),
        "crate/src/lib.rs": "pub const STOLEN_SECRET: u64 = 424242;\n",
    })


def test_links_out_of_the_repository_are_not_followed(tmp_path: Path) -> None:
    away = outside(tmp_path)
    root = repo(tmp_path, "mod stolen;\nmod shared;\n" + LIB)
    os.symlink(away / "secret.rs", root / "runtime/src/stolen.rs")
    os.symlink(away / "dir", root / "runtime/src/shared")
    result = run("--format", "json", "--facts", str(root))
    data = json.loads(result.stdout)
    assert "leads outside the repository" in note(data, "runtime/src/stolen.rs")
    assert "leads outside the repository" in note(data, "runtime/src/shared")
    assert "424242" not in result.stdout
    assert block_time(data) == 6000


def test_path_attribute_and_lib_path_out_of_the_repository(tmp_path: Path) -> None:
    outside(tmp_path)
    root = repo(tmp_path, '#[path = "../../../outside/secret.rs"]\nmod stolen;\n' + LIB)
    data = report(root)
    assert note(data, "runtime/src/lib.rs").startswith(
        "#[path] module ../../../outside/secret.rs leads outside the repository")
    assert [d["line"] for d in data["diagnostics"] if "#[path]" in d["message"]] == [1]

    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text() + '\n[lib]\npath = "../../outside/crate/src/lib.rs"\n')
    result = run("--format", "json", str(root))
    assert "[lib] path ../../outside/crate/src/lib.rs: leads outside the repository" \
        in note(json.loads(result.stdout), "runtime/Cargo.toml")
    assert "424242" not in result.stdout


def test_members_and_path_dependencies_out_of_the_repository(tmp_path: Path) -> None:
    outside(tmp_path)
    root = repo(tmp_path)
    os.symlink("/", root / "everything")  # a member glob must not walk the machine
    (root / "Cargo.toml").write_text(
        '[workspace]\nmembers = ["runtime", "../outside/crate", "*", "/etc"]\n')
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(
        "[dependencies]\n", '[dependencies]\nstolen = { path = "../../outside/crate" }\n'))
    data = report(root)
    assert "workspace member *: leads outside the repository" in note(data, "everything")
    assert "workspace member ../outside/crate: leads outside the repository" in note(data, "..")
    assert "workspace member /etc: leads outside the repository" in note(data, "/")
    assert "path dependencies leading outside the repository are not read: stolen " \
        "(../outside/crate)" in note(data, "runtime/Cargo.toml")
    assert [t["runtime_crate"] for t in data["targets"]] == ["acme-runtime"]


def test_no_workspace_above_the_repository_is_read(tmp_path: Path) -> None:
    # A [workspace] above the git work tree is not the repository's: linting a crate folder
    # finds the repository's own workspace, not the one in the folder holding the checkout.
    root = repo(tmp_path)
    (root / ".git").mkdir()
    write(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["repo/runtime"]\n'})
    assert report(root / "runtime")["root"] == str(root)
    shutil.rmtree(root / ".git")
    (root / "Cargo.toml").unlink()  # outside git the folder given is the repository
    assert report(root / "runtime")["root"] == str(root / "runtime")


def test_a_cargo_lock_linked_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    away = outside(tmp_path)
    root = repo(tmp_path)
    os.symlink(away / "secret.rs", root / "Cargo.lock")
    assert "leads outside the repository" in note(report(root), "Cargo.lock")


# --- cycles ----------------------------------------------------------------------------------


def test_cycles_end(tmp_path: Path) -> None:
    root = repo(tmp_path)
    os.symlink(".", root / "runtime/src/loop")  # a folder loop
    os.symlink("self", root / "runtime/self")  # a link to itself as a path dependency
    for i in range(30):  # `*/*/*/*/*` over 30 links to `.` is 24 million paths unless deduped
        os.symlink(".", root / f"l{i}")
    write(root, {
        "Cargo.toml": '[workspace]\nmembers = ["runtime", "a", "b", "*/*/*/*/*"]\n',
        "a/Cargo.toml": '[package]\nname = "a"\n[dependencies]\nb = { path = "../b" }\n',
        "b/Cargo.toml": '[package]\nname = "b"\n[dependencies]\na = { path = "../a" }\n',
        "a/src/lib.rs": "", "b/src/lib.rs": "",
    })
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(
        "[dependencies]\n", '[dependencies]\nlooped = { path = "self" }\n'))
    data = json_of(ab_lint("--format", "json", root))  # a subprocess: a loop fails, not hangs
    assert "symlink loop" in note(data, "runtime/src/loop")
    assert "symlink loop" in note(data, "runtime/self")
    assert block_time(data) == 6000


def test_a_module_including_itself_ends(tmp_path: Path) -> None:
    root = repo(tmp_path, '#[path = "lib.rs"]\nmod again;\n' + LIB)
    data = json_of(ab_lint("--format", "json", root))
    assert block_time(data) == 6000
    assert any("not read again" in d["message"] for d in data["diagnostics"])


# --- names -----------------------------------------------------------------------------------

ODD = "run time %0A #1\nline"  # spaces, a workflow-command escape, a comment sign, a newline


@pytest.mark.parametrize("fmt", ["json", "text", "github", "sarif", "markdown", "html"])
def test_odd_and_non_utf8_names_in_every_format(tmp_path: Path, fmt: str) -> None:
    # the runtime crate sits in a folder with an odd name; a FIFO with a name that is not
    # UTF-8 gives a note on a path Python holds with surrogates
    root = workspace(tmp_path / "repo", LIB)
    os.rename(root / "runtime", root / ODD)
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["run*"]\n')
    os.mkfifo(os.fsencode(root / ODD / "src") + b"/caf\xe9 \n::error::x%0A.rs")
    out = tmp_path / f"report.{fmt}"
    result = ab_lint("--format", fmt, "--format", f"{fmt}:{out}", root)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr, result.stderr
    assert out.is_file() and out.stat().st_size > 0
    if fmt == "json":
        data = json.loads(result.stdout)
        assert block_time(data) == 6000
        odd = os.fsdecode(f"{ODD}/src/caf\xe9 \n::error::x%0A.rs".encode("latin-1"))
        assert "not a regular file (a FIFO)" in note(data, odd)


def test_non_utf8_byte_in_lib_rs_keeps_the_runtime(tmp_path: Path) -> None:
    # dropping the file made the runtime vanish ("not an Aura runtime", exit 0)
    root = repo(tmp_path)
    lib = root / "runtime/src/lib.rs"
    lib.write_bytes(b"// caf\xe9\n" + lib.read_bytes())
    data = report(root)
    assert block_time(data) == 6000
    assert [(d["line"], d["message"]) for d in data["diagnostics"]
            if d["path"] == "runtime/src/lib.rs"] == [
        (1, "not valid UTF-8 (byte 0xe9); read with the bad bytes replaced")]


# --- permissions (as nobody) -----------------------------------------------------------------


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A folder `nobody` may enter (pytest's tmp_path is root's alone), removed afterwards with
    the permissions the test took away given back."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed: cannot drop root's privileges")
    if os.geteuid() != 0:
        pytest.skip("not root: the permission tests run as nobody through setpriv")
    base = Path(tempfile.mkdtemp(prefix="ab-lint-fs-"))
    base.chmod(0o755)
    probe = base / "probe"
    probe.write_text("x")
    probe.chmod(0)
    check = subprocess.run([*NOBODY, sys.executable, "-c", f"open({str(probe)!r}).read()"],
                           capture_output=True, text=True, timeout=TIMEOUT)
    if "PermissionError" not in check.stderr:
        shutil.rmtree(base)
        pytest.skip(f"nobody cannot run Python here or still reads a mode-000 file: "
                    f"{check.stderr.strip()[-200:]}")
    try:
        yield base
    finally:
        for folder, dirs, _ in os.walk(base):
            for d in dirs:
                os.chmod(os.path.join(folder, d), 0o755)
        shutil.rmtree(base)


def public_repo(base: Path) -> Path:
    root = repo(base)
    for folder, dirs, names in os.walk(root):  # readable by all, as a checkout is
        for name in dirs + names:
            os.chmod(os.path.join(folder, name), 0o755)
    return root


def test_unreadable_files_and_folders_are_notes(public_tmp: Path) -> None:
    root = public_repo(public_tmp)
    write(root, {"runtime/src/weights.rs": "", "runtime/src/sub/x.rs": "", "Cargo.lock": "",
                 "zombienet.toml": NETWORK, "specs/net.toml": NETWORK})
    for name in ("runtime/src/weights.rs", "Cargo.lock", "zombienet.toml"):
        (root / name).chmod(0)
    for name in ("runtime/src/sub", "specs"):
        (root / name).chmod(0)
    data = json_of(ab_lint("--format", "json", root, user=NOBODY))
    for name in ("runtime/src/weights.rs", "Cargo.lock", "zombienet.toml"):
        assert "cannot read: Permission denied" in note(data, name), name
    for name in ("runtime/src/sub", "specs"):
        assert "cannot read folder: Permission denied" in note(data, name), name
    assert block_time(data) == 6000


def test_an_unreadable_runtime_is_not_just_not_a_parachain(public_tmp: Path) -> None:
    root = public_repo(public_tmp)
    (root / "runtime/src/lib.rs").chmod(0)
    error = error_of(ab_lint(root, user=NOBODY))
    assert "runtime/src/lib.rs: cannot read: Permission denied" in error

    (root / "runtime/src/lib.rs").chmod(0o644)
    (root / "runtime/src").chmod(0)
    assert "runtime/src: cannot read folder: Permission denied" in error_of(
        ab_lint(root, user=NOBODY))


def test_an_unreadable_root_manifest_is_an_error(public_tmp: Path) -> None:
    root = public_repo(public_tmp)
    (root / "Cargo.toml").chmod(0)
    error = error_of(ab_lint(root, user=NOBODY))
    assert "Cargo.toml: cannot be read as a Cargo manifest: cannot read: Permission denied" \
        in error


# --- report files ----------------------------------------------------------------------------


def test_a_report_is_not_written_through_a_committed_link(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    for name in ("ab-lint.sarif", "summary.md"):
        os.symlink(victim, root / name)
    os.symlink(tmp_path / "nowhere", root / "dangling.json")
    monkeypatch.chdir(root)  # the Action writes relative names in the checkout
    result = run("--format", "sarif:ab-lint.sarif", "--format", "json:dangling.json", str(root))
    assert result.exit_code == 0, result.output
    assert run("--format", "markdown", "--output", "summary.md", str(root)).exit_code == 0
    assert victim.read_text() == "precious"
    assert not (tmp_path / "nowhere").exists()
    for name in ("ab-lint.sarif", "summary.md", "dangling.json"):
        path = root / name
        assert not path.is_symlink() and stat.S_ISREG(path.stat().st_mode), name
    assert json.loads((root / "ab-lint.sarif").read_text())["version"] == "2.1.0"
    assert not list(root.glob(".*.tmp"))  # no temporary file left behind


def test_a_fifo_at_the_report_name_is_replaced(tmp_path: Path) -> None:
    root = repo(tmp_path)
    fifo(root / "report.json")
    result = ab_lint("--format", "json:report.json", root, cwd=root)
    assert result.returncode == 0, result.stderr
    assert json.loads((root / "report.json").read_text())["targets"]


def test_a_report_folder_linked_out_of_the_checkout_is_refused(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    root = repo(tmp_path)
    (tmp_path / "home").mkdir()
    os.symlink(tmp_path / "home", root / "reports")
    monkeypatch.chdir(root)
    result = run("--output", "reports/x.sarif", str(root))
    assert result.exit_code == 2
    assert "cannot write reports/x.sarif: its folder leads out of the current folder" \
        in result.stderr
    assert not list((tmp_path / "home").iterdir())


@pytest.mark.parametrize("dest", ["missing/report.json", "."])
def test_an_unwritable_destination_is_one_line(tmp_path: Path, dest: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path)
    monkeypatch.chdir(root)
    result = run("--format", f"json:{dest}", str(root))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ab-lint: error: cannot write {dest}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("where", ["member", "dependency", "lib", "path attribute"])
def test_a_path_with_a_nul_byte_is_refused_not_a_crash(tmp_path: Path, where: str) -> None:
    # TOML strings and Rust byte strings can hold a NUL, which no file name can
    root = workspace(tmp_path, LIB)
    manifest = root / "runtime/Cargo.toml"
    if where == "member":
        (root / "Cargo.toml").write_text('[workspace]\nmembers = ["runtime", "\\u0000"]\n')
    elif where == "dependency":
        manifest.write_text(manifest.read_text().replace(
            "[dependencies]\n", '[dependencies]\nx = { path = "a\\u0000b" }\n'))
    elif where == "lib":
        manifest.write_text(manifest.read_text() + '[lib]\npath = "src/\\u0000.rs"\n')
    else:
        lib = root / "runtime/src/lib.rs"
        lib.write_bytes(b'#[path = "a\x00b.rs"]\nmod m;\n' + lib.read_bytes())
    result = ab_lint("--format", "json", root)
    assert result.returncode in (0, 1, 2) and "Traceback" not in result.stderr, result.stderr

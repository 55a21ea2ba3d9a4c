"""Nothing outside the repository is read or written, seen from inside the interpreter: an audit
hook records every file opened and every folder listed while ab-lint reads a repository that
links, `#[path]`s, member-globs and path-depends its way out."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from test_shapes import workspace

from conftest import ROOT, run, write

_SEEN: list[tuple[str, str]] | None = None  # (event, path) while a run is watched


def _hook(event: str, args: tuple) -> None:
    if _SEEN is None or event not in ("open", "os.listdir", "os.scandir"):
        return
    target = args[0] if args else None
    if isinstance(target, int) or target is None:  # an fd: its opening was seen already
        return
    _SEEN.append((event, os.fsdecode(target)))


sys.addaudithook(_hook)  # hooks cannot be removed; this one is idle outside `watched`


@contextmanager
def watched() -> Iterator[list[tuple[str, str]]]:
    global _SEEN
    _SEEN = []
    try:
        yield _SEEN
    finally:
        _SEEN = None


def _ours(path: str) -> bool:
    """ab-lint's own files and the interpreter's (modules imported lazily, rule files, data)."""
    real = os.path.realpath(path)
    return any(real.startswith(p) for p in (str(ROOT), sys.prefix, sys.base_prefix, "/proc/",
                                            "/dev/null", "/usr/lib/python", "/etc/localtime"))


def test_a_repository_leading_out_everywhere_is_read_only_inside(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    write(secret, {"Cargo.toml": '[package]\nname = "secret"\nversion = "0.1.0"\n',
                   "src/lib.rs": "pub const MILLISECS_PER_BLOCK: u64 = 1;\n",
                   "zombienet.toml": "[relaychain]\n[[parachains]]\nid = 1\n"})
    lib = ('#[path = "../../../secret/src/lib.rs"]\nmod stolen;\n'
           "pub const MILLISECS_PER_BLOCK: u64 = 6000;\n")
    root = workspace(tmp_path / "repo", lib)
    (root / ".git").mkdir()
    os.symlink(secret, root / "runtime/src/linked")
    os.symlink(secret / "zombienet.toml", root / "net.toml")
    os.symlink("/", root / "everything")
    write(root, {"Cargo.toml": '[workspace]\nmembers = ["runtime", "../secret", "*"]\n'})
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(
        "[dependencies]\n", '[dependencies]\nsecret = { path = "../../secret" }\n'))
    out = tmp_path / "report.json"
    with watched() as seen:
        result = run("--format", f"json:{out}", "--exit-zero", "-j", "1", str(root))
    assert result.exit_code == 0, result.output
    repo = str(root.resolve())
    report = [p for _, p in seen if Path(p).parent == out.parent and "report.json" in p]
    outside = [(event, path) for event, path in seen
               if not os.path.realpath(path).startswith(repo) and not _ours(path)
               and path not in report]
    assert outside == []
    assert any(p.endswith("runtime/src/lib.rs") for _, p in seen)  # the hook does see reads
    assert out.is_file() and report  # written where asked (a new file renamed onto the name)

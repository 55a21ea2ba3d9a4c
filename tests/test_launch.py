"""Authoring flags in the repository's launch files (ab_lint/launch.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ab_lint import launch

from conftest import write


@pytest.mark.parametrize(("text", "expected"), [
    (b'args = ["--authoring slot-based", "-lparachain=debug"]', [(1, "slot-based", False)]),
    (b'args = ["--authoring=lookahead"]', [(1, "lookahead", False)]),
    (b'command: ["--chain", "dev.json",\n  "--authoring", "slot-based"]',
     [(2, "slot-based", False)]),
    (b"ExecStart=/usr/bin/polkadot-omni-node --chain x.json \\\n  --authoring  slot-based\n",
     [(2, "slot-based", False)]),
    (b"polkadot-parachain --experimental-use-slot-based --collator", [(1, "slot-based", True)]),
    (b"- --authoring\n- slot_based\n", [(1, "slot-based", False)]),
    (b"--authoring fancy-new-mode", []),  # not guessed
    (b"authoring = slot-based  # prose, no flag", []),
])
def test_flags_in_the_shapes_files_write_them(text: bytes, expected: list) -> None:
    assert launch.flags_in(text) == expected


def test_scan_finds_flags_in_launch_files_and_nowhere_else(tmp_path: Path) -> None:
    write(tmp_path, {
        "zombienet/slot-based.toml": '[[parachains.collators]]\nname = "c"\n'
                                     'args = ["--authoring=slot-based"]\n',
        "deploy/docker-compose.yml": 'services:\n  collator:\n    command: >\n'
                                     '      --collator --authoring lookahead\n',
        "deploy/collator.service": "[Service]\nExecStart=/bin/node --experimental-use-slot-based\n",
        "node_modules/pkg/run.sh": "node --authoring slot-based\n",  # not the repository's
        "target/debug/run.sh": "node --authoring slot-based\n",
        "src/main.rs": '// "--authoring slot-based" in Rust is the node\'s code, read elsewhere\n',
        "Cargo.toml": '[package]\nname = "x"\n# --authoring slot-based\n',
    })
    os.symlink(tmp_path / "zombienet/slot-based.toml", tmp_path / "linked.toml")
    os.mkfifo(tmp_path / "blocking.yml")  # never opened as a stream: no hang
    found = launch.scan(tmp_path, lambda p: p.relative_to(tmp_path).as_posix())
    assert [(f.path, f.line, f.mode, f.deprecated) for f in found.flags] == [
        ("deploy/collator.service", 2, "slot-based", True),
        ("deploy/docker-compose.yml", 4, "lookahead", False),
        ("zombienet/slot-based.toml", 3, "slot-based", False),
    ]
    assert found.modes == {"slot-based", "lookahead"}


def test_an_empty_repository_has_no_flags(tmp_path: Path) -> None:
    assert launch.scan(tmp_path, str).flags == []


@given(st.binary(max_size=4000), st.sampled_from([b"--authoring", b"--authoring=",
                                                  b"--authoring \n- ", b"use-slot-based"]))
def test_any_bytes_give_flags_or_none_never_an_error(data: bytes, flag: bytes) -> None:
    text = data[: len(data) // 2] + flag + data[len(data) // 2:]
    for line, mode, deprecated in launch.flags_in(text):
        assert 1 <= line <= text.count(b"\n") + 1
        assert mode in ("slot-based", "lookahead") and isinstance(deprecated, bool)

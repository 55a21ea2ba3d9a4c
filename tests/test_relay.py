"""The relay scan: which files it reads as test networks and chain specs, and which it skips
without parsing (a skipped file can never be a network with parachains or a chain spec)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ab_lint import relay
from ab_lint.relay import scan

from conftest import FIXTURES, write

NETWORK = """[relaychain]
chain = "rococo-local"

[relaychain.genesis.runtimeGenesis.patch.configuration.config.async_backing_params]
max_candidate_depth = 3
allowed_ancestry_len = 2

[[parachains]]
id = 2000
"""

NETWORK_JSON = {
    "relaychain": {"chain": "rococo-local", "genesis": {"runtimeGenesis": {"patch": {
        "configuration": {"config": {"scheduler_params": {"lookahead": 3}}}}}}},
    "parachains": [{"id": 2000}],
}


def _hex(n: int) -> str:
    return "0x" + "0123456789abcdef" * (n // 16)


def _chain_spec(code_bytes: int, raw: bool = False) -> str:
    """A chain spec with a runtime blob of `code_bytes` hex digits (name-first key order)."""
    if raw:
        genesis = {"raw": {"top": {_hex(64): _hex(code_bytes)}, "childrenDefault": {}}}
    else:
        genesis = {"runtimeGenesis": {"code": _hex(code_bytes), "patch": {
            "configuration": {"config": {"async_backing_params": {
                "max_candidate_depth": 3, "allowed_ancestry_len": 2}}}}}}
    return json.dumps({"name": "Local", "id": "local", "chainType": "Local", "bootNodes": [],
                       "codeSubstitutes": {}, "genesis": genesis}, indent=2)


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the scan parses from now on."""
    seen: list[str] = []
    load = relay._load

    def recording(name: str, text: str):
        seen.append(name)
        return load(name, text)

    monkeypatch.setattr(relay, "_load", recording)
    return seen


def test_networks_and_chain_specs_are_found(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "zombienet/net.toml": NETWORK,
        "zombienet/net.json": "\r\n \t" + json.dumps(NETWORK_JSON),  # JSON whitespace first
        "specs/big-plain.json": _chain_spec(3 * 1024 * 1024),
        "specs/small-plain.json": _chain_spec(1024),
    })
    found = scan(root, lambda p: p.relative_to(root).as_posix())
    assert found.networks == ["zombienet/net.json", "zombienet/net.toml"]
    assert [(c.rel, c.kind, c.keys[-3:]) for c in found.configs] == [
        ("specs/big-plain.json", "chain-spec", ["patch", "configuration", "config"]),
        ("specs/small-plain.json", "chain-spec", ["patch", "configuration", "config"]),
        ("zombienet/net.json", "zombienet", ["patch", "configuration", "config"]),
        ("zombienet/net.toml", "zombienet", ["patch", "configuration", "config"]),
    ]


def test_json_that_is_not_an_object_is_not_parsed(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # Both mention the relay chain; neither can be a network: JSON that does not start with
    # `{` (after JSON whitespace) never loads as a dict. The BOM file was never a network
    # either: json.loads refuses a document that starts with a byte order mark.
    root = write(tmp_path, {
        "a-list.json": json.dumps([NETWORK_JSON]),
        "bom.json": b"\xef\xbb\xbf" + json.dumps(NETWORK_JSON).encode(),
        "net.json": "\n" + json.dumps(NETWORK_JSON),
    })
    parsed = _parsed(monkeypatch)
    found = scan(root, str)
    assert parsed == ["net.json"]
    assert found.networks == [str(root / "net.json")]


def test_big_files_without_the_words_are_not_parsed(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"raw.json": _chain_spec(3 * 1024 * 1024, raw=True),
                             "plain.json": _chain_spec(3 * 1024 * 1024)})
    parsed = _parsed(monkeypatch)
    found = scan(root, str)
    assert parsed == ["plain.json"]
    assert [c.rel for c in found.configs] == [str(root / "plain.json")]


def test_what_is_walked(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "a/b/c/d/e/net.toml": NETWORK,  # directory depth 5: read
        "a/b/c/d/e/f/net.toml": NETWORK,  # depth 6: below MAX_DEPTH
        "net.toml": NETWORK,
        "z/net.toml": NETWORK,
        "target/net.toml": NETWORK,
        "node_modules/net.toml": NETWORK,
        ".hidden/net.toml": NETWORK,
        "Cargo.toml": NETWORK,
        "package.json": json.dumps(NETWORK_JSON),
        "net.yaml": NETWORK,
        "relay-only.toml": '[relaychain]\nchain = "rococo-local"\n',
    }
    root = write(tmp_path / "repo", files)
    (root / "linked").symlink_to(root / "z", target_is_directory=True)
    (root / "linked-net.toml").symlink_to(root / "z" / "net.toml")
    (root / "dangling.toml").symlink_to(root / "nowhere.toml")
    found = scan(root, lambda p: p.relative_to(root).as_posix())
    # A directory's files (by name) come before its subdirectories (by name).
    assert found.networks == ["linked-net.toml", "net.toml", "a/b/c/d/e/net.toml", "z/net.toml"]


def test_too_big_a_file_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"net.toml": NETWORK})
    monkeypatch.setattr(relay, "MAX_BYTES", len(NETWORK) - 1)
    assert scan(root, str).networks == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    write(tmp_path, {"net.toml": NETWORK})
    os.mkfifo(tmp_path / "blocked.toml")
    result: list[relay.RelayScan] = []
    worker = threading.Thread(target=lambda: result.append(scan(tmp_path, str)), daemon=True)
    worker.start()
    worker.join(10)
    assert result and result[0].networks == [str(tmp_path / "net.toml")]


def test_fixture_networks_are_found() -> None:
    root = FIXTURES / "rules/AB001-AB002-relay-configs"
    found = scan(root, lambda p: p.relative_to(root).as_posix())
    assert found.networks == ["zombienet.toml", "specs/zombienet-mixed.json"]
    assert sorted({c.rel for c in found.configs}) == [
        "specs/relay-old.json", "specs/zombienet-mixed.json", "zombienet.toml"]


# --- the anchored search answers as `in` does ----------------------------------------------

NEEDLES = [b"relaychain", b'"configuration"']


def _reference(data: bytes) -> bool:
    return any(needle in data for needle in NEEDLES)


def test_mentions_at_the_edges() -> None:
    big = b"0" * relay._ANCHOR_FROM
    for needle in NEEDLES:
        assert relay._mentions(needle + big)
        assert relay._mentions(big + needle)
        assert relay._mentions(big[:1000] + needle + big)
        assert not relay._mentions(needle[:-1] + big + needle[1:])
    many_anchors = b"r " * relay._ANCHOR_TRIES * 2
    assert relay._mentions(many_anchors + big + b'"configuration"')  # found after falling back
    assert not relay._mentions(many_anchors + big + b'"configuratio"')
    assert not relay._mentions(b"r" + big)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 80_000), st.sampled_from(
           NEEDLES + [b"r", b"rr", b"relaychai", b"elaychain", b'"configuratio', b'configuration"',
                      b"\"configur\"configuration\"", b"relayrelaychain", b"rrrr" * 200])),
           max_size=8),
       st.integers(0, 2 * relay._ANCHOR_FROM))
def test_mentions_is_the_same_as_searching(pieces: list[tuple[int, bytes]], size: int) -> None:
    data = bytearray(b"0123456789abcdef" * (size // 16 + 1))[:size]
    for at, piece in pieces:
        at = min(at, len(data))
        data[at:at] = piece
    assert relay._mentions(bytes(data)) == _reference(bytes(data))

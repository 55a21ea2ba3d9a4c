"""Elastic-scaling facts read outside the runtime's code (ab_lint/elastic_facts.py): how collators
author blocks, and the cores a local relay gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, run, write

NETWORK = '''[relaychain]
chain = "rococo-local"
default_command = "polkadot"

[relaychain.genesis.runtimeGenesis.patch.configuration.config.scheduler_params]
lookahead = 3
num_cores = 4

[[parachains]]
id = 2000

[[parachains.collators]]
name = "alice"
command = "polkadot-omni-node"
args = ["--authoring=slot-based"]
'''


def _target(root: Path) -> dict:
    result = run("--format", "json", "--exit-zero", str(root))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["targets"][0]


def test_the_nodes_code_decides_where_there_is_a_node() -> None:
    t = _target(FIXTURES / "phase3-done")
    assert t["facts"]["authoring"] == "lookahead"
    assert t["locations"]["authoring"]["path"] == "node/src/service.rs"
    assert _target(FIXTURES / "phase1-done")["facts"]["authoring"] is None  # basic collator


def test_the_omni_node_authors_as_its_launch_files_say(tmp_path: Path) -> None:
    root = tmp_path / "omni"
    shutil.copytree(FIXTURES / "omni-node", root, symlinks=True)
    t = _target(root)
    assert t["facts"]["authoring"] == "lookahead"  # the omni-node's default, written nowhere
    assert "authoring" not in t["locations"] and t["facts"]["relay_cores"] is None
    write(root, {"zombienet/elastic.toml": NETWORK})
    t = _target(root)
    assert t["facts"]["authoring"] == "slot-based"
    assert t["locations"]["authoring"] == {"path": "zombienet/elastic.toml", "line": 15,
                                           "column": 1, "end_line": None, "end_column": None}
    assert t["facts"]["relay_cores"] == 4
    assert t["locations"]["relay_cores"]["line"] == 7


def test_facts_listing_names_them() -> None:
    text = run("--facts", "--color", "never", "--exit-zero", str(FIXTURES / "phase3-done")).stdout
    assert "authoring" in text and "relay_cores" in text

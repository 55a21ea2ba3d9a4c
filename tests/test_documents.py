"""Hostile values in the documents ab-lint reads besides Rust: manifests, Cargo.lock, its own
settings and local network files. Every key it looks at gets values of every type; the run
ends with a report or one clear error line, never a traceback. The long profile runs more."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import rtoml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shapes import workspace

from conftest import run, write

EXAMPLES = max(100, settings.default.max_examples)  # the long profile runs thousands

SCALARS = st.one_of(
    st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False), st.booleans(),
    st.text(max_size=30), st.sampled_from(["", ".", "..", "/", "../../..", "/etc/passwd",
                                           "*", "**/*", "[", "{", "src/lib.rs", "runtime",
                                           "dep:x", "x/y", "x?/y", "workspace", "0.0.0",
                                           "stable2503", "polkadot-stable2506", "1.2.3-rc.1"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=8)


def _toml(doc: dict[str, Any]) -> str:
    try:
        return rtoml.dumps(doc)
    except Exception:  # noqa: BLE001 - a shape TOML cannot hold: the same values as text
        return rtoml.dumps({k: json.dumps(v) for k, v in doc.items()})


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, dict[str, str]]:
    where = draw(st.sampled_from(["runtime manifest", "workspace manifest", "lock", "settings",
                                  "zombienet", "chain spec"]))
    value = draw(VALUES)
    key = draw(st.sampled_from(["name", "version", "path", "workspace", "package", "features",
                                "default-features", "members", "exclude", "dependencies",
                                "source", "lib", "edition", "optional"]))
    if where == "runtime manifest":
        section = draw(st.sampled_from(["package", "lib", "dependencies", "build-dependencies",
                                        "features", "target"]))
        doc: dict[str, Any] = {"package": {"name": "acme-runtime", "version": "0.1.0"},
                               "dependencies": {"frame-executive": "1"}}
        doc.setdefault(section, {})[key] = value
        if section == "dependencies":
            doc["dependencies"]["cumulus-pallet-parachain-system"] = {key: value}
        return where, {"runtime/Cargo.toml": _toml(doc)}
    if where == "workspace manifest":
        doc = {"workspace": {"members": ["runtime"], key: value,
                             "dependencies": {"frame-executive": {key: value}}}}
        return where, {"Cargo.toml": _toml(doc)}
    if where == "lock":
        doc = {"version": 3, "package": [
            {"name": "frame-support", "version": "38.0.0"},
            {"name": draw(st.sampled_from(["polkadot-sdk", "frame-support",
                                           "cumulus-pallet-parachain-system"])), key: value}]}
        return where, {"Cargo.lock": _toml(doc)}
    if where == "settings":
        name = draw(st.sampled_from(["target-phase", "select", "ignore", "fail-on", "severity",
                                     "per-path-ignores"]))
        return where, {"ab-lint.toml": _toml({name: value})}
    if where == "zombienet":
        config = {"async_backing_params": {"max_candidate_depth": value,
                                           "allowed_ancestry_len": value},
                  "scheduler_params": {"lookahead": value}, "scheduling_lookahead": value}
        doc = {"relaychain": {"chain": "rococo-local", "genesis": {"runtimeGenesis": {"patch": {
            "configuration": {"config": config}}}}}, "parachains": [{"id": 1000, key: value}]}
        return where, {"zombienet.toml": _toml(doc)}
    config = {"async_backing_params": value, "scheduler_params": {"lookahead": value}}
    doc = {"genesis": {"runtimeGenesis": {"patch": {"configuration": {"config": config}}}},
           key: value}
    return where, {"chain-spec.json": json.dumps(doc, default=str)}


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_hostile_document_values_give_a_report_or_one_error(case: tuple[str, dict]) -> None:
    where, files = case
    with tempfile.TemporaryDirectory(prefix="ab-lint-docs-") as tmp:
        root = workspace(Path(tmp), "impl pallet_aura::Config for Runtime {}\n")
        write(root, files)
        result = run("--format", "json", "--exit-zero", "-j", "1", str(root))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: {files}\n{result.exc_info}")
    assert result.exit_code in (0, 2), f"{where}: {files}\n{result.output}"
    if result.exit_code == 0:
        assert json.loads(result.stdout)["version"] == 1
    else:
        assert result.stderr.startswith("ab-lint: error:") and result.stderr.count("\n") == 1

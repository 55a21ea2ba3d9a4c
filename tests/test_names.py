"""Path resolution as rustc does it, on small crates written into a temporary workspace."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES, run, write

MANIFEST = """[package]
name = "{name}"
version = "0.1.0"

[dependencies]
{deps}
frame-executive = {{ version = "1", default-features = false }}

[features]
default = ["std"{extra}]
std = []
{features}
"""



def runtime_lib(consts: str, hook_args: str = "RELAY, VELOCITY, CAPACITY") -> str:
    return f"""
{consts}
impl cumulus_pallet_parachain_system::Config for Runtime {{
    type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<Runtime, {hook_args}>;
}}
construct_runtime!(pub enum Runtime {{ System: frame_system }});
cumulus_pallet_parachain_system::register_validate_block! {{
    Runtime = Runtime,
    BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}}
impl_runtime_apis! {{
    impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {{
        fn slot_duration() -> SlotDuration {{ SlotDuration::from_millis(SLOT_DURATION) }}
    }}
}}
"""


def facts_of(root: Path) -> dict:
    result = run("--format", "json", "--exit-zero", str(root))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["targets"][0]["facts"]


def single_runtime(tmp_path: Path, lib: str, extra_files: dict[str, str] | None = None,
                   extra_features: str = "", features: str = "", deps: str = "") -> Path:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["runtime"]\n',
        "runtime/Cargo.toml": MANIFEST.format(name="rt", deps=deps, extra=extra_features,
                                              features=features),
        "runtime/src/lib.rs": lib,
    }
    files.update(extra_files or {})
    return write(tmp_path, files)


def test_use_alias_and_nested_module(tmp_path: Path) -> None:
    lib = runtime_lib("""
mod params {
    pub mod inner { pub const CAP: u32 = 2 + 1; }
    pub use inner::CAP as CAPACITY;
    pub(crate) const VELOCITY: u32 = 1;
}
use params::{CAPACITY, VELOCITY as V};
const VELOCITY: u32 = V;
const RELAY: u32 = 6_000;
""")
    facts = facts_of(single_runtime(tmp_path, lib))
    assert facts["unincluded_segment_capacity"] == 3
    assert facts["block_processing_velocity"] == 1
    assert facts["relay_chain_slot_duration_millis"] == 6000


def test_module_files_super_and_crate_paths(tmp_path: Path) -> None:
    lib = runtime_lib("mod configs;\npub use configs::consts::*;")
    extra = {
        "runtime/src/configs/mod.rs": "pub mod consts;\n",
        "runtime/src/configs/consts.rs": (
            "pub const RELAY: u32 = super::super::BASE * 2;\n"
            "pub const VELOCITY: u32 = crate::configs::consts::RELAY / 6000;\n"
            "pub const CAPACITY: u32 = VELOCITY + 2;\n"),
    }
    lib = lib.replace("mod configs;", "mod configs;\nconst BASE: u32 = 3000;")
    facts = facts_of(single_runtime(tmp_path, lib, extra))
    assert (facts["relay_chain_slot_duration_millis"], facts["block_processing_velocity"],
            facts["unincluded_segment_capacity"]) == (6000, 1, 3)


def test_sibling_crate_renamed_dependency(tmp_path: Path) -> None:
    lib = runtime_lib("use consts::time::{RELAY, VELOCITY, CAPACITY};")
    root = single_runtime(tmp_path, lib, {
        "common/Cargo.toml": '[package]\nname = "acme-common"\nversion = "0.1.0"\n',
        "common/src/lib.rs": "pub mod time {\n pub const RELAY: u32 = 6000;\n"
                             " pub const VELOCITY: u32 = 1;\n pub const CAPACITY: u32 = 3; }\n",
    }, deps='consts = { package = "acme-common", path = "../common" }')
    facts = facts_of(root)
    assert facts["unincluded_segment_capacity"] == 3


def test_default_features_pick_the_cfg_arm(tmp_path: Path) -> None:
    lib = runtime_lib("""
const RELAY: u32 = 6000;
const VELOCITY: u32 = 1;
#[cfg(feature = "async")]
const CAPACITY: u32 = 3;
#[cfg(not(feature = "async"))]
const CAPACITY: u32 = 1;
""")
    off = facts_of(single_runtime(tmp_path / "off", lib, features='async = []'))
    on = facts_of(single_runtime(tmp_path / "on", lib, extra_features=', "async"',
                                 features='async = []'))
    assert off["unincluded_segment_capacity"] == 1
    assert on["unincluded_segment_capacity"] == 3


def test_literal_arguments_and_glob_shadowing(tmp_path: Path) -> None:
    lib = runtime_lib("use frame_support::pallet_prelude::*;\nuse local::*;\n"
                      "mod local { pub const CAPACITY: u32 = 4; }",
                      hook_args="6000, { 2 * 1 }, CAPACITY")
    facts = facts_of(single_runtime(tmp_path, lib))
    assert facts["relay_chain_slot_duration_millis"] == 6000
    assert facts["block_processing_velocity"] == 2
    assert facts["unincluded_segment_capacity"] == 4


def test_unresolvable_is_null_not_a_guess(tmp_path: Path) -> None:
    lib = runtime_lib("use some_external_crate::consts::*;")
    facts = facts_of(single_runtime(tmp_path, lib))
    assert facts["unincluded_segment_capacity"] is None
    assert facts["consensus_hook"] == "FixedVelocityConsensusHook"


def test_import_cycle_terminates(tmp_path: Path) -> None:
    lib = runtime_lib("mod a { pub use super::b::*; }\nmod b { pub use super::a::*; }\n"
                      "use a::*;\nconst RELAY: u32 = 6000;")
    facts = facts_of(single_runtime(tmp_path, lib))
    assert facts["relay_chain_slot_duration_millis"] == 6000
    assert facts["unincluded_segment_capacity"] is None


def test_dangling_source_link_is_a_note(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(FIXTURES / "phase3-done", root, symlinks=True)
    (root / "runtime/src/gone.rs").symlink_to(root / "runtime/src/missing.rs")
    result = run("--format", "json", "--exit-zero", str(root))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert any(d["path"] == "runtime/src/gone.rs" for d in doc["diagnostics"])
    assert doc["targets"][0]["phase"] == 3

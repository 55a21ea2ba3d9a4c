"""Code shapes met in real parachains, each in a small tree written here."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run, write

RUNTIME_MANIFEST = """[package]
name = "{name}"
version = "0.1.0"

[dependencies]
frame-executive = {{ version = "1", default-features = false }}
{deps}

[features]
default = ["std"]
std = []
"""

NODE_MANIFEST = """[package]
name = "node"
version = "0.1.0"

[dependencies]
sc-service = "1"
{deps}

[features]
default = []
{features}
"""

VALIDATE = """
construct_runtime!(pub enum Runtime { System: frame_system });
cumulus_pallet_parachain_system::register_validate_block! {
    Runtime = Runtime,
    BlockExecutor = EXECUTOR::BlockExecutor::<Runtime, Executive>,
}
impl_runtime_apis! {}
"""



def lint(root: Path) -> list[dict]:
    result = run("--format", "json", "--exit-zero", str(root))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["targets"]


def workspace(tmp_path: Path, runtime_lib: str, node_files: dict[str, str] | None = None,
              executor: str = "cumulus_pallet_aura_ext", node_deps: str = "",
              node_features: str = "") -> Path:
    files = {
        "Cargo.toml": '[workspace]\nmembers = ["runtime", "node"]\n' if node_files
        else '[workspace]\nmembers = ["runtime"]\n',
        "runtime/Cargo.toml": RUNTIME_MANIFEST.format(name="acme-runtime", deps=""),
        "runtime/src/lib.rs": runtime_lib + VALIDATE.replace("EXECUTOR", executor),
    }
    if node_files:
        files["node/Cargo.toml"] = NODE_MANIFEST.format(
            deps=node_deps or 'acme-runtime = { path = "../runtime" }', features=node_features)
        files.update({f"node/{k}": v for k, v in node_files.items()})
    return write(tmp_path, files)


def test_block_time_from_what_minutes_is_computed_from(tmp_path: Path) -> None:
    lib = ("pub const SLOT_DURATION: u64 = 6_000;\n"
           "pub const MINUTES: u32 = 60_000 / (SLOT_DURATION as BlockNumber);\n"
           "pub const HOURS: u32 = MINUTES * 60;\n")
    facts = lint(workspace(tmp_path, lib))[0]["facts"]
    assert facts["millisecs_per_block"] == 6000


def test_block_time_beside_the_imported_slot(tmp_path: Path) -> None:
    lib = ("mod consts {\n pub mod relay { pub const MILLISECS_PER_BLOCK: u64 = 6000; }\n"
           " pub mod para { pub const MILLISECS_PER_BLOCK: u64 = 12_000;\n"
           "   pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK; } }\n"
           "use consts::para::SLOT_DURATION;\n")
    facts = lint(workspace(tmp_path, lib))[0]["facts"]
    assert facts["millisecs_per_block"] == 12000
    assert facts["slot_duration"] == 12000


def test_block_time_is_what_durations_count_in_when_the_slot_comes_from_elsewhere(
        tmp_path: Path) -> None:
    """A system chain moving to async backing: the Aura slot still from the old constants
    (12 s), MINUTES already from the async-backing module (6 s). The block time is the one
    the runtime's durations are counted in."""
    lib = ("mod consts {\n pub const MILLISECS_PER_BLOCK: u64 = 12_000;\n"
           " pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;\n"
           " pub mod async_backing { pub const MILLISECS_PER_BLOCK: u64 = 6_000;\n"
           "   pub const MINUTES: u32 = 60_000 / (MILLISECS_PER_BLOCK as u32); } }\n"
           "use consts::{async_backing::MINUTES, SLOT_DURATION};\n")
    facts = lint(workspace(tmp_path, lib))[0]["facts"]
    assert facts["millisecs_per_block"] == 6000
    assert facts["slot_duration"] == 12000


def test_block_time_of_an_outside_crate_points_at_the_import(tmp_path: Path) -> None:
    lib = "use parachains_common::{AccountId, DAYS};\n"
    target = lint(workspace(tmp_path, lib))[0]
    assert target["facts"]["millisecs_per_block"] == 12000
    assert target["locations"]["millisecs_per_block"]["line"] == 1


def test_three_argument_hook(tmp_path: Path) -> None:
    lib = """
pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;
impl cumulus_pallet_parachain_system::Config for Runtime {
    type ConsensusHook = pallet_async_backing::consensus_hook::FixedVelocityConsensusHook<
        Runtime, 2, 5>;
}
"""
    facts = lint(workspace(tmp_path, lib))[0]["facts"]
    assert (facts["block_processing_velocity"], facts["unincluded_segment_capacity"]) == (2, 5)
    assert facts["relay_chain_slot_duration_millis"] == 6000


def test_block_executor_decides_consensus(tmp_path: Path) -> None:
    lib = ("impl pallet_aura::Config for Runtime { type AllowMultipleBlocksPerSlot = "
           "ConstBool<false>; }\n")
    nimbus = lint(workspace(tmp_path / "n", lib, executor="pallet_author_inherent"))[0]
    aura = lint(workspace(tmp_path / "a", lib))[0]
    assert nimbus["facts"]["consensus"] == "nimbus" and nimbus["phase"] is None
    assert aura["facts"]["consensus"] == "aura"


def test_cfg_on_call_arguments(tmp_path: Path) -> None:
    lib = """
const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(
    #[cfg(feature = "async-backing")] WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2),
    #[cfg(not(feature = "async-backing"))] WEIGHT_REF_TIME_PER_SECOND.saturating_div(2),
    MAX_POV_SIZE as u64,
);
"""
    assert lint(workspace(tmp_path, lib))[0]["facts"]["max_block_ref_time_ms"] == 500


SERVICE = """
use cumulus_client_consensus_aura::collators::lookahead::{self as aura, Params};
fn start_consensus(client: Client, backend: Backend) {
    let params = Params {
        para_client: client.clone(),
        #[cfg(feature = "async-backing")]
        para_backend: backend,
        #[cfg(feature = "async-backing")]
        code_hash_provider: move |h| client.code_at(h),
        #[cfg(not(feature = "async-backing"))]
        authoring_duration: Duration::from_millis(500),
        #[cfg(feature = "async-backing")]
        authoring_duration: Duration::from_millis(2000),
    };
    aura::run(params);
}
"""


def test_cfg_on_collator_params(tmp_path: Path) -> None:
    root = workspace(tmp_path, "", {"src/main.rs": "mod service;\n", "src/service.rs": SERVICE},
                     node_features="async-backing = []")
    node = lint(root)[0]["node_facts"]
    assert node == {"collator": "lookahead", "authoring_duration_ms": 500,
                    "para_backend_passed": False, "code_hash_provider": False}


def test_node_built_with_the_feature_that_enables_its_runtime(tmp_path: Path) -> None:
    root = workspace(
        tmp_path, "",
        {"src/main.rs": '#[cfg(feature = "acme")]\nmod service;\n',
         "src/service.rs": SERVICE.replace("async-backing", "acme")},
        node_deps='acme-runtime = { path = "../runtime", optional = true }',
        node_features='acme = ["dep:acme-runtime"]')
    node = lint(root)[0]["node_facts"]
    assert node["collator"] == "lookahead" and node["authoring_duration_ms"] == 2000


def test_collator_started_from_a_service_library(tmp_path: Path) -> None:
    root = workspace(tmp_path, "", {"src/main.rs": "fn main() { acme_service::start(); }\n"},
                     node_deps='acme-runtime = { path = "../runtime" }\n'
                               'acme-service = { path = "../service" }')
    write(root, {
        "Cargo.toml": '[workspace]\nmembers = ["runtime", "node", "service"]\n',
        "service/Cargo.toml": NODE_MANIFEST.format(deps="", features=""),
        "service/src/lib.rs": SERVICE.replace("#[cfg(not(feature = \"async-backing\"))]\n", "")
        .replace("    #[cfg(feature = \"async-backing\")]\n", "")
        .replace("        authoring_duration: Duration::from_millis(500),\n", ""),
    })
    (root / "service/Cargo.toml").write_text(
        (root / "service/Cargo.toml").read_text().replace('name = "node"', 'name = "acme-service"'))
    node = lint(root)[0]["node_facts"]
    assert node == {"collator": "lookahead", "authoring_duration_ms": 2000,
                    "para_backend_passed": True, "code_hash_provider": True}


def test_legacy_nimbus_collator(tmp_path: Path) -> None:
    service = ("use nimbus_consensus::{BuildNimbusConsensusParams, NimbusConsensus};\n"
               "fn build() { NimbusConsensus::build(BuildNimbusConsensusParams { x: 1 }); }\n")
    root = workspace(tmp_path, "", {"src/main.rs": "mod service;\n", "src/service.rs": service},
                     executor="pallet_author_inherent")
    assert lint(root)[0]["node_facts"]["collator"] == "nimbus"


def test_non_parachain_runtime_is_skipped_with_a_note(tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    write(root, {
        "Cargo.toml": '[workspace]\nmembers = ["runtime", "solo"]\n',
        "solo/Cargo.toml": RUNTIME_MANIFEST.format(name="solo-runtime", deps=""),
        "solo/src/lib.rs": "construct_runtime!(pub enum Runtime {});\nimpl_runtime_apis! {}\n",
    })
    result = run("--format", "json", "--exit-zero", str(root))
    doc = json.loads(result.stdout)
    assert [t["runtime"] for t in doc["targets"]] == ["runtime"]
    assert any("not a parachain runtime" in d["message"] for d in doc["diagnostics"])


def test_sibling_workspaces_in_one_repository(tmp_path: Path) -> None:
    workspace(tmp_path / "alpha", "")
    workspace(tmp_path / "beta", "")
    targets = lint(tmp_path)
    assert sorted(t["runtime"] for t in targets) == ["alpha/runtime", "beta/runtime"]


def test_documentation_crate_with_a_nested_example_runtime_is_not_a_target(
        tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    nested = ("pub mod guide {\n    mod runtime {\n"
              "        construct_runtime!(pub enum Runtime {});\n"
              "        impl_runtime_apis! {}\n"
              "        cumulus_pallet_parachain_system::register_validate_block! {\n"
              "            Runtime = Runtime,\n        }\n    }\n}\n")
    write(root, {
        "Cargo.toml": '[workspace]\nmembers = ["runtime", "docs"]\n',
        "docs/Cargo.toml": RUNTIME_MANIFEST.format(name="acme-docs", deps=""),
        "docs/src/lib.rs": nested,
    })
    doc = json.loads(run("--format", "json", "--exit-zero", str(root)).stdout)
    assert [t["runtime"] for t in doc["targets"]] == ["runtime"]
    assert any("acme-docs" in d["message"] and "nested" in d["message"]
               for d in doc["diagnostics"])


OMNI_LIB = """
use cumulus_client_consensus_aura::collators::{lookahead as aura, slot_based};

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
pub enum AuthoringPolicy { Lookahead, SlotBased }

pub struct Cli {
    #[arg(long, default_value_t = AuthoringPolicy::Lookahead)]
    pub authoring: AuthoringPolicy,
}

pub struct ExtraArgs { pub authoring_policy: AuthoringPolicy }

impl Cli {
    fn extra_args(&self) -> ExtraArgs { ExtraArgs { authoring_policy: self.authoring } }
}

fn new_node(extra_args: ExtraArgs) -> Box<dyn Node> {
    if extra_args.authoring_policy == AuthoringPolicy::SlotBased {
        Box::new(AuraNode::<StartSlotBased>::default())
    } else {
        Box::new(AuraNode::<StartLookahead>::default())
    }
}

pub struct StartSlotBased;
impl StartSlotBased {
    fn start() {
        slot_based::run(slot_based::Params { para_backend: backend, code_hash_provider: h,
                                              authoring_duration: Duration::from_millis(1500) });
    }
}

pub struct StartLookahead;
impl StartLookahead {
    fn start() {
        let params = aura::ParamsWithExport {
            export_pov: None,
            params: aura::Params { para_backend: backend, code_hash_provider: h,
                                   authoring_duration: Duration::from_millis(2000) },
        };
        aura::run_with_export(params);
    }
}
"""


def test_omni_node_library_in_the_repository_runs_its_authoring_default(
        tmp_path: Path) -> None:
    """polkadot-sdk's own omni-node: the `--authoring` default picks the type whose impl
    starts the collator, and the lookahead params sit inside ParamsWithExport."""
    root = workspace(tmp_path, "", {"src/lib.rs": OMNI_LIB},
                     node_deps='acme-runtime = { path = "../runtime" }\n'
                               'cumulus-client-consensus-aura = "1"')
    node = lint(root)[0]["node_facts"]
    assert node == {"collator": "lookahead", "authoring_duration_ms": 2000,
                    "para_backend_passed": True, "code_hash_provider": True}


def test_collator_run_imported_under_another_name(tmp_path: Path) -> None:
    service = ("use cumulus_client_consensus_aura::collators::lookahead::{run as run_aura, "
               "Params as BuildAuraConsensusParams};\n"
               "fn start(client: C, backend: B) {\n"
               "    let params = BuildAuraConsensusParams { para_backend: backend,\n"
               "        code_hash_provider: h, authoring_duration: Duration::from_millis(1500) };\n"
               "    let fut = run_aura::<Block, P, _, _>(params);\n}\n")
    root = workspace(tmp_path, "", {"src/main.rs": "mod service;\n", "src/service.rs": service},
                     node_deps='acme-runtime = { path = "../runtime" }\n'
                               'cumulus-client-consensus-aura = "1"')
    assert lint(root)[0]["node_facts"] == {"collator": "lookahead", "authoring_duration_ms": 1500,
                                           "para_backend_passed": True,
                                           "code_hash_provider": True}


def test_api_body_wrapped_in_a_block(tmp_path: Path) -> None:
    lib = ("impl_runtime_apis! {\n impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {\n"
           "  fn slot_duration() -> sp_consensus_aura::SlotDuration {\n"
           "   { sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION) }\n  }\n }\n}\n")
    facts = lint(workspace(tmp_path, lib))[0]["facts"]
    assert facts["aura_api_slot_duration"] == (
        "sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)")


SHARED_CONSTS = {
    "common/Cargo.toml": '[package]\nname = "acme-common"\nversion = "0.1.0"\n',
    "common/src/lib.rs": (
        "pub mod constants {\n    pub const MILLISECS_PER_BLOCK: u64 = 6_000;\n"
        "    pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;\n"
        "    pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(\n"
        "        WEIGHT_REF_TIME_PER_SECOND.saturating_mul(2), 0);\n}\n"
        "pub mod config {\n    pub mod frame_system {\n        use crate::constants as consts;\n"
        "        parameter_types! { pub RuntimeBlockWeights: BlockWeights =\n"
        "            BlockWeights::with_sensible_defaults(consts::MAXIMUM_BLOCK_WEIGHT, R); }\n"
        "    }\n}\n"),
}


def _with_shared(tmp_path: Path, lib: str) -> Path:
    root = workspace(tmp_path, lib)
    write(root, {"Cargo.toml": '[workspace]\nmembers = ["runtime", "common"]\n', **SHARED_CONSTS})
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(
        "[dependencies]\n", '[dependencies]\nacme-common = { path = "../common" }\n'))
    return root


def test_block_time_through_a_module_named_by_path(tmp_path: Path) -> None:
    """`use dep::{constants::{self}}` and only `constants::SLOT_DURATION / 2` in an
    expression: the block time beside it counts."""
    lib = ("use acme_common::{constants::{self}};\n"
           "impl pallet_timestamp::Config for Runtime {\n"
           "    type MinimumPeriod = ConstU64<{ constants::SLOT_DURATION / 2 }>;\n}\n")
    facts = lint(_with_shared(tmp_path, lib))[0]["facts"]
    assert facts["millisecs_per_block"] == 6000


def test_block_weight_built_in_a_shared_crate_from_its_constants(tmp_path: Path) -> None:
    """`type BlockWeights = cfg::frame_system::RuntimeBlockWeights`, whose module writes
    `consts::MAXIMUM_BLOCK_WEIGHT`: one hop through the module the runtime names."""
    lib = ("use acme_common::config as cfg;\n"
           "impl frame_system::Config for Runtime {\n"
           "    type BlockWeights = cfg::frame_system::RuntimeBlockWeights;\n}\n")
    facts = lint(_with_shared(tmp_path, lib))[0]["facts"]
    assert facts["max_block_ref_time_ms"] == 2000


def test_authoring_duration_from_a_workspace_macro_choosing_by_feature(tmp_path: Path) -> None:
    """`prod_or_local!(500, 2000)`: a macro of the node's own crate whose expansion picks an
    argument with `cfg!(feature = ..)`; default features build the production value."""
    service = ("macro_rules! prod_or_local {\n    ($prod:expr, $local:expr) => {\n"
               "        if cfg!(feature = \"local\") { $local } else { $prod }\n    };\n}\n"
               "use cumulus_client_consensus_aura::collators::lookahead::{self as aura, Params};\n"
               "fn start(backend: B) {\n    aura::run(Params { para_backend: backend,\n"
               "        code_hash_provider: h,\n"
               "        authoring_duration:\n"
               "            Duration::from_millis(prod_or_local!(500, 2000)) });\n}\n")
    root = workspace(tmp_path, "", {"src/main.rs": "mod service;\n", "src/service.rs": service},
                     node_features='local = []')
    assert lint(root)[0]["node_facts"]["authoring_duration_ms"] == 500


def test_parachain_only_behind_a_non_default_feature(tmp_path: Path) -> None:
    """A crate built as a solo chain by default and as a parachain with `parachain`: it is
    read with that feature, and the report says so, instead of judging its solo build."""
    lib = ("#[cfg(feature = \"parachain\")]\n"
           "impl cumulus_pallet_parachain_system::Config for Runtime {\n"
           "    type CheckAssociatedRelayNumber = RelayNumberMonotonicallyIncreases;\n}\n")
    root = workspace(tmp_path, lib)
    path = root / "runtime/src/lib.rs"
    validate = "cumulus_pallet_parachain_system::register_validate_block!"
    path.write_text(path.read_text().replace(
        validate, "#[cfg(feature = \"parachain\")]\n" + validate))
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text() + "parachain = []\n")
    doc = json.loads(run("--format", "json", "--exit-zero", str(root)).stdout)
    assert doc["targets"][0]["facts"]["check_associated_relay_number"] == (
        "RelayNumberMonotonicallyIncreases")
    assert any("`parachain` feature" in d["message"] for d in doc["diagnostics"])


def test_capacity_bound_counts_the_configured_relay_parent_offset(tmp_path: Path) -> None:
    # (2 + offset) * velocity: capacity 2 leaves room at offset 0, not at offset 1
    hook = """
impl cumulus_pallet_parachain_system::Config for Runtime {
    type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
        Runtime, 6000, 1, 2>;
    OFFSET
}
impl pallet_aura::Config for Runtime {}
"""
    rules = []
    for n, offset in enumerate(("", "type RelayParentOffset = ConstU32<1>;")):
        root = workspace(tmp_path / str(n), hook.replace("OFFSET", offset))
        findings = json.loads(run("--format", "json", "--exit-zero", "--select", "AB402",
                                  str(root)).stdout)["findings"]
        rules.append([(f["rule"], f["expected"]) for f in findings])
    assert rules == [[], [("AB402", "3")]]


PROC_RUNTIME = """use acme_proc::acme_construct_runtime;
// construct_runtime! is written by the attribute below
#[acme_construct_runtime]
mod runtime {
    struct System;
    struct Consensus;
}
"""


def _proc_runtime_crate(root: Path, folder: str) -> None:
    manifest = RUNTIME_MANIFEST.format(name=f"{folder}-runtime", deps='acme-proc = "1"')
    write(root, {f"{folder}/Cargo.toml": manifest + '[build-dependencies]\n'
                 'substrate-wasm-builder = "1"\n', f"{folder}/src/lib.rs": PROC_RUNTIME})


def test_runtime_written_by_an_outside_procedural_macro_is_named_not_called_absent(
        tmp_path: Path) -> None:
    write(tmp_path, {"Cargo.toml": '[workspace]\nmembers = ["generated"]\n'})
    _proc_runtime_crate(tmp_path, "generated")
    result = run(str(tmp_path))
    assert result.exit_code == 2
    assert "not a parachain" not in result.stdout + result.stderr
    assert "generated: runtime crate generated-runtime is assembled by the procedural macro " \
           "#[acme_construct_runtime] of acme_proc" in result.stderr


def test_a_runtime_ab_lint_cannot_read_is_a_note_beside_the_others(tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    write(root, {"Cargo.toml": '[workspace]\nmembers = ["runtime", "generated"]\n'})
    _proc_runtime_crate(root, "generated")
    doc = json.loads(run("--format", "json", "--exit-zero", str(root)).stdout)
    assert [t["runtime_crate"] for t in doc["targets"]] == ["acme-runtime"]
    assert any(d["path"] == "generated" and "#[acme_construct_runtime]" in d["message"]
               for d in doc["diagnostics"])


def test_minimum_period_from_a_struct_that_implements_get_by_hand(tmp_path: Path) -> None:
    lib = """
parameter_types! { pub const MinimumPeriodValue: u64 = 6000 / 2; }
pub struct MinimumPeriod;
impl MinimumPeriod {
    pub fn get() -> u64 { MinimumPeriodValue::get() }
}
impl<I: From<u64>> frame_support::traits::Get<I> for MinimumPeriod {
    fn get() -> I { I::from(Self::get()) }
}
impl pallet_timestamp::Config for Runtime {
    type MinimumPeriod = MinimumPeriod;
}
"""
    target = lint(workspace(tmp_path, lib))[0]
    assert target["facts"]["minimum_period_ms"] == 3000
    assert target["locations"]["minimum_period_ms"]["line"] == 2  # the value to edit


def test_a_getter_that_only_calls_itself_is_unknown_not_a_hang(tmp_path: Path) -> None:
    lib = """
pub struct MinimumPeriod;
impl Get<u64> for MinimumPeriod {
    fn get() -> u64 { Self::get() }
}
impl pallet_timestamp::Config for Runtime {
    type MinimumPeriod = MinimumPeriod;
}
"""
    assert lint(workspace(tmp_path, lib))[0]["facts"]["minimum_period_ms"] is None


def test_macro_crate_need_not_depend_on_the_crate_its_macros_call(tmp_path: Path) -> None:
    """register_validate_block! in a macro_rules! body resolves where the macro is invoked:
    the shared crate need not depend on parachain-system, the runtime does (zeitgeist)."""
    import shutil

    from conftest import FIXTURES

    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "shape-macro-runtime", root)
    manifest = root / "crates/runtime-common/Cargo.toml"
    text = manifest.read_text()
    text = text.replace("cumulus-pallet-parachain-system = { workspace = true }\n", "")
    manifest.write_text(text.replace('\t"cumulus-pallet-parachain-system/std",\n', ""))
    assert "parachain-system" not in manifest.read_text()
    assert [t["runtime_crate"] for t in lint(root)] == ["kestrel-runtime"]


def test_block_time_from_what_the_runtime_imports_before_a_module_it_names(
        tmp_path: Path) -> None:
    """HOURS imported from the runtime's own 6 s module; MINUTES only written as a path into
    the relay chain's constants crate (12 s): the block time is 6 s."""
    lib = ("mod ab { pub const MILLISECS_PER_BLOCK: u64 = 6_000;\n"
           " pub const HOURS: u32 = 600; }\nuse ab::HOURS;\n"
           "pub const RELAY_MINUTE: u32 = acme_relay::time::MINUTES;\n")
    root = workspace(tmp_path, lib)
    write(root, {"Cargo.toml": '[workspace]\nmembers = ["runtime", "relay"]\n',
                 "relay/Cargo.toml": '[package]\nname = "acme-relay"\nversion = "0.1.0"\n',
                 "relay/src/lib.rs": "pub mod time {\n pub const MILLISECS_PER_BLOCK: u64 = "
                                     "12_000;\n pub const MINUTES: u32 = 5;\n}\n"})
    manifest = root / "runtime/Cargo.toml"
    manifest.write_text(manifest.read_text().replace(
        "[dependencies]\n", '[dependencies]\nacme-relay = { path = "../relay" }\n'))
    target = lint(root)[0]
    assert target["facts"]["millisecs_per_block"] == 6000
    assert target["locations"]["millisecs_per_block"]["line"] == 1


def test_a_runtime_that_defines_a_helper_macro_is_still_a_runtime(tmp_path: Path) -> None:
    """A macro_rules! above the runtime's own register_validate_block! (an item, outside
    every brace) does not make the crate a crate of runtime-building macros."""
    lib = ("macro_rules! ensure_origins { ($($o:ident),*) => { $(pub struct $o;)* }; }\n"
           "ensure_origins!(Treasurer, Fellows);\n")
    assert [t["runtime_crate"] for t in lint(workspace(tmp_path, lib))] == ["acme-runtime"]


def test_run_from_a_folder_inside_a_crate_finds_its_workspace(tmp_path: Path) -> None:
    root = workspace(tmp_path, "")
    (root / ".git").mkdir()
    doc = json.loads(run("--format", "json", "--exit-zero", str(root / "runtime/src")).stdout)
    assert doc["root"] == str(root.resolve())
    assert [t["runtime_crate"] for t in doc["targets"]] == ["acme-runtime"]

"""The release facts on shapes real runtimes write, each an edit of `AB5-stable2606-ready`:
moonkit's storage-backed RelayParentOffset (Moonbeam), a hand-written Get that reads a
parameter (Hydration), Astar's parameter_types value, SlotSchedule (stable2512's first name of
TargetBlockRate), dynamic block weight, the ump-signals feature switched on through a feature
of the runtime, and the aura-ext migration listed through an alias."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run

LIB = "runtime/src/lib.rs"
OFFSET = "\ttype RelayParentOffset = ConstU32<0>;\n"
RATE_FN = "\t\tfn target_block_rate() -> u32 {\n\t\t\tBLOCK_PROCESSING_VELOCITY\n\t\t}\n"

# name -> (file, text to replace, replacement), the fact, its value, the line it points at
SHAPES = {
    "storage offset": (
        LIB, OFFSET, "\ttype RelayParentOffset = AsyncBacking;\n",
        "relay_parent_offset", "dynamic", 112),
    "getter reading a parameter": (
        LIB, OFFSET, "\ttype RelayParentOffset = OffsetFromParameters;\n}\n\n"
        "pub struct OffsetFromParameters;\n\nimpl Get<u32> for OffsetFromParameters {\n"
        "\tfn get() -> u32 {\n\t\tif Parameters::relay_parent_offset_override() { 0 } else { 1 }"
        "\n\t}\n}\n\nimpl Dummy for Runtime {\n",
        "relay_parent_offset", "dynamic", 112),
    "parameter_types value": (
        LIB, OFFSET, "\ttype RelayParentOffset = RelayParentOffset;\n}\n\nparameter_types! {\n"
        "\tpub const RelayParentOffset: u32 = 2;\n}\n\nimpl Dummy for Runtime {\n",
        "relay_parent_offset", 2, 116),
    "api through the config": (
        LIB, OFFSET, "\ttype RelayParentOffset = ConstU32<1>;\n",
        "relay_parent_offset_api", 1, 142),
    "slot schedule": (
        LIB, "TargetBlockRate<Block> for Runtime {\n" + RATE_FN,
        "SlotSchedule<Block> for Runtime {\n\t\tfn next_slot_schedule(_num_cores: u32) -> "
        "cumulus_primitives_core::NextSlotSchedule {\n\t\t\tcumulus_primitives_core::"
        "NextSlotSchedule::x_blocks_using_y_cores(3, 1)\n\t\t}\n",
        "target_block_rate_api", 3, 158),
    "dynamic block weight": (
        LIB, "impl frame_system::Config for Runtime {\n",
        "impl frame_system::Config for Runtime {\n\ttype MaximumBlockWeight = "
        "cumulus_pallet_parachain_system::MaxParachainBlockWeight<Runtime, ConstU32<3>>;\n",
        "block_weight_mode", "dynamic", 84),
    "ump signals through a feature": (
        "runtime/Cargo.toml", 'std = [\n', 'std = [\n\t"cumulus-pallet-parachain-system/'
        'experimental-ump-signals",\n', "ump_signals_feature", True, 38),
    "migration through an alias": (
        LIB, "pub type Migrations = (cumulus_pallet_aura_ext::migration::MigrateV0ToV1<Runtime>,);",
        "pub type Migrations = (Unreleased,);\n\nuse cumulus_pallet_aura_ext::migration::"
        "MigrateV0ToV1;\n\npub type Unreleased = (MigrateV0ToV1<Runtime>,);",
        "aura_ext_migration_v0_to_v1", True, 44),
}


def _edited(tmp: Path, file: str, old: str, new: str) -> Path:
    tree = tmp / "tree"
    shutil.copytree(FIXTURES / "rules" / "AB5-stable2606-ready", tree, symlinks=True)
    path = tree / file
    text = path.read_text()
    assert old in text, f"the fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1))
    return tree


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_release_fact_shape(tmp_path: Path, shape: str) -> None:
    file, old, new, fact, value, line = SHAPES[shape]
    result = run("--format", "json", "--exit-zero", str(_edited(tmp_path, file, old, new)))
    target = json.loads(result.stdout)["targets"][0]
    assert target["facts"][fact] == value
    where = target["locations"][fact]
    assert (where["path"], where["line"]) == (file, line)


def test_pre_release_v3_shape_is_an_info(tmp_path: Path) -> None:
    """The master shape before #12185 (`SchedulingV3Enabled` + `NoVerification`) is named as
    pre-release, not reported as a missing verifier."""
    tree = _edited(tmp_path, LIB, "\ttype SchedulingSignatureVerifier = ();\n",
                   "\ttype SchedulingV3Enabled = ConstBool<false>;\n\ttype "
                   "SchedulingSignatureVerifier = cumulus_primitives_core::NoVerification;\n")
    result = run("--format", "json", "--exit-zero", str(tree))
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "AB504"]
    assert [(f["severity"], f["line"]) for f in found] == [("info", 113)]
    assert "before polkadot-sdk #12185" in found[0]["message"]

"""AB401 speaks where the block time changes or is about to: on a runtime still above 6 s it
names every duration counted in parachain blocks; on one already at 6 s it is silent about
them, and only constants built for another block time are still named."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES, run

AHEAD = FIXTURES / "rules/AB401-ahead-12s"  # phase2-done: 12 s, the switch to 6 s ahead
AT_6S = FIXTURES / "rules/AB401-at-6s"  # phase3-done: 6 s, the same counts in blocks


def ab401(root: Path, *args: str) -> list[dict]:
    result = run("--format", "json", "--exit-zero", "--select", "AB401", *args, str(root))
    assert result.exit_code == 0, result.output
    return [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "AB401"]


def line_of(root: Path, text: str) -> int:
    lines = (root / "runtime/src/lib.rs").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_every_count_in_blocks_is_named_while_the_switch_to_6_s_is_ahead() -> None:
    found = ab401(AHEAD)
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [
        ("runtime/src/lib.rs", line_of(AHEAD, "use parachains_common::DAYS;"), "warning"),
        ("runtime/src/lib.rs", line_of(AHEAD, "type BlockNumberProvider = System;"), "warning"),
        ("runtime/src/lib.rs", line_of(AHEAD, "type VotingPeriod = ConstU32<100_800>;"),
         "warning")]
    imported, provider, literal = (f["message"] for f in found)
    # parachains_common assumes 12 s, as this runtime does today: wrong after the switch
    assert "DAYS come from parachains_common, which assumes 12000 ms blocks: when this " \
           "runtime's blocks go from 12000 ms to 6000 ms" in imported
    assert "pallet_vesting" in provider and "`BlockNumberProvider = System`" in provider
    assert "100800 parachain blocks" in literal and "from 12000 ms to 6000 ms" in literal
    assert "Before switching to 6 s blocks" in found[0]["fix_hint"]


def test_nothing_is_said_on_a_runtime_already_at_6_s() -> None:
    """The same vesting provider and voting period as AHEAD: the block time no longer changes
    under them (before, the provider was still an info)."""
    assert line_of(AT_6S, "type BlockNumberProvider = System;")
    assert line_of(AT_6S, "type VotingPeriod = ConstU32<100_800>;")
    assert ab401(AT_6S) == []


def test_constants_built_for_another_block_time_are_named_at_6_s_too() -> None:
    """polkadot-sdk #3932: a 6 s runtime whose periods use parachains_common's 12 s DAYS runs
    them at half length now, whatever comes next."""
    root = FIXTURES / "failures/sdk-3932-imported-days"
    found = ab401(root)
    assert [f["line"] for f in found] == [line_of(root, "use parachains_common::")]
    assert "this runtime's block time is 6000 ms" in found[0]["message"]


def test_a_target_short_of_phase_3_leaves_the_switch_and_ab401_out() -> None:
    assert ab401(AHEAD, "--target-phase", "2") == []
    assert len(ab401(AHEAD, "--target-phase", "3")) == 3


def test_multisig_keeps_its_local_block_number(tmp_path: Path) -> None:
    # multisig stamps operations with the block number, it counts no duration (fellows #809)
    import shutil

    root = tmp_path / "ahead"
    shutil.copytree(AHEAD, root, symlinks=True)
    lib = root / "runtime/src/lib.rs"
    lib.write_text(lib.read_text().replace("impl pallet_vesting::Config for Runtime {",
                                           "impl pallet_multisig::Config for Runtime {"))
    providers = [f for f in ab401(root) if "BlockNumberProvider" in f["message"]]
    assert providers == []
    assert [f for f in ab401(AHEAD) if "BlockNumberProvider" in f["message"]]

"""AB407: what the collator reads through runtime APIs agrees with what the runtime enforces
(the relay parent offset, the target block rate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_releases import edit, hits, on_release, report

FIXTURE = "rules/es-velocity-3-slot-based"  # velocity 3, slot-based, stable2512, offset 0
LIB = "runtime/src/lib.rs"
OFFSET = "const RELAY_PARENT_OFFSET: u32 = 0;"
APIS = "impl_runtime_apis! {\n"


def _api(body: str) -> str:
    return (APIS + "\timpl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {\n"
            f"\t\tfn relay_parent_offset() -> u32 {{\n\t\t\t{body}\n\t\t}}\n\t}}\n\n")


def _rate(value: int) -> str:
    return (APIS + "\timpl cumulus_primitives_core::TargetBlockRate<Block> for Runtime {\n"
            f"\t\tfn target_block_rate() -> u32 {{\n\t\t\t{value}\n\t\t}}\n\t}}\n\n")


def _tree(tmp_path: Path, release: str = "stable2512") -> Path:
    return on_release(FIXTURE, release, tmp_path)


def test_silent_where_nothing_is_offset(tmp_path: Path) -> None:
    assert hits(report(_tree(tmp_path)), "AB407") == []


def test_an_offset_without_the_api_is_an_error(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    edit(tree, LIB, OFFSET, OFFSET.replace("= 0", "= 1"))
    (f,) = hits(report(tree), "AB407")
    assert (f["severity"], f["later_step"], f["line"]) == ("error", False, 111)
    assert "implements no RelayParentOffsetApi" in f["message"]
    assert "Unable to verify provided relay parent descendants" in f["fix_hint"]


def test_an_api_that_disagrees_with_the_config_is_an_error(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    edit(tree, LIB, OFFSET, OFFSET.replace("= 0", "= 2"))
    edit(tree, LIB, APIS, _api("1"))
    (f,) = hits(report(tree), "AB407")
    assert f["severity"] == "error" and (f["found"], f["expected"]) == ("1", "2")
    assert "sends 2 relay headers and the runtime expects 3" in f["message"]


def test_an_api_that_returns_the_config_is_silent(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    edit(tree, LIB, OFFSET, OFFSET.replace("= 0", "= 1"))
    edit(tree, LIB, APIS, _api(
        "<Runtime as cumulus_pallet_parachain_system::Config>::RelayParentOffset::get()"))
    assert hits(report(tree), "AB407") == []


def test_an_api_ahead_of_a_zero_config_is_a_staged_change(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    edit(tree, LIB, APIS, _api("1"))
    (f,) = hits(report(tree), "AB407")
    assert f["severity"] == "info" and "a staged change" in f["message"]


@pytest.mark.parametrize(("release", "severity"), [("stable2512", "warning"),
                                                   ("stable2606", "error")])
def test_a_target_block_rate_other_than_the_velocity(release: str, severity: str,
                                                     tmp_path: Path) -> None:
    tree = _tree(tmp_path, release)
    edit(tree, LIB, APIS, _rate(1))
    (f,) = hits(report(tree), "AB407")
    assert (f["severity"], f["found"], f["expected"]) == (severity, "1", "3")
    assert "the slot-based collator builds 1 blocks per relay slot" in f["message"]
    edit(tree, LIB, "\t\t\t1\n", "\t\t\t3\n")
    assert hits(report(tree), "AB407") == []


def test_a_velocity_above_one_on_the_lookahead_collator(tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    service = tree / "node/src/service.rs"
    text = service.read_text()
    assert "slot_based" in text
    service.write_text(text.replace("slot_based", "lookahead"))
    doc = report(tree)
    assert doc["targets"][0]["facts"]["authoring"] == "lookahead"
    (f,) = hits(doc, "AB407")
    assert (f["severity"], f["later_step"], f["found"]) == ("error", False, "lookahead")
    assert f["path"] == "node/src/service.rs"
    assert "cannot reach 3 blocks per relay slot" in f["message"]
    assert "slot_based::run" in f["fix_hint"]

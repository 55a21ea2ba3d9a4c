"""Bump breakers (AB501-AB507) per SDK release: each fires on the release that breaks the code
it finds, stays silent on the releases before and on the right code, and where the release is
unknown says so at warning. Also the release facts they read."""

from __future__ import annotations

import json

import pytest

from ab_lint import catalogue
from ab_lint.checks import CHECKS
from ab_lint.discover import discover
from ab_lint.facts import collect

from conftest import FIXTURES, run

BREAKERS = sorted(r for r in catalogue.load() if r.startswith("AB5"))


def report(fixture: str) -> dict:
    result = run("--format", "json", "--exit-zero", str(FIXTURES / "rules" / fixture))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# fixture, rule, file:line, severity, phrases the message and fix hint hold together
FIRES = [
    ("AB5-stable2506-no-offset", "AB503", "runtime/src/lib.rs:96", "error",
     ["required from stable2506 on", "on stable2506, the runtime does not compile",
      "`type RelayParentOffset = ConstU32<0>;`"]),
    ("AB5-stable2509-select-core", "AB501", "runtime/src/lib.rs:108", "error",
     ["from stable2509 on", "on stable2509, the runtime does not compile", "Delete the line"]),
    ("AB5-stable2509-select-core", "AB501", "runtime/src/lib.rs:136", "error",
     ["GetCoreSelectorApi", "Delete the whole"]),
    ("AB5-stable2512-ump", "AB502", "Cargo.toml:14", "error",
     ["from stable2512 on", "Cargo rejects", "in Cargo.toml"]),
    ("AB5-stable2603-proposer", "AB507", "node/src/service.rs:9", "error",
     ["from stable2603 on", "ProposerFactory"]),
    ("AB5-stable2606-missing", "AB504", "runtime/src/lib.rs:96", "error",
     ["required from stable2606 on", "`type SchedulingSignatureVerifier = ();`"]),
    ("AB5-stable2606-missing", "AB505", "runtime/src/lib.rs:135", "error",
     ["no `fn max_claim_queue_offset`", "Pallet::<Runtime>::max_claim_queue_offset()"]),
    ("AB5-stable2606-missing", "AB506", "runtime/src/lib.rs:135", "warning",
     ["SchedulingV3EnabledApi", "V3_SCHEDULING_ENABLED"]),
    ("AB5-stable2606-v3-on", "AB504", "runtime/src/lib.rs:109", "warning",
     ["AuraSchedulingVerifier", "CandidateReceiptV3", "stalls"]),
    ("AB5-stable2606-v3-on", "AB505", "runtime/src/lib.rs:142", "warning",
     ["the literal `1`", "while V3 scheduling is off"]),
    ("AB5-stable2606-v3-on", "AB506", "runtime/src/lib.rs:148", "error",
     ["returns `false`", "(V3 scheduling on)", "instead of a literal"]),
]


@pytest.mark.parametrize(("fixture", "rule", "where", "severity", "phrases"), FIRES)
def test_fires_on_its_release(fixture: str, rule: str, where: str, severity: str,
                              phrases: list[str]) -> None:
    found = [f for f in report(fixture)["findings"]
             if f["rule"] == rule and f"{f['path']}:{f['line']}" == where]
    assert len(found) == 1, f"{rule} not at {where} on {fixture}"
    f = found[0]
    assert f["severity"] == severity
    assert f["later_step"] is False  # a breaker is never a step for later
    for phrase in phrases:
        assert phrase in f"{f['message']} {f['fix_hint']}", phrase


# fixture -> the release it pins; every breaker must stay silent on it
SILENT = {
    "AB5-stable2407-before": "stable2407",
    "AB5-stable2503-staged": "stable2503",  # SelectCore, ump signals, no offset: all right here
    "AB5-stable2606-ready": "stable2606",
}


@pytest.mark.parametrize("fixture", sorted(SILENT))
def test_silent_before_and_when_right(fixture: str) -> None:
    doc = report(fixture)
    assert doc["targets"][0]["facts"]["sdk_version"] == SILENT[fixture]
    assert [f["rule"] for f in doc["findings"] if f["rule"] in BREAKERS] == []


def test_each_breaker_is_silent_the_release_before() -> None:
    """Code that breaks on release N compiles on the release before: same code, no finding."""
    staged = {f["rule"] for f in report("AB5-stable2503-staged")["findings"]}
    no_offset = {f["rule"] for f in report("AB5-stable2506-no-offset")["findings"]}
    ump = {f["rule"] for f in report("AB5-stable2512-ump")["findings"]}
    select = {f["rule"] for f in report("AB5-stable2509-select-core")["findings"]}
    assert "AB501" not in no_offset  # SelectCore is still required on stable2506
    assert "AB502" not in select  # the ump-signals feature still exists on stable2509
    assert "AB507" not in ump  # the proposer crate still ships with stable2512
    assert "AB503" not in staged  # RelayParentOffset does not exist before stable2506


def test_unknown_release_is_a_warning_that_says_so() -> None:
    doc = report("AB5-release-unknown")
    assert doc["targets"][0]["facts"]["sdk_version"] is None
    select = [f for f in doc["findings"] if f["rule"] == "AB501"]
    assert [f["severity"] for f in select] == ["warning"]
    assert "could not read the release" in select[0]["fix_hint"]
    assert ">=stable2509" in select[0]["fix_hint"]
    assert "from stable2509 on" in select[0]["message"]
    assert "None" not in select[0]["message"]
    assert all(f["severity"] != "error" for f in doc["findings"] if f["rule"] in BREAKERS)


def test_every_hit_is_now() -> None:
    """The checks mark each hit as wrong today, so no gate defers it."""
    trees = ["AB5-stable2509-select-core", "AB5-stable2606-missing", "AB5-stable2606-v3-on",
             "AB5-stable2512-ump", "AB5-stable2603-proposer"]
    hits = [hit for tree in trees for t in collect(discover(FIXTURES / "rules" / tree))
            for rule in BREAKERS for hit in CHECKS[rule](t)]
    assert len(hits) >= 9
    assert all(hit.now for hit in hits)


def test_every_breaker_declares_its_release() -> None:
    for rule_id in BREAKERS:
        rule = catalogue.load()[rule_id]
        assert rule.releases.startswith(">=stable"), rule_id
        assert rule.guide.startswith("https://github.com/paritytech/polkadot-sdk/pull/")
        # a release taken from a prdoc folder says so; one that is not says "inferred"
        assert "verified in the" in rule.explain["why"] or "inferred" in rule.explain["why"]


def _facts(fixture: str) -> tuple[dict, dict]:
    t = report(fixture)["targets"][0]
    return t["facts"], {k: f"{v['path']}:{v['line']}"
                        for k, v in t["locations"].items()}


def test_release_facts_of_a_stable2606_runtime() -> None:
    facts, where = _facts("AB5-stable2606-ready")
    assert {k: facts[k] for k in (
        "relay_parent_offset", "relay_parent_offset_api", "max_claim_queue_offset_impl",
        "target_block_rate_api", "scheduling_signature_verifier", "scheduling_v3_enabled_api",
        "select_core", "ump_signals_feature", "get_parachain_info_api", "block_weight_mode",
        "aura_ext_migration_v0_to_v1")} == {
        "relay_parent_offset": 0, "relay_parent_offset_api": 0,
        "max_claim_queue_offset_impl": True, "target_block_rate_api": 1,
        "scheduling_signature_verifier": "()", "scheduling_v3_enabled_api": True,
        "select_core": False, "ump_signals_feature": False, "get_parachain_info_api": True,
        "block_weight_mode": "constant", "aura_ext_migration_v0_to_v1": True}
    assert where["relay_parent_offset"] == "runtime/src/lib.rs:112"
    assert where["scheduling_signature_verifier"] == "runtime/src/lib.rs:113"
    assert where["aura_ext_migration_v0_to_v1"] == "runtime/src/lib.rs:40"


def test_release_facts_of_older_shapes() -> None:
    facts, where = _facts("AB5-stable2509-select-core")
    assert facts["select_core"] is True and where["select_core"] == "runtime/src/lib.rs:108"
    assert facts["ump_signals_feature"] is True
    assert where["ump_signals_feature"].startswith("runtime/Cargo.toml:")
    assert facts["relay_parent_offset"] == 0 and facts["max_claim_queue_offset_impl"] is False
    assert facts["scheduling_signature_verifier"] is None
    facts, where = _facts("AB5-stable2512-ump")
    assert facts["ump_signals_feature"] is True and where["ump_signals_feature"] == "Cargo.toml:14"
    facts, _ = _facts("AB5-stable2407-before")
    assert facts["relay_parent_offset"] is None and facts["relay_parent_offset_api"] is None
    assert facts["select_core"] is False and facts["aura_ext_migration_v0_to_v1"] is False

"""Every rule fires on a fixture and stays silent on another, at the right line."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest

from ab_lint import catalogue

from conftest import FIXTURES, fixture_names, run

# rule -> (fixture where it fires, file:line it points at, fixture where it stays silent)
CASES = {
    "AB001": ("rules/AB001-AB002-relay-configs", "zombienet.toml:7", "phase3-done"),
    "AB002": ("rules/AB001-AB002-relay-configs", "specs/zombienet-mixed.json:10",
              "rules/relay-ok"),
    "AB003": ("rules/AB003-node-features", "zombienet.toml:10",
              "rules/es-velocity-3-slot-based"),
    "AB000": ("nimbus", "runtime/src/lib.rs:157", "phase3-done"),
    "AB101": ("rules/AB101-zero-velocity", "runtime/src/lib.rs:61", "phase3-done"),
    "AB102": ("rules/AB102-relay-slot", "runtime/src/lib.rs:63", "phase3-done"),
    "AB103": ("rules/AB103-slot-mismatch", "runtime/src/lib.rs:43", "phase3-done"),
    "AB104": ("failures/heima-4050-alias-unwired", "runtime/src/lib.rs:103", "phase1-done"),
    "AB105": ("failures/heima-4061-stall", "runtime/src/lib.rs:107", "phase1-done"),
    "AB106": ("failures/ajuna-368-divide-by-zero", "runtime/src/lib.rs:118", "phase3-done"),
    "AB107": ("rules/AB107-api-slot", "runtime/src/lib.rs:137", "phase3-done"),
    "AB108": ("failures/heima-4050-alias-unwired", "runtime/src/lib.rs:140", "multi-runtime"),
    "AB109": ("basic-aura-phase0", "runtime/Cargo.toml:13", "split-umbrella"),
    "AB110": ("rules/AB110-std-missing", "runtime/Cargo.toml:37", "split-umbrella"),
    "AB111": ("legacy-2023", "runtime/src/lib.rs:188", "phase1-done"),
    "AB201": ("rules/AB201-no-backend", "node/src/service.rs:77", "phase2-done"),
    "AB202": ("failures/sdk-4272-basic-node", "node/src/service.rs:69", "phase2-done"),
    "AB203": ("rules/AB203-no-code-hash", "node/src/service.rs:75", "phase2-done"),
    "AB204": ("phase2-done", "node/src/service.rs:73", "phase3-done"),
    "AB301": ("failures/heima-4061-stall", "runtime/src/lib.rs:120", "phase3-done"),
    "AB302": ("phase2-done", "runtime/src/lib.rs:55", "phase3-done"),
    "AB303": ("phase2-done", "runtime/src/lib.rs:40", "phase3-done"),
    "AB304": ("phase2-done", "runtime/src/lib.rs:49", "phase3-done"),
    "AB305": ("failures/astar-1481-minimum-period", "runtime/src/lib.rs:76", "phase3-done"),
    "AB401": ("failures/sdk-3932-imported-days", "runtime/src/lib.rs:18", "rules/AB401-at-6s"),
    "AB402": ("failures/laos-788-no-space", "runtime/src/lib.rs:60", "phase3-done"),
    "AB403": ("rules/AB103-slot-mismatch", "runtime/src/lib.rs:43", "phase3-done"),
    "AB404": ("rules/AB404-short-authoring", "node/src/service.rs:73", "phase3-done"),
    "AB407": ("rules/AB407-offset-mismatch", "runtime/src/lib.rs:141",
              "rules/es-velocity-3-slot-based"),
    "AB408": ("failures/sdk-4589-old-sdk", "Cargo.lock:6", "phase3-done"),
    "AB501": ("rules/AB5-stable2509-select-core", "runtime/src/lib.rs:108",
              "rules/AB5-stable2503-staged"),
    "AB502": ("rules/AB5-stable2512-ump", "Cargo.toml:14", "rules/AB5-stable2503-staged"),
    "AB503": ("rules/AB5-stable2506-no-offset", "runtime/src/lib.rs:96",
              "rules/AB5-stable2503-staged"),
    "AB504": ("rules/AB5-stable2606-missing", "runtime/src/lib.rs:96",
              "rules/AB5-stable2606-ready"),
    "AB505": ("rules/AB5-stable2606-missing", "runtime/src/lib.rs:135",
              "rules/AB5-stable2606-ready"),
    "AB506": ("rules/AB5-stable2606-missing", "runtime/src/lib.rs:135",
              "rules/AB5-stable2606-ready"),
    "AB507": ("rules/AB5-stable2603-proposer", "node/src/service.rs:9", "rules/AB5-stable2512-ump"),
    "AB601": ("rules/AB601-renamed-pallets", "runtime/src/lib.rs:112", "omni-node"),
    "AB602": ("rules/AB602-no-aura-api", "runtime/src/lib.rs:121", "omni-node"),
    "AB603": ("rules/AB603-para-id", "chain-specs/wren-local.json:8", "omni-node"),
    "AB604": ("rules/AB604-ed25519", "runtime/src/lib.rs:98", "omni-node"),
    "AB900": ("rules/AB900-unused-suppression", "runtime/src/lib.rs:59", "phase3-done"),
}


def findings(fixture: str, *args: str) -> list[dict]:
    result = run("--format", "json", "--exit-zero", *args, str(FIXTURES / fixture))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["findings"]


def test_every_rule_has_cases() -> None:
    assert set(CASES) == set(catalogue.load())


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_fires_at_the_line(rule_id: str) -> None:
    fixture, where, _ = CASES[rule_id]
    # a rule asking for the same edit as another at the same place speaks through it (also)
    hits = [f for f in findings(fixture) if rule_id in [f["rule"], *f["also"]]]
    assert hits, f"{rule_id} does not fire on {fixture}"
    assert where in {f"{f['path']}:{f['line']}" for f in hits}
    rule = catalogue.load()[rule_id]
    for f in hits:
        assert f["message"] and f["fix_hint"]
        assert f["guide"] == rule.guide or f"also {rule_id}: " in f["message"]
        assert f["severity"] in ("error", "warning", "info")


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_stays_silent(rule_id: str) -> None:
    _, _, silent = CASES[rule_id]
    assert rule_id not in {r for f in findings(silent) for r in [f["rule"], *f["also"]]}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_explain_has_every_section(rule_id: str) -> None:
    rule = catalogue.load()[rule_id]
    assert rule.explain.get("what") and rule.explain.get("why")
    assert rule.guide.startswith("https://")
    if rule_id != "AB000":
        assert rule.explain.get("wrong", "").strip() and rule.explain.get("right", "").strip()
    out = run("explain", rule_id.lower())
    assert out.exit_code == 0 and rule.title in out.stdout and rule.guide in out.stdout


FAILURES = sorted(p.name for p in (FIXTURES / "failures").iterdir() if p.is_dir())


@pytest.mark.parametrize("name", FAILURES)
def test_real_failures_are_caught(name: str) -> None:
    """Each failure teams met after deployment: the right rule, line, severity and panic."""
    expected = json.loads((FIXTURES / "failures" / name / "expected.json").read_text())
    result = run("--format", "json", "--exit-zero", str(FIXTURES / "failures" / name))
    doc = json.loads(result.stdout)
    assert doc["targets"][0]["phase"] == expected["phase"]
    got = doc["findings"]
    for want in expected["findings"]:
        match = [f for f in got if f["rule"] == want["rule"]
                 and f"{f['path']}:{f['line']}" == want["at"]]
        assert match, f"{want['rule']} not reported at {want['at']}"
        f = match[0]
        assert f["severity"] == want["severity"]
        if "hint_contains" in want:
            assert want["hint_contains"] in f["fix_hint"]
        for phrase in want.get("message_contains", []):
            assert phrase in f["message"] + f["fix_hint"]


GATING = {r.id for r in catalogue.load().values() if r.gates}


def _agrees(targets: list[dict], found: list[dict]) -> list[str]:
    problems = []
    for t in targets:
        phase = t["phase"]
        if phase is None:
            continue
        gating = {f["rule"]: f["phase"] for f in found
                  if t["runtime"] in f["targets"] and f["gates_phase"]}
        early = [r for r, p in gating.items() if p <= phase]
        if early:
            problems.append(f"{t['runtime']}: phase {phase} but {early} fire")
        if phase < 3 and not any(p == phase + 1 for p in gating.values()):
            problems.append(f"{t['runtime']}: phase {phase} and no phase-{phase + 1} rule fires")
    return problems


ALL_TREES = [n for n in fixture_names()] + [f"failures/{n}" for n in FAILURES] + [
    f"rules/{p.name}" for p in sorted((FIXTURES / "rules").iterdir())]


@pytest.mark.parametrize("name", ALL_TREES)
def test_findings_agree_with_the_phase(name: str) -> None:
    result = run("--format", "json", "--exit-zero", str(FIXTURES / name))
    doc = json.loads(result.stdout)
    assert _agrees(doc["targets"], doc["findings"]) == []


# The corpus lives beside the project (../shared); its cases are the list of record, and each
# case's source tree is the export `../shared/corpus/check` leaves in its cache, stamped with the
# commit. Whatever else sits in that cache is not a case and is not read.
CORPUS_CASES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "cases.json"
CORPUS_CACHE = Path(os.environ.get("AB_CORPUS_CACHE",
                                   Path(tempfile.gettempdir()) / "ab-corpus"))


def _corpus_cases() -> list[Any]:
    if not CORPUS_CASES.is_file():
        return [pytest.param(None, id="no-corpus", marks=pytest.mark.skip(
            reason=f"no corpus: {CORPUS_CASES} not found (../shared beside the repository)"))]
    return [pytest.param(case, id=case["id"]) for case in json.loads(CORPUS_CASES.read_text())]


def corpus_tree(case: dict[str, Any]) -> Path:
    """The case's source tree at its labelled commit, or a skip that says how to get it."""
    tree = CORPUS_CACHE / case["id"]
    stamp = tree / ".ab-corpus-commit"
    if not stamp.is_file() or stamp.read_text().strip() != case["commit"]:
        pytest.skip(f"corpus case {case['id']}: no source tree of {case['repo']} at "
                    f"{case['commit'][:12]} in {CORPUS_CACHE}; `../shared/corpus/check --only "
                    f"{case['id']}` exports it from a copy of the repository")
    return tree


@pytest.mark.parametrize("case", _corpus_cases())
def test_corpus_findings_agree_with_the_phase(case: dict[str, Any]) -> None:
    result = run("--format", "json", "--exit-zero", str(corpus_tree(case)))
    doc = json.loads(result.stdout)
    assert doc["targets"], f"{case['id']}: no runtime found"
    assert _agrees(doc["targets"], doc["findings"]) == []

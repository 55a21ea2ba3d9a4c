"""Each fixture tree against its expected.json: facts, node facts, phase and source lines."""

from __future__ import annotations

import pytest

from conftest import expected, fixture_names

CASES = [(name, t["runtime"]) for name in fixture_names() for t in expected(name)["targets"]]


def _target(report: dict, runtime: str) -> dict:
    by_dir = {t["runtime"]: t for t in report["targets"]}
    assert runtime in by_dir, f"runtime {runtime} not found; saw {sorted(by_dir)}"
    return by_dir[runtime]


def _expected_target(name: str, runtime: str) -> dict:
    return next(t for t in expected(name)["targets"] if t["runtime"] == runtime)


@pytest.mark.parametrize(("name", "runtime"), CASES)
def test_phase(fixture_reports, name: str, runtime: str) -> None:
    got = _target(fixture_reports[name], runtime)
    assert got["phase"] == _expected_target(name, runtime)["phase"]


@pytest.mark.parametrize(("name", "runtime"), CASES)
def test_runtime_facts(fixture_reports, name: str, runtime: str) -> None:
    got = _target(fixture_reports[name], runtime)["facts"]
    want = _expected_target(name, runtime)["facts"]
    assert {k: got.get(k) for k in want} == want


@pytest.mark.parametrize(("name", "runtime"), CASES)
def test_node_and_pairing(fixture_reports, name: str, runtime: str) -> None:
    got = _target(fixture_reports[name], runtime)
    want = _expected_target(name, runtime)
    assert got["node"] == want["node"]
    if want["node_facts"] is None:
        assert got["node_facts"] is None
    else:
        assert {k: got["node_facts"].get(k) for k in want["node_facts"]} == want["node_facts"]


@pytest.mark.parametrize(("name", "runtime"), CASES)
def test_fact_lines(fixture_reports, name: str, runtime: str) -> None:
    """Every fact points at the line a person would edit."""
    got = _target(fixture_reports[name], runtime)["locations"]
    want = _expected_target(name, runtime).get("evidence", {})
    assert want, "every fixture lists the lines of its key facts"
    seen = {k: f"{v['path']}:{v['line']}" for k, v in got.items() if k in want}
    assert seen == want


def test_every_fact_is_reported(fixture_reports) -> None:
    from ab_lint.facts import NODE_FACTS, RUNTIME_FACTS

    for report in fixture_reports.values():
        for t in report["targets"]:
            assert tuple(t["facts"]) == RUNTIME_FACTS
            assert t["node_facts"] is None or tuple(t["node_facts"]) == NODE_FACTS


CHECKED = [n for n in fixture_names()
           if "diagnostics_contains" in expected(n) or "no_rule" in expected(n)]


@pytest.mark.parametrize("name", CHECKED)
def test_notes_and_silent_rules(fixture_reports, name: str) -> None:
    """A crate that cannot be read is named with what stopped it; rules a shape must not
    trigger stay silent."""
    report, want = fixture_reports[name], expected(name)
    notes = " ".join(f"{d['path']} {d['message']}" for d in report["diagnostics"])
    for text in want.get("diagnostics_contains", []):
        assert text in notes, f"{text!r} not in the notes: {notes}"
    fired = {f["rule"] for f in report["findings"]}
    assert not fired & set(want.get("no_rule", [])), fired


def test_no_python_repr_in_messages(fixture_reports) -> None:
    """Values reach a reader as Rust, never as Python objects (which also made output vary
    from run to run)."""
    for name, report in fixture_reports.items():
        for f in report["findings"]:
            text = " ".join(str(f.get(k)) for k in ("message", "fix_hint", "found", "expected"))
            assert "object at 0x" not in text and "Named(" not in text, (name, text)

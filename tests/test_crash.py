"""A bug ab-lint meets costs the runtime or rule it hit, never the report, and never looks like
findings: exit 3, a note naming what was lost, everything else reported."""

from __future__ import annotations

import json

import pytest

from ab_lint import checks, facts

from conftest import FIXTURES, run

MULTI = FIXTURES / "multi-runtime"
ONE = FIXTURES / "phase1-done"


def _broken(*_args: object, **_kwargs: object) -> object:
    raise KeyError("a bug")


def test_a_rule_that_fails_is_named_and_the_rest_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    before = json.loads(run("--format", "json", "--exit-zero", str(ONE)).stdout)
    monkeypatch.setitem(checks.CHECKS, "AB104", _broken)
    result = run("--format", "json", "--exit-zero", "-j", "1", str(ONE))
    assert result.exit_code == 3  # even with --exit-zero: a crash is not findings
    doc = json.loads(result.stdout)
    assert any("internal error while checking AB104" in d["message"]
               for d in doc["diagnostics"])
    others = [f for f in before["findings"] if f["rule"] != "AB104"]
    assert others and [f for f in doc["findings"] if f["rule"] != "AB104"] == others


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_runtime_that_fails_is_named_and_the_others_reported(
        monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    real = facts.target_facts

    def fails_on_alpha(loader, workspace, target):  # type: ignore[no-untyped-def]
        if target.runtime.name.startswith("alpha"):
            raise ValueError("a bug")
        return real(loader, workspace, target)

    monkeypatch.setattr(facts, "target_facts", fails_on_alpha)
    result = run("--format", "json", "-j", jobs, str(MULTI))
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert [t["runtime"] for t in doc["targets"]] == ["runtimes/beta"]
    assert any(d["path"] == "runtimes/alpha" and "internal error while reading runtime" in
               d["message"] for d in doc["diagnostics"])


def test_a_bad_path_does_not_discard_the_others(tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "nowhere"
    result = run("--format", "json", "--exit-zero", str(missing), str(ONE))
    assert result.exit_code == 2
    assert result.stderr.startswith("ab-lint: error:") and "nowhere" in result.stderr
    assert json.loads(result.stdout)["targets"]

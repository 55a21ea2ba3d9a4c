"""Microsoft's SARIF Multitool with GitHub's ingestion rules (`validate --rule-kind Ghas`, the
validator GitHub's "SARIF support for code scanning" page points to) on every fixture's SARIF.

.ci/run installs it from npm (`@microsoft/sarif-multitool`, a self-contained native build per
platform) into .ci/node_modules; AB_LINT_SARIF_MULTITOOL may name the executable instead.
Without it the test is skipped."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from test_sarif_ingest import all_fixtures

from conftest import FIXTURES, ROOT, run


def multitool() -> tuple[Path | None, str]:
    """The native executable (never the package's node wrapper: it runs its arguments through
    a shell, where `Sarif;Ghas` is two commands), or why there is none."""
    named = os.environ.get("AB_LINT_SARIF_MULTITOOL")
    candidates = ([Path(named)] if named else
                  sorted((ROOT / ".ci" / "node_modules" / "@microsoft").glob(
                      "sarif-multitool-*/Sarif.Multitool*")))
    candidates = [c for c in candidates if c.is_file() and os.access(c, os.X_OK)]
    if not candidates:
        return None, ("sarif-multitool is not installed (.ci/run installs it with npm; or set "
                      "AB_LINT_SARIF_MULTITOOL)")
    try:
        probe = subprocess.run([str(candidates[0]), "--version"], capture_output=True, text=True,
                               timeout=120)
    except OSError as e:
        return None, f"sarif-multitool does not start: {e}"
    if probe.returncode != 0:
        return None, f"sarif-multitool does not start: {(probe.stderr or probe.stdout)[-300:]}"
    return candidates[0], ""


TOOL, WHY_NOT = multitool()


@pytest.mark.skipif(TOOL is None, reason=WHY_NOT)
def test_github_ingestion_rules_pass_on_every_fixture(tmp_path: Path) -> None:
    assert TOOL is not None
    inputs = []
    for name in all_fixtures():
        result = run("--format", "sarif", "--exit-zero", str(FIXTURES / name))
        assert result.exit_code == 0, result.output
        path = tmp_path / (name.replace("/", "__") + ".sarif")
        path.write_text(result.stdout)
        inputs.append(path)
    # one file the tool must refuse, so a run that checks nothing cannot pass: a result
    # without a location (upload-sarif rejects it, github/codeql-action#1738)
    broken = json.loads(inputs[0].read_text())
    broken["runs"][0]["results"][0].pop("locations")
    (tmp_path / "broken.sarif").write_text(json.dumps(broken))

    out = tmp_path / "validation.sarif"
    # Ghas: GitHub's ingestion rules; Sarif: the specification's, of which only errors and
    # warnings count (its notes are style advice, e.g. PascalCase rule names)
    done = subprocess.run(
        [str(TOOL), "validate", "--rule-kind", "Sarif;Ghas", "--level", "Error;Warning;Note",
         "--threads", "2", "--output", str(out), *map(str, inputs), str(tmp_path / "broken.sarif")],
        capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and out.is_file(), done.stdout + done.stderr
    by_file: dict[str, list[str]] = {}
    for r in json.loads(out.read_text())["runs"][0]["results"]:
        if r["ruleId"].startswith("GH") or r.get("level") in ("error", "warning"):
            uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            by_file.setdefault(uri.rsplit("/", 1)[-1], []).append(
                f"{r['ruleId']} {r['message'].get('arguments')}")
    assert any(p.startswith("GH") for p in by_file.pop("broken.sarif", [])), by_file
    assert by_file == {}

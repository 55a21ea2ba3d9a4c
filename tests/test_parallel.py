"""Runtimes read in several processes give exactly the report one process gives."""

from __future__ import annotations

import pytest

from ab_lint import parallel

from conftest import FIXTURES, run

MULTI = FIXTURES / "multi-runtime"


def _reports(jobs: int) -> list[str]:
    out = []
    for fmt in ("json", "sarif", "text"):
        result = run("--format", fmt, "--exit-zero", "--facts", "-j", str(jobs), str(MULTI))
        assert result.exit_code == 0, result.output
        out.append(result.stdout)
    return out


def test_split_work_reports_what_one_process_reports() -> None:
    assert _reports(2) == _reports(1)


def test_a_failing_child_has_its_runtimes_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _reports(1)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError("pipe closed")

    # the child inherits the patch and exits without a result; the parent reads its share
    monkeypatch.setattr(parallel.pickle, "dump", broken)
    assert _reports(2) == expected


def test_chunks_are_contiguous_and_cover_every_target() -> None:
    from ab_lint.diagnostics import Diagnostics
    from ab_lint.discover import discover

    workspaces = discover(MULTI, Diagnostics(MULTI))
    pairs = [(w, t) for w in workspaces for t in w.targets]
    assert len(parallel._chunks(pairs, 2)) == 2  # the tests above do fork a child
    for jobs in (1, 2, 3, 64):
        chunks = parallel._chunks(pairs, jobs)
        assert 1 <= len(chunks) <= min(jobs, len(pairs))
        assert all(chunks)
        assert [p for chunk in chunks for p in chunk] == pairs

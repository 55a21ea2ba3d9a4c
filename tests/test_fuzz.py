"""Mangled fixture files never produce a traceback: a note, a null fact or exit 2, never a crash."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run

# the omni-node and elastic-scaling bases reach the release-gated and AB6xx/AB407 checks
BASES = ["phase3-done", "split-umbrella", "legacy-2023", "omni-node", "rules/AB407-offset-mismatch"]


def _copies() -> dict[str, tuple[Path, list[Path]]]:
    out = {}
    tmp = Path(tempfile.mkdtemp(prefix="ab-lint-fuzz-"))
    for name in BASES:
        dest = tmp / name
        shutil.copytree(FIXTURES / name, dest, symlinks=True)
        files = sorted(p for p in dest.rglob("*") if p.suffix in (".rs", ".toml") and p.is_file())
        out[name] = (dest, files)
    return out


COPIES = _copies()


@st.composite
def mangled(draw: st.DrawFn) -> tuple[str, Path, bytes]:
    name = draw(st.sampled_from(BASES))
    root, files = COPIES[name]
    path = draw(st.sampled_from(files))
    data = path.read_bytes()
    lines = data.split(b"\n")
    how = draw(st.sampled_from(["truncate", "flip", "delete", "duplicate", "random", "splice"]))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, max(len(out) - 1, 0)))
            if out:
                out[i] = draw(st.integers(0, 255))
        data = bytes(out)
    elif how == "delete":
        i = draw(st.integers(0, len(lines) - 1))
        n = draw(st.integers(1, 5))
        data = b"\n".join(lines[:i] + lines[i + n:])
    elif how == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        data = b"\n".join(lines[: i + 1] + lines[i:])
    elif how == "random":
        data = draw(st.binary(max_size=2000))
    else:
        i = draw(st.integers(0, len(data)))
        data = data[:i] + draw(st.binary(max_size=64)) + data[i:]
    return name, path, data


@settings(max_examples=max(2000, settings.default.max_examples), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mangled())
def test_no_traceback_on_mangled_input(case: tuple[str, Path, bytes]) -> None:
    name, path, data = case
    root, _ = COPIES[name]
    original = path.read_bytes()
    try:
        path.write_bytes(data)
        result = run("--format", "json", "--exit-zero", str(root))
    finally:
        path.write_bytes(original)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{path.relative_to(root)}: {result.exc_info}")
    assert result.exit_code in (0, 2)
    if result.exit_code == 0:
        doc = json.loads(result.stdout)
        assert doc["targets"]
    else:
        assert result.stderr.startswith("ab-lint: error:")
        assert len(result.stderr.strip().splitlines()) == 1

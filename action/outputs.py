"""The Action's lint step (action/run.sh) past ab-lint itself, run by the Python of ab-lint's
virtual environment (standard library only):

    outputs.py phases REPORT.json     the step outputs `phases` and `lowest-phase`
    outputs.py stamp FILE             which file is at FILE now (empty when none)
    outputs.py empty-sarif FILE       a valid SARIF with no results, so that an upload step
                                      after a failed lint does not fail a second time
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://github.com/ab-lint/ab-lint"


def phases(report: Path) -> str:
    """`phases`: each runtime's phase as one line of JSON (null for a runtime that does not use
    Aura); `lowest-phase`: the lowest phase a runtime has reached, empty when none has one.
    The phase is the one the report's header shows: steps the team waived count as met.
    No report (ab-lint stopped on an input error) is no runtime."""
    try:
        targets = json.loads(report.read_text(encoding="utf-8"))["targets"]
        by_runtime = {t["runtime"]: t.get("reached", t["phase"]) for t in targets}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        by_runtime = {}
    known = [p for p in by_runtime.values() if isinstance(p, int)]
    # ASCII JSON on one line: a runtime's name cannot end the output's line
    return (f"phases={json.dumps(by_runtime, separators=(',', ':'), sort_keys=True)}\n"
            f"lowest-phase={min(known) if known else ''}\n")


def stamp(path: Path) -> str:
    """Device, inode and modification time: ab-lint writes a report as a new file renamed onto
    its name, so a different stamp means this run wrote it."""
    try:
        st = path.stat()
    except OSError:
        return ""
    return f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}"


def empty_sarif(path: Path) -> None:
    """One run of ab-lint with no rules and no results. Written new and renamed onto `path`,
    as ab-lint writes its reports."""
    driver: dict[str, object] = {"name": "ab-lint", "informationUri": INFO_URI, "rules": []}
    # no version is better than a made-up one
    with contextlib.suppress(metadata.PackageNotFoundError):
        driver["version"] = metadata.version("ab-lint")
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": driver}, "results": []}]}
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ab-lint-", suffix=".sarif")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str]) -> int:
    match argv:
        case ["phases", report]:
            sys.stdout.write(phases(Path(report)))
        case ["stamp", path]:
            sys.stdout.write(stamp(Path(path)))
        case ["empty-sarif", path]:
            empty_sarif(Path(path))
        case _:
            print(__doc__, file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

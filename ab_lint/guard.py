"""Keeps one bug from losing a whole report: the runtime or rule it hit is named in a note, the
rest is reported, and the run ends with its own exit code (not 1, "findings")."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ab_lint.diagnostics import Diagnostics


class Guard:
    def __init__(self, diags: Diagnostics) -> None:
        self.diags = diags
        self.crashed = False

    @contextmanager
    def around(self, where: Path | str, doing: str) -> Iterator[None]:
        try:
            yield
        except (Exception, RecursionError) as e:
            if os.environ.get("AB_LINT_DEBUG"):
                raise
            self.crashed = True
            self.diags.add(where, f"internal error while {doing}: {type(e).__name__}: "
                           f"{str(e)[:200]} (a bug in ab-lint: set AB_LINT_DEBUG=1 for the "
                           "traceback and please report it); everything else is reported")

"""Problems met while reading the repository: reported, never raised past the CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str
    line: int | None
    message: str


@dataclass
class Diagnostics:
    root: Path  # every path reported is relative to it: the repository's top
    # the folder checked (PATH, or the workspace it belongs to): local networks are looked
    # for there, not in the rest of the repository
    scope: Path | None = None
    items: list[Diagnostic] = field(default_factory=list)
    _seen: set[Diagnostic] = field(default_factory=set)

    def add(self, path: Path | str, message: str, line: int | None = None) -> None:
        diagnostic = Diagnostic(self.relative(path), line, message)
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self.items.append(diagnostic)

    def take(self, which: Callable[[Diagnostic], bool]) -> list[Diagnostic]:
        """Remove and return the notes `which` selects, to be said once in other words; they
        stay seen, so the same note added again later is not shown either."""
        taken = [d for d in self.items if which(d)]
        self.items = [d for d in self.items if not which(d)]
        return taken

    def relative(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


class InputError(Exception):
    """The input cannot be linted at all (exit code 2)."""

"""Each runtime's facts and rule checks, spread over processes when a repository has several.

Once discovered, a repository's runtimes are read independently: thirteen on polkadot-sdk, each
parsing its own configuration. The targets are cut into contiguous chunks (runtimes sharing a
node stay together); this process checks the first chunk and a forked child each other one. A
child sends back only what the reports need: the facts without the models behind them, the
findings, the source text the findings point into, and the notes it added. A child that fails
in any way (an exception, a crash, output that does not load) has its chunk checked again here,
so the result never depends on how the work was split, and a bug surfaces as it would without
children.
"""

from __future__ import annotations

import contextlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ab_lint import files
from ab_lint.diagnostics import Diagnostic, Diagnostics
from ab_lint.discover import Target, Workspace
from ab_lint.facts import Located, TargetFacts, collect_targets
from ab_lint.findings import Finding
from ab_lint.guard import Guard
from ab_lint.lint import run_targets
from ab_lint.model import RUNTIME_FILE_MARKERS

Chunk = list[tuple[Workspace, Target]]
# What reading a runtime costs beyond parsing its files (its node, the names it resolves), in
# bytes of parsed source: measured on polkadot-sdk's thirteen runtimes
TARGET_WEIGHT = 50_000


@dataclass
class Checked:
    targets: list[TargetFacts] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sources: dict[str, bytes] = field(default_factory=dict)  # by path shown in reports
    notes: list[Diagnostic] = field(default_factory=list)  # added while checking
    crashed: bool = False  # a bug was met (and named in a note); the rest is complete


def default_jobs() -> int:
    """Processors this process may use, at most four: more children mostly repeat the work
    they share (the SDK crates every runtime depends on)."""
    try:
        available = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        available = os.cpu_count() or 1
    return max(1, min(available, 4))


Prepare = Callable[[list[TargetFacts]], None]


def check(workspaces: list[Workspace], diags: Diagnostics, selected: set[str] | None,
          phase: int, jobs: int = 1, prepare: Prepare | None = None) -> Checked:
    """`prepare` completes the targets' facts, before the rules, from what was read of the
    repository as a whole (a forked process inherits it)."""
    pairs = [(w, t) for w in workspaces for t in w.targets]
    chunks = _chunks(pairs, jobs if hasattr(os, "fork") else 1)
    if len(chunks) < 2:
        return _check(pairs, selected, phase, diags, prepare)
    start = len(diags.items)
    children = [_fork(chunk, selected, phase, diags, start, prepare) for chunk in chunks[1:]]
    out = _check(chunks[0], selected, phase, diags, prepare)
    for chunk, child in zip(chunks[1:], children, strict=True):
        part = _receive(*child)
        if part is None:
            part = _check(chunk, selected, phase, diags, prepare)
        for note in part.notes:
            diags.add(note.path, note.message, note.line)
        out.targets += part.targets
        out.findings += part.findings
        out.sources.update(part.sources)
        out.crashed |= part.crashed
    out.findings.sort(key=Finding.sort_key)
    return out


def _chunks(pairs: Chunk, jobs: int) -> list[Chunk]:
    """`pairs` cut into at most `jobs` contiguous runs of about equal weight, a runtime
    weighing what its crate's sources do (read by discovery): one large runtime costs as much
    as several small ones (the files of it that get parsed, and a share for the rest)."""
    n = max(1, min(jobs, len(pairs)))
    weights = [150000 + sum(len(b) for b in t.runtime.files.values()
                       if any(m in b for m in RUNTIME_FILE_MARKERS)) for _, t in pairs]
    total = sum(weights)
    out: list[Chunk] = [[]]
    done = 0
    for pair, weight in zip(pairs, weights, strict=True):
        # start the next chunk once this one holds its share
        if out[-1] and len(out) < n and done + weight / 2 > total * len(out) / n:
            out.append([])
        out[-1].append(pair)
        done += weight
    return out


def _check(chunk: Chunk, selected: set[str] | None, phase: int,
           diags: Diagnostics, prepare: Prepare | None = None) -> Checked:
    guard = Guard(diags)
    targets = collect_targets(chunk, guard)
    if prepare is not None:
        prepare(targets)
    findings = run_targets(targets, selected, phase, guard)
    return Checked(targets, findings, _sources(targets), crashed=guard.crashed)


def _fork(chunk: Chunk, selected: set[str] | None, phase: int, diags: Diagnostics,
          start: int, prepare: Prepare | None) -> tuple[int, int]:
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    code = 1
    try:  # the child: never returns, never runs the parent's exit handlers
        os.close(read)
        part = _check(chunk, selected, phase, diags, prepare)
        part.targets = [_without_models(t) for t in part.targets]
        part.notes = diags.items[start:]
        with os.fdopen(write, "wb") as out:
            pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)


def _receive(pid: int, read: int) -> Checked | None:
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    with contextlib.suppress(Exception):
        part = pickle.loads(data)  # written above by our own child, nothing else
        if isinstance(part, Checked):
            return part
    return None


def _without_models(t: TargetFacts) -> TargetFacts:
    """What crosses back to the parent: values and where they were read, not the parsed trees
    (which cannot be pickled and which no report reads)."""
    def slim(facts: dict[str, Located] | None) -> dict[str, Located] | None:
        return None if facts is None else {k: replace(v, file=None) for k, v in facts.items()}

    return replace(t, facts=slim(t.facts) or {}, node_facts=slim(t.node_facts), runtime=None,
                   node=None, workspace=None)


def _sources(targets: list[TargetFacts]) -> dict[str, bytes]:
    """The text of each file read, by the path reports show: suppression comments and code
    frames come from it."""
    out: dict[str, bytes] = {}
    for t in targets:
        if t.runtime is None:
            continue
        for source in t.runtime.loader.program.files.values():
            if source is not None:
                out[source.rel] = source.data
        if t.workspace is not None and t.sdk is not None:
            with contextlib.suppress(files.Skipped):  # read (and checked) once already
                out[t.workspace.diags.relative(t.sdk.path)] = files.read(
                    t.sdk.path, files.LOCK_CAP, "Cargo.lock")
        manifest = t.runtime.crate.manifest
        out[t.runtime.loader.diags.relative(manifest.path)] = manifest.text.encode()
    return out

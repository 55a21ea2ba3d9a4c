"""What each runtime is gated on. The guide ships one phase at a time: by default a runtime is
held to its next phase, and the steps of the phases after it are later steps (reported, never
failing the run, their fix saying when to apply them). `--target-phase N`, or `target-phase`
in the settings (for all runtimes or per runtime), holds a runtime to phase N and leaves out
what comes after.

A gating step the team waived (an `ab-lint: allow`, an ignored rule, a per-path ignore) counts
as met: a runtime whose only missing step is waived has reached the phase, and says why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ab_lint.facts import TargetFacts
from ab_lint.findings import Finding

LAST = 3


@dataclass(frozen=True)
class Waiver:
    rule: str
    phase: int
    reason: str


@dataclass(frozen=True)
class Gate:
    phase: int  # findings up to this phase count as their rules say
    explicit: bool  # set by the user: phases after it are left out, not reported as later
    reached: int | None  # the phase reached, waived steps counted as met
    waived: tuple[Waiver, ...] = field(default=())  # gating steps counted as met


def gates(targets: list[TargetFacts], findings: list[Finding],
          waived: list[tuple[Finding, str]], chosen: dict[str, int | None]) -> dict[str, Gate]:
    """`findings`: every finding of every phase, suppressed ones marked; `waived`: (finding,
    reason) for findings left out by an ignore; `chosen`: runtime dir -> the target phase the
    user set for it (None: follow the rollout)."""
    out = {}
    for t in targets:
        mine = [f for f in findings if t.runtime_dir in f.runtimes and f.gates]
        blocking = [f.phase for f in mine if not f.suppressed]
        waivers = [Waiver(f.rule, f.phase, f.suppression_reason or "ab-lint: allow")
                   for f in mine if f.suppressed]
        waivers += [Waiver(f.rule, f.phase, reason) for f, reason in waived
                    if f.gates and t.runtime_dir in f.runtimes]
        reached = t.phase
        if reached is not None and waivers:
            # the phase function's steps are the gating rules: with the waived ones met, the
            # runtime stands just below the first step still missing
            reached = max(reached, min(blocking, default=LAST + 1) - 1)
        shown = tuple(sorted({w for w in waivers if reached is not None and w.phase <= reached},
                             key=lambda w: (w.phase, w.rule)))
        target = chosen.get(t.runtime_dir)
        phase = target if target is not None else (
            LAST if reached is None else min(reached + 1, LAST))
        out[t.runtime_dir] = Gate(phase, target is not None, reached, shown)
    return out


def apply(findings: list[Finding], gate_of: dict[str, Gate]) -> list[Finding]:
    """Each finding of a phase after its runtime's gate becomes a later step, or is left out
    when the user set the target phase. A repository-wide finding follows the runtime gated
    furthest."""
    out = []
    widest = max(gate_of.values(), key=lambda g: (g.phase, not g.explicit), default=None)
    for f in findings:
        gate = gate_of.get(f.target) if f.target else widest
        if gate is None or f.phase <= gate.phase or f.now:
            out.append(f)
        elif not gate.explicit:
            out.append(replace(f, later=True, fix_hint=f"Once phase {f.phase - 1} is live "
                               f"(not before): {f.fix_hint}"))
    return out

"""The terminal report: per runtime its node, its phase and the values that decide it."""

from __future__ import annotations

from ab_lint.diagnostics import Diagnostic
from ab_lint.facts import NODE_FACTS, RUNTIME_FACTS, TargetFacts


def _value(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def render(root: str, targets: list[TargetFacts], diagnostics: list[Diagnostic],
           verbose: bool = True) -> str:
    lines: list[str] = []
    for t in targets:
        phase = "n/a (not an Aura runtime)" if t.phase is None else f"{t.phase}/3"
        node = t.node_dir or "none in repository (omni-node)"
        lines.append(f"{t.runtime_dir} ({t.runtime_crate})  phase {phase}")
        lines.append(f"  node: {node}")
        if verbose:
            for name in RUNTIME_FACTS:
                loc = t.facts[name]
                where = f"  {loc.path}:{loc.line}" if loc.path and loc.line else ""
                lines.append(f"    {name:<34} {_value(loc.value)}{where}")
            if t.node_facts:
                for name in NODE_FACTS:
                    loc = t.node_facts[name]
                    where = f"  {loc.path}:{loc.line}" if loc.path and loc.line else ""
                    lines.append(f"    {name:<34} {_value(loc.value)}{where}")
        lines.append("")
    for d in sorted(diagnostics):
        where = f"{d.path}:{d.line}" if d.line else d.path
        lines.append(f"note: {where}: {d.message}")
    return "\n".join(lines).rstrip() + "\n"

"""Phase 2 of the guide: the node on the lookahead collator (AB201-AB204)."""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, check
from ab_lint.facts import TargetFacts
from ab_lint.model import Located

PIPELINING = ("lookahead", "slot_based")


def _aura_with_node(t: TargetFacts) -> bool:
    return t.value("consensus") == "aura" and t.node_facts is not None


def _collator(t: TargetFacts) -> Located:
    return t.node_facts["collator"]


@check("AB201")
def backend_passed(t: TargetFacts) -> Iterator[Hit]:
    if _aura_with_node(t) and t.node_value("collator") in PIPELINING and (
            t.node_value("para_backend_passed") is not True):
        yield Hit(_collator(t), data={"collator": t.node_value("collator")})


@check("AB202")
def lookahead_collator(t: TargetFacts) -> Iterator[Hit]:
    if t.value("consensus") != "aura":
        return
    if t.node_facts is None:
        # omni-node: polkadot-omni-node runs the lookahead collator itself; said once per
        # repository, at its first runtime without a node
        first = next((x for x in t.workspace.targets if x.node is None), None) if (
            t.workspace is not None) else None
        if first is None or first.runtime is t.runtime.crate:
            yield Hit(t.facts["consensus"], "omni_node", severity="info")
        return
    kind = t.node_value("collator")
    if kind in PIPELINING:
        return
    variant = {"basic": "basic", "legacy": "legacy"}.get(str(kind), "unknown")
    yield Hit(_collator(t), variant, found=kind, expected="lookahead",
              data={"node": t.node_dir, "runtime_ready": (t.phase or 0) >= 1})


@check("AB203")
def collator_params(t: TargetFacts) -> Iterator[Hit]:
    if _aura_with_node(t) and t.node_value("collator") in PIPELINING and (
            t.node_value("code_hash_provider") is not True):
        yield Hit(_collator(t))


@check("AB204")
def authoring_duration(t: TargetFacts) -> Iterator[Hit]:
    if not _aura_with_node(t) or t.node_value("collator") not in PIPELINING + ("basic",):
        return
    loc = t.node_facts["authoring_duration_ms"]
    ms = loc.value
    if not isinstance(ms, int) or ms == 2000:
        return
    where = loc if loc.path else _collator(t)
    if ms > 2000:
        yield Hit(where, "too_long", found=ms, expected=2000, severity="error")
    elif ms == 1500:
        yield Hit(where, "older_guide", found=ms, expected=2000)
    else:
        yield Hit(where, "too_short", found=ms, expected=2000)

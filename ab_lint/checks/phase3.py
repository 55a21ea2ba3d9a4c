"""Phase 3 of the guide: async backing activated (AB301-AB305)."""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, check, first_located
from ab_lint.checks.hazards import relay_parent_offset
from ab_lint.checks.phase1 import aura, impl_at, release, since
from ab_lint.facts import TargetFacts


def _off_by_default(t: TargetFacts, pallet: str, assoc: str) -> list[str]:
    """cfg attributes of alternatives the default features switch off (the value they hide
    is usually the async-backing one: OpenZeppelin templates #134)."""
    rt = t.runtime
    return rt.inactive(rt.pallet_config(pallet), assoc) if rt else []


def _features(t: TargetFacts) -> str:
    return ", ".join(sorted(t.runtime.features)) or "none"


@check("AB301")
def allow_multiple_blocks(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.value("allow_multiple_blocks_per_slot") is True:
        return
    loc = first_located(t.facts["allow_multiple_blocks_per_slot"], impl_at(t, "pallet_aura"))
    velocity = t.value("block_processing_velocity") or 1
    capacity = t.value("unincluded_segment_capacity") or 1
    slot, block = t.value("slot_duration"), t.value("millisecs_per_block")
    several = velocity > 1 or bool(slot and block and slot > block)
    pipelining = t.node_value("collator") in ("lookahead", "slot_based") or t.node is None
    recent = since(t, "stable2512")
    if recent and (several or capacity > 1):
        # stable2512's collators build several blocks on one relay parent whenever the
        # unincluded segment has room (litentry/heima #4061): the chain stalls at once, or
        # (basic collator) at the switch to the lookahead collator that phase 2 asks for
        variant = "stall"
    elif several:
        # more than one block per Aura slot by design (velocity, or a slot longer than the
        # block time): the second one panics (polkadot-fellows/runtimes #1154)
        variant = "breaks"
    elif capacity > 1:
        # one block per slot by design: false only stops a collator from catching up on a
        # missed slot. Teams run it on purpose before stable2512 (galacticcouncil/
        # hydration-node #1483 on stable2506); from stable2512 it stalls, so it is said
        variant = "catch_up" if recent is False else "catch_up_unknown"
    else:
        variant = "default"
    yield Hit(loc, variant, found=t.value("allow_multiple_blocks_per_slot"), expected=True,
              now=variant in ("stall", "breaks"),
              data={"sdk": release(t), "velocity": velocity, "capacity": capacity,
                    "pipelining": pipelining, "recent": recent, "slot": slot, "block": block,
                    "hidden": _off_by_default(t, "pallet_aura", "AllowMultipleBlocksPerSlot"),
                    "features": _features(t)})


@check("AB302")
def capacity(t: TargetFacts) -> Iterator[Hit]:
    loc = t.facts["unincluded_segment_capacity"]
    if not aura(t) or t.value("consensus_hook") != "FixedVelocityConsensusHook":
        return
    if isinstance(loc.value, int) and loc.value <= 1:
        velocity = t.value("block_processing_velocity")
        v = velocity if isinstance(velocity, int) and velocity > 1 else 1
        o = relay_parent_offset(t)
        # the runtimes' canonical (3 + O) x V (people-westend, fellows, Moonbase); the
        # elastic-scaling guide writes (2 + O) x V + 1, and AB402 accepts (2 + O) x V
        yield Hit(loc, found=loc.value, expected=(3 + o) * v,
                  data={"velocity": v, "offset": o, "lowest": (2 + o) * v})


@check("AB303")
def block_time(t: TargetFacts) -> Iterator[Hit]:
    loc = t.facts["millisecs_per_block"]
    if not aura(t) or not isinstance(loc.value, int):
        return
    velocity = t.value("block_processing_velocity")
    v = velocity if isinstance(velocity, int) and velocity >= 1 else 1
    if loc.value > 6000:
        yield Hit(loc, found=loc.value, expected=6000, data={"velocity": velocity})
    elif loc.value > 0 and loc.value * v < 6000:
        # the hook admits V (+1 to fill the segment) blocks per relay slot: a block time
        # below relay slot / velocity is never reached, and every duration counted in blocks
        # of it runs slow (phase 3 itself is met: not a gating step)
        yield Hit(loc, "unreachable", found=loc.value, expected=6000 // v, severity="warning",
                  gates=False, data={"velocity": v})


@check("AB304")
def block_weight(t: TargetFacts) -> Iterator[Hit]:
    loc = t.facts["max_block_ref_time_ms"]
    if not aura(t) or not isinstance(loc.value, int | float) or loc.value == 2000:
        return
    if loc.value > 2000:
        yield Hit(loc, "too_much", found=loc.value, expected=2000, severity="error")
    else:
        yield Hit(loc, "too_little", found=loc.value, expected=2000)


@check("AB305")
def minimum_period(t: TargetFacts) -> Iterator[Hit]:
    loc = t.facts["minimum_period_ms"]
    if not aura(t) or loc.value == 0:
        return
    where = first_located(loc, impl_at(t, "pallet_timestamp"))
    if where is None:
        return
    yield Hit(where, found=loc.value, expected=0,
              data={"hidden": _off_by_default(t, "pallet_timestamp", "MinimumPeriod"),
                    "features": _features(t)})

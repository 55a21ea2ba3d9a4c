"""Phase 1 of the guide: the runtime prepared for async backing (AB101-AB111)."""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, check, first_located
from ab_lint.facts import TargetFacts
from ab_lint.model import PARACHAIN_SYSTEM, Located, at
from ab_lint.rust.consts import Named, Resolved
from ab_lint.rust.evaluate import Unresolved

SYNC_HOOKS = {"ExpectParentIncluded", "RequireParentIncluded", "FixedCapacityUnincludedSegment"}


def impl_at(t: TargetFacts, pallet: str) -> Located | None:
    impl = t.runtime.pallet_config(pallet) if t.runtime else None
    return at(None, impl.file, impl.node) if impl else None


def macro_at(t: TargetFacts, name: str) -> Located | None:
    macro = t.runtime.macro(name) if t.runtime else None
    return at(None, macro.file, macro.node) if macro else None


def manifest_at(t: TargetFacts, *patterns: str) -> Located:
    m = t.runtime.crate.manifest
    rel = t.runtime.loader.diags.relative(m.path)
    line = m.line_of(*patterns) or 1
    return Located(None, rel, line, 1)


def aura(t: TargetFacts) -> bool:
    return t.value("consensus") == "aura"


def release(t: TargetFacts) -> str | None:
    """The release name the rules word their text for; None when it could not be read."""
    return t.sdk.name if t.sdk is not None and t.sdk.key is not None else None


def since(t: TargetFacts, name: str) -> bool | None:
    """Whether the runtime builds against `name` or later; None when the release is unknown
    (each rule then says so and words its text for the most common case)."""
    return None if release(t) is None else t.sdk.at_least(name)


# What the consensus hook does with a relay slot argument R other than the relay's 6000 ms,
# by release (cumulus/pallets/aura-ext/src/consensus_hook.rs, history read on
# amforc/polkadot-sdk): before #4097 (prdoc 1.15.0, i.e. stable2407) it asserted the slot
# equal to the one derived from the relay ("slot number mismatch"); #4097 to #9712 it only
# rejects a parachain slot ahead of the derived one (R < 6000: "Parachain slot is too far in
# the future"; R > 6000 passes unnoticed); #9712 (merged 2025-10-10, before the stable2512
# cut-off) asserts equality again, with a new text.
SLOT_PANIC_OLD = "slot number mismatch"
SLOT_PANIC_AHEAD = "Parachain slot is too far in the future"
SLOT_PANIC_MATCH = "Parachain slot must match relay-derived slot"


def slot_panic(t: TargetFacts, ahead: bool) -> str | None:
    """The panic the consensus hook meets, on the runtime's release, when the parachain slot
    is off the relay's grid: "" when the release is unknown; between stable2407 and
    stable2509 only a slot `ahead` of the relay's panics (None: none)."""
    if release(t) is None:
        return ""
    if not t.sdk.at_least("stable2407"):
        return SLOT_PANIC_OLD
    if t.sdk.at_least("stable2512"):
        return SLOT_PANIC_MATCH
    return SLOT_PANIC_AHEAD if ahead else None


def relay_slot_panic(t: TargetFacts, relay_slot: int | None) -> str | None:
    """A wrong relay slot argument: below 6000 ms the parachain slot runs ahead."""
    return slot_panic(t, relay_slot is None or relay_slot < 6000)


@check("AB101")
def capacity_and_velocity(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.value("consensus_hook") != "FixedVelocityConsensusHook":
        return
    for fact, what in (("unincluded_segment_capacity", "capacity"),
                       ("block_processing_velocity", "velocity")):
        loc = t.facts[fact]
        if loc.value is None:
            yield Hit(first_located(loc, t.facts["consensus_hook"]), "unresolved",
                      data={"what": what})
        elif loc.value == 0:
            yield Hit(loc, "zero", found=0, expected=1, severity="info", data={"what": what})


@check("AB102")
def relay_slot(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.value("consensus_hook") != "FixedVelocityConsensusHook":
        return
    loc = t.facts["relay_chain_slot_duration_millis"]
    if loc.value == 6000:
        return
    value = loc.value if isinstance(loc.value, int) else None
    # Wrong on every release (the relays' slot is 6000 ms, and phase 1 needs it), so always an
    # error; only the panic a user meets, and searches for, depends on the release.
    panic = relay_slot_panic(t, value)
    if loc.value is None:
        variant = "unresolved"
    elif panic == "":
        variant = "unknown_release"
    elif panic is None:
        variant = "silent"
    else:
        variant = "default"
    yield Hit(first_located(loc, t.facts["consensus_hook"]), variant, found=loc.value,
              expected=6000, data={"shows": panic, "sdk": release(t)})


@check("AB103")
def block_time_and_slot(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t):
        return
    block, slot = t.facts["millisecs_per_block"], t.facts["slot_duration"]
    if block.value is None:
        yield Hit(first_located(slot, impl_at(t, "pallet_aura")), "no_block_time",
                  severity="warning")
        return
    if slot.value is None or slot.value == block.value:
        return
    allow = t.value("allow_multiple_blocks_per_slot")
    multiple = block.value > 0 and slot.value % block.value == 0
    if multiple and allow is True:
        return
    # A slot that is a multiple of the block time only lacks AllowMultipleBlocksPerSlot: the
    # hint never asks to shorten a live chain's slot (it numbers the chain's history)
    yield Hit(slot, "allow_missing" if multiple else "mismatch", found=slot.value,
              expected=block.value, data={"block": block.value, "allow": allow})


@check("AB104")
def consensus_hook(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t):
        return
    loc = t.facts["consensus_hook"]
    if loc.value == "FixedVelocityConsensusHook":
        return
    if loc.value is None:
        yield Hit(impl_at(t, PARACHAIN_SYSTEM), "absent", expected="FixedVelocityConsensusHook")
        return
    alias = _unwired_alias(t)
    if loc.value in SYNC_HOOKS:
        yield Hit(loc, "sync", found=loc.value, expected="FixedVelocityConsensusHook",
                  data={"alias": alias})
    else:
        yield Hit(loc, "unknown", found=loc.value, expected="FixedVelocityConsensusHook",
                  severity="warning", data={"alias": alias})


def _unwired_alias(t: TargetFacts) -> str | None:
    """A module-level alias of FixedVelocityConsensusHook that the runtime defines."""
    for module in t.runtime.modules if t.runtime else []:
        for name, items in module.items.items():
            for item in items:
                if item.kind == "type" and item.value is not None and (
                        b"FixedVelocityConsensusHook" in item.file.data[
                            item.value.start_byte:item.value.end_byte]):
                    return name
    return None


def _pipelined(t: TargetFacts) -> dict[str, object]:
    """What decides whether several blocks share a relay parent or an Aura slot, for the
    wording of AB105/AB106/AB301: stable2512's lookahead collator builds several blocks on one
    relay parent whenever the unincluded segment has room (litentry/heima #4061), a velocity
    above 1 or a slot longer than the block time asks for several blocks per slot."""
    velocity = t.value("block_processing_velocity")
    capacity = t.value("unincluded_segment_capacity")
    slot, block = t.value("slot_duration"), t.value("millisecs_per_block")
    several = (isinstance(velocity, int) and velocity > 1) or (
        isinstance(capacity, int) and capacity > 1) or (
        isinstance(slot, int) and isinstance(block, int) and slot > block)
    return {"sdk": release(t), "recent": since(t, "stable2512"), "several": several,
            "velocity": velocity, "capacity": capacity}


@check("AB105")
def relay_number_check(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t):
        return
    loc = t.facts["check_associated_relay_number"]
    if loc.value == "RelayNumberMonotonicallyIncreases":
        return
    if loc.value is None:
        yield Hit(impl_at(t, PARACHAIN_SYSTEM), "absent",
                  expected="RelayNumberMonotonicallyIncreases", data=_pipelined(t))
    elif loc.value == "AnyRelayNumber":
        yield Hit(loc, "any", found=loc.value, expected="RelayNumberMonotonicallyIncreases",
                  severity="warning")
    else:
        yield Hit(loc, "default", found=loc.value, expected="RelayNumberMonotonicallyIncreases",
                  data=_pipelined(t))


@check("AB106")
def aura_config(t: TargetFacts) -> Iterator[Hit]:
    rt = t.runtime
    impl = rt.pallet_config("pallet_aura") if rt else None
    if impl is None or not aura(t):
        return
    if t.value("allow_multiple_blocks_per_slot") is None:
        # the guide's phase-1 value is false; where several blocks share a slot or a relay
        # parent (stable2512's collators, velocity, capacity or a long slot) false stalls, so
        # the hint writes true there
        yield Hit(at(None, impl.file, impl.node), "allow_absent", data=_pipelined(t))
    slot_node = rt.associated(impl, "SlotDuration")
    minimum = t.value("minimum_period_ms")
    if slot_node is None:
        if minimum == 0:
            yield Hit(at(None, impl.file, impl.node), "divide_by_zero", found="no SlotDuration",
                      data={"times_two": False})
        return
    try:
        slot = rt.assoc_value(impl, "SlotDuration")
    except Unresolved:
        return
    if slot is not None and isinstance(slot.value, Named) and slot.value.name == (
            "MinimumPeriodTimesTwo"):
        where = at(None, impl.file, slot_node)
        if minimum == 0:
            yield Hit(where, "divide_by_zero", found="MinimumPeriodTimesTwo",
                      data={"times_two": True})
        else:
            yield Hit(where, "times_two", found="MinimumPeriodTimesTwo",
                      expected="ConstU64<SLOT_DURATION>", severity="warning")


@check("AB107")
def aura_api_slot(t: TargetFacts) -> Iterator[Hit]:
    rt = t.runtime
    api = rt.runtime_api("AuraApi") if rt else None
    loc = t.facts["aura_api_slot_duration"]
    slot = t.value("slot_duration")
    if api is None or loc.value is None or not isinstance(slot, int) or not aura(t):
        return
    value = rt.api_slot_value(api)
    if isinstance(value, int) and value != slot:
        yield Hit(loc, found=value, expected=slot, data={"text": loc.value})


@check("AB108")
def unincluded_segment_api(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t):
        return
    loc = t.facts["aura_unincluded_segment_api"]
    if loc.value is not True:
        yield Hit(first_located(macro_at(t, "impl_runtime_apis"), impl_at(t, PARACHAIN_SYSTEM)),
                  "missing")
        return
    delegate = t.runtime.api_hook(t.runtime.runtime_api("AuraUnincludedSegmentApi"))
    _, wired = t.runtime.consensus_hook()
    if delegate is None or wired is None or not isinstance(delegate.value, Named) or (
            delegate.value.name not in SYNC_HOOKS | {"FixedVelocityConsensusHook"}):
        return  # an API body we cannot follow is not reported as wrong
    inner = t.runtime.fixed_velocity(wired)  # through a wrapper or a delegating struct
    if inner is not None and inner is not wired.value:
        wired = Resolved(inner, wired.origin)
    if _hook_signature(t, delegate) != _hook_signature(t, wired):
        yield Hit(loc, "other_hook", found=_describe(t, delegate), expected=_describe(t, wired))


def _hook_signature(t: TargetFacts, r) -> tuple:
    if not isinstance(r.value, Named):
        return (str(r.value),)
    args = []
    for node in r.value.args[1:]:
        try:
            value = t.runtime.values.arg(r.value.module, node).value
        except Unresolved:
            value = r.value.module.file.text(node)
        # a type argument (a wrapped hook) is shown by its name, never by its repr
        args.append(value.name if isinstance(value, Named) else value)
    return (r.value.name, *args)


def _describe(t: TargetFacts, r) -> str:
    sig = _hook_signature(t, r)
    return f"{sig[0]}<{', '.join(str(a) for a in sig[1:])}>" if len(sig) > 1 else sig[0]


@check("AB109")
def primitives_aura_dependency(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t):
        return
    loc = t.facts["cumulus_primitives_aura_dep"]
    if loc.value is not True:
        yield Hit(manifest_at(t, r"^\[dependencies\]"), "missing")
        return
    for dep in t.runtime.crate.manifest.dependencies.values():
        if dep.package == "cumulus-primitives-aura" and dep.default_features:
            yield Hit(loc, "default_features", severity="warning")


@check("AB110")
def primitives_aura_std(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.value("cumulus_primitives_aura_dep") is not True:
        return
    loc = t.facts["cumulus_primitives_aura_std"]
    if loc.value is not True:
        umbrella = any(d.package == "polkadot-sdk"
                       for d in t.runtime.crate.manifest.dependencies.values())
        yield Hit(first_located(loc, manifest_at(t, r"^\[features\]")), data={
            "entry": "polkadot-sdk/std" if umbrella else "cumulus-primitives-aura/std"})


@check("AB111")
def check_inherents(t: TargetFacts) -> Iterator[Hit]:
    if aura(t) and t.value("check_inherents_in_validate_block") is True:
        yield Hit(t.facts["check_inherents_in_validate_block"], found="CheckInherents = ...")

"""Beyond the guide's steps: consistency relations and hazards (AB000, AB401-AB404, AB408)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ab_lint.checks import Hit, check
from ab_lint.checks.phase1 import aura, release, since, slot_panic
from ab_lint.facts import TargetFacts
from ab_lint.known import module_values
from ab_lint.model import Located, at, integer
from ab_lint.rust.names import External
from ab_lint.rust.tokens import tokens

TIME_CONSTANTS = ("MINUTES", "HOURS", "DAYS")
DURATION_NAME = re.compile(
    r"(Period|Duration|Delay|Lifetime|Timeout|Length|Window|Lock|Deadline)s?$")
SYSTEM_PROVIDERS = {"System", "frame_system::Pallet<Runtime>", "frame_system::Pallet<Self>"}
# pallet_multisig's block number stamps when an operation was opened (its Timepoint), never a
# duration: the local provider is intended there (polkadot-fellows/runtimes #809)
STAMPS_ONLY = {"pallet_multisig"}


@check("AB000")
def not_aura(t: TargetFacts) -> Iterator[Hit]:
    if t.value("consensus") != "aura":
        yield Hit(t.facts["consensus"], found=t.value("consensus"))


@check("AB401")
def timing_by_block_number(t: TargetFacts) -> Iterator[Hit]:
    """Speaks where the block time changes or is about to: a runtime above 6 s still has the
    phase-3 switch ahead, when every count of parachain blocks starts to last half as long. On
    a runtime already at 6 s (or faster) that switch is behind it, and counting in blocks is
    its own business, unless a count is built for another block time (the imported case)."""
    rt = t.runtime
    if rt is None or not aura(t):
        return
    block = t.value("millisecs_per_block")
    ahead = isinstance(block, int) and block > 6000
    # 1. time constants imported from a crate that assumes another block time
    imports: dict[tuple, list[str]] = {}
    for name in TIME_CONSTANTS:
        found = rt.visible((name,), everywhere=False)
        if found is None or not isinstance(found[1], External):
            continue
        crate = "::".join(found[1].segments[:-1])
        assumed = (module_values(crate, t.sdk.name if t.sdk else None) or {}).get(
            "MILLISECS_PER_BLOCK")
        origin = found[0].origin
        # wrong now when the crate assumes another block time; wrong after the switch when it
        # assumes this runtime's, which is about to change
        if assumed and block and (assumed != block or ahead) and origin is not None:
            key = (origin.file.rel, origin.node.start_byte)
            imports.setdefault(key, [crate, origin, assumed]).append(name)
    for crate, origin, assumed, *names in imports.values():
        yield Hit(at(None, origin.file, origin.node),
                  "imported" if assumed != block else "imported_ahead", found=names,
                  data={"crate": crate, "assumed": assumed, "block": block, "names": names})
    # 2. pallets that count time in parachain blocks
    for impl in rt.index.impls if rt.index else []:
        if impl.in_runtime_apis or impl.trait is None:
            continue
        for name, node in impl.associated(rt.features).items():
            ty = node.child_by_field_name("type")
            if ty is None:
                continue
            text = re.sub(r"\s+", "", impl.file.text(ty))
            pallet = "::".join(impl.trait_segments()[:-1])
            if name == "BlockNumberProvider" and text in SYSTEM_PROVIDERS and (
                    ahead or block is None) and pallet not in STAMPS_ONLY:
                # an unknown block time may still be above 6 s: said, but as info
                yield Hit(at(None, impl.file, node), "system_provider", found=text,
                          expected="RelaychainDataProvider<Runtime>", data={"pallet": pallet},
                          severity="warning" if ahead else "info")
            elif ahead and DURATION_NAME.search(name):
                literal = _literal_blocks(impl.file, ty)
                if literal is not None and literal >= 1000:
                    yield Hit(at(None, impl.file, node), "literal", found=literal,
                              data={"pallet": pallet, "item": name, "block": block})


def _literal_blocks(file, ty) -> int | None:
    """N in `ConstU32<N>` / `ConstU64<N>` when N is a bare integer literal."""
    toks = tokens(ty, file.data)
    ints = [tk for tk in toks if tk.kind == "integer_literal"]
    names = [tk for tk in toks if tk.kind in ("identifier", "type_identifier")]
    if len(ints) == 1 and all(n.text.startswith("Const") for n in names):
        try:
            return int(ints[0].text.replace("_", "").rstrip("u32").rstrip("u64"))
        except ValueError:
            return None
    return None


@check("AB402")
def capacity_velocity(t: TargetFacts) -> Iterator[Hit]:
    capacity, velocity = t.facts["unincluded_segment_capacity"], t.value(
        "block_processing_velocity")
    c = capacity.value
    if not aura(t) or not isinstance(c, int) or not isinstance(velocity, int) or velocity < 1:
        return
    o = relay_parent_offset(t)
    # (2 + O) x V: two relay slots of backing and inclusion and O of offset, V blocks each;
    # the runtimes write (3 + O) x V, the elastic-scaling guide (2 + O) x V + 1: both pass
    lower, canonical = (2 + o) * velocity, (3 + o) * velocity
    data = {"velocity": velocity, "offset": o, "canonical": canonical, "sdk": release(t)}
    block = t.value("millisecs_per_block")
    if (c > 1 or velocity > 1) and c < lower:
        yield Hit(capacity, "no_space", found=c, expected=lower, data=data)
    elif c > 40 and since(t, "stable2603") is not True:
        # the collator's parent search stops 40 blocks back (PARENT_SEARCH_DEPTH, still in
        # master of 2025-12-18); stable2603 removed the limit (#10973, per its changelog)
        yield Hit(capacity, "too_large" if release(t) else "too_large_unknown", found=c,
                  expected=40, data=data)
    elif c > 1 and velocity == 1 and isinstance(block, int) and block >= 12000:
        # polkadot-sdk #8119: with room in the segment the collator builds on every relay
        # block, so a 12 s chain produces every 6 s whatever MILLISECS_PER_BLOCK says
        yield Hit(capacity, "six_seconds_anyway", found=c, severity="info",
                  data={**data, "block": block})


def relay_parent_offset(t: TargetFacts) -> int:
    """O of the capacity formulas: the `relay_parent_offset` fact; 0 where it is unknown or
    not a number (moonkit's storage-set "dynamic" offset cannot be read statically)."""
    offset = integer(t.value("relay_parent_offset"))
    return offset if offset is not None and offset > 0 else 0


RELAY_SLOT_MS = 6000  # Polkadot, Kusama, Paseo, Westend: the slot the relay actually has


@check("AB403")
def slot_consistency(t: TargetFacts) -> Iterator[Hit]:
    """The Aura slot must be a positive multiple of the relay's 6000 ms. A divisor (the 2024
    elastic-scaling MVP's slot = relay slot / velocity) held from stable2407 (#4097 tolerates a
    parachain slot up to velocity ahead) until stable2503: #7569 stopped
    letting the parachain slot run ahead of the one derived from the relay slot, and #9712
    (stable2512) requires them equal; the SDK's elastic-scaling guide (master, 2025-12) says
    the slot "is required to be at least 6s (same as on the relay chain)"."""
    slot = t.facts["slot_duration"]
    s = slot.value
    if not aura(t) or not isinstance(s, int) or isinstance(s, bool) or s <= 0 or (
            s % RELAY_SLOT_MS == 0):
        return
    data = {"shows": _slot_panic(t), "sdk": release(t)}
    if s > RELAY_SLOT_MS:
        # neither multiple nor divisor: wrong on every release
        yield Hit(slot, "not_multiple", found=s, expected=RELAY_SLOT_MS, data=data)
        return
    newer = since(t, "stable2503")
    if newer is None:
        yield Hit(slot, "short_unknown", found=s, expected=RELAY_SLOT_MS, severity="warning",
                  data=data)
    elif newer:
        yield Hit(slot, "short", found=s, expected=RELAY_SLOT_MS, data=data)
    elif RELAY_SLOT_MS % s or not t.sdk.at_least("stable2407"):
        # before stable2407 the hook asserted the slots equal: a short slot never held
        yield Hit(slot, "not_multiple", found=s, expected=RELAY_SLOT_MS, data=data)
    else:
        # what the elastic-scaling MVP asked for on this release: said, for the bump ahead
        yield Hit(slot, "short_before_2503", found=s, expected=RELAY_SLOT_MS,
                  severity="info", data=data)


def _slot_panic(t: TargetFacts) -> str | None:
    """A parachain slot off the relay's grid: stable2407 to stable2412 tolerate a slot up to
    velocity ahead; from stable2503 it panics as one ahead does."""
    return slot_panic(t, bool(t.sdk) and t.sdk.at_least("stable2503"))


@check("AB404")
def execution_budget(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.node_facts is None:
        return
    authoring = t.node_facts["authoring_duration_ms"]
    ref_ms = t.value("max_block_ref_time_ms")
    if isinstance(authoring.value, int) and isinstance(ref_ms, int | float) and (
            ref_ms > authoring.value):
        yield Hit(authoring if authoring.path else t.facts["max_block_ref_time_ms"],
                  found=authoring.value, expected=ref_ms)


@check("AB408")
def sdk_release(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.sdk is None or not t.sdk.older_than("polkadot-v1.6"):
        return
    claims = (t.phase or 0) >= 1 or t.node_value("collator") in ("lookahead", "slot_based")
    if claims:
        loc = t.facts["sdk_version"]
        yield Hit(Located(t.sdk.name, loc.path, loc.line, 1), found=t.sdk.name,
                  expected="polkadot-v1.6.0 or later")

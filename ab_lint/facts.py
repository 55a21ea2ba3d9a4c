"""The model flattened into the facts of the JSON contract, and the phase function of LABELS.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ab_lint.diagnostics import Diagnostics
from ab_lint.discover import Target, Workspace
from ab_lint.guard import Guard
from ab_lint.loader import Loader
from ab_lint.model import (
    NONE,
    PARACHAIN_SYSTEM,
    Located,
    NodeModel,
    RuntimeModel,
    at,
    from_resolved,
    last_expression,
    millis,
    ref_time_ms,
    source_text,
    struct_fields,
)
from ab_lint.release_facts import release_facts
from ab_lint.rust.consts import Named
from ab_lint.rust.evaluate import Duration, Unresolved, Weight
from ab_lint.rust.tokens import tokens
from ab_lint.sdk import SdkRelease

RUNTIME_FACTS = (
    "consensus", "unincluded_segment_capacity", "block_processing_velocity",
    "relay_chain_slot_duration_millis", "millisecs_per_block", "slot_duration", "consensus_hook",
    "check_associated_relay_number", "allow_multiple_blocks_per_slot", "minimum_period_ms",
    "aura_unincluded_segment_api", "check_inherents_in_validate_block", "aura_api_slot_duration",
    "cumulus_primitives_aura_dep", "cumulus_primitives_aura_std", "max_block_ref_time_ms",
    "sdk_version",
    # what each SDK release asks of a runtime (DOMAIN-2026 5.1 item 2); not in the corpus labels
    "relay_parent_offset", "relay_parent_offset_api", "max_claim_queue_offset_impl",
    "target_block_rate_api", "scheduling_signature_verifier", "scheduling_v3_enabled_api",
    "select_core", "ump_signals_feature", "get_parachain_info_api", "block_weight_mode",
    "aura_ext_migration_v0_to_v1",
    # elastic scaling, read outside the runtime's code (elastic_facts.py)
    "authoring", "relay_cores",
)
NODE_FACTS = ("collator", "authoring_duration_ms", "para_backend_passed", "code_hash_provider")


@dataclass
class TargetFacts:
    runtime_dir: str
    runtime_crate: str
    node_dir: str | None
    facts: dict[str, Located] = field(default_factory=dict)
    node_facts: dict[str, Located] | None = None
    # the models behind the facts, for rules that need more than a value (not serialised)
    runtime: RuntimeModel | None = field(default=None, repr=False)
    node: NodeModel | None = field(default=None, repr=False)
    sdk: SdkRelease | None = field(default=None, repr=False)
    workspace: Workspace | None = field(default=None, repr=False)

    def node_value(self, name: str) -> object:
        located = (self.node_facts or {}).get(name)
        return located.value if located else None

    def value(self, name: str) -> object:
        located = self.facts.get(name)
        return located.value if located else None

    @property
    def phase(self) -> int | None:
        return phase(self)


def phase(t: TargetFacts) -> int | None:
    """LABELS.md, exactly: null for non-Aura runtimes, else the last phase fully met."""
    f = t.value
    if f("consensus") != "aura":
        return None
    p1 = (f("consensus_hook") == "FixedVelocityConsensusHook"
          and f("check_associated_relay_number") == "RelayNumberMonotonicallyIncreases"
          and f("aura_unincluded_segment_api") is True
          and f("cumulus_primitives_aura_dep") is True
          and f("cumulus_primitives_aura_std") is True
          and f("check_inherents_in_validate_block") is not True
          and f("relay_chain_slot_duration_millis") == 6000)
    node = t.node_facts
    p2 = p1 and (node is None or (
        node["collator"].value in ("lookahead", "slot_based")
        and node["para_backend_passed"].value is True
        and node["code_hash_provider"].value is True))
    capacity, block_time = f("unincluded_segment_capacity"), f("millisecs_per_block")
    p3 = (p2 and f("allow_multiple_blocks_per_slot") is True
          and isinstance(capacity, int) and capacity > 1
          and isinstance(block_time, int) and block_time <= 6000
          and f("minimum_period_ms") == 0)
    return 3 if p3 else 2 if p2 else 1 if p1 else 0


def collect(workspaces: list[Workspace] | Workspace) -> list[TargetFacts]:
    if isinstance(workspaces, Workspace):
        workspaces = [workspaces]
    return collect_targets([(w, t) for w in workspaces for t in w.targets])


def collect_targets(pairs: list[tuple[Workspace, Target]],
                    guard: Guard | None = None) -> list[TargetFacts]:
    """The facts of each target, in order; targets of one workspace share its Loader. With a
    guard, a target whose reading hits a bug is left out with a note, and the rest is read."""
    loaders: dict[int, Loader] = {}
    out = []
    for workspace, target in pairs:
        loader = loaders.get(id(workspace))
        if loader is None:
            loader = loaders[id(workspace)] = Loader(workspace)
        if guard is None:
            out.append(target_facts(loader, workspace, target))
            continue
        with guard.around(target.runtime.dir, f"reading runtime {target.runtime.name}"):
            out.append(target_facts(loader, workspace, target))
    return out


def target_facts(loader: Loader, workspace: Workspace, target: Target) -> TargetFacts:
    rel = workspace.diags.relative
    out = TargetFacts(rel(target.runtime.dir) or ".", target.runtime.name,
                      rel(target.node.dir) if target.node else None)
    rt = RuntimeModel(loader, target.runtime)
    if rt.index is not None and rt.macro("register_validate_block") is None:
        rt = _parachain_build(loader, workspace, target, rt)
    out.runtime, out.workspace = rt, workspace
    out.facts = _typed(runtime_facts(rt), workspace.diags)
    out.sdk = loader.sdk
    if out.sdk is not None:
        lock = workspace.diags.relative(out.sdk.path)
        out.facts["sdk_version"] = Located(out.sdk.name, lock, out.sdk.line, 1)
    if target.node is not None:
        out.node = NodeModel(loader, target.node, target.runtime)
        out.node_facts = _typed(node_facts(out.node), workspace.diags)
    return out


_GATED_VALIDATE = re.compile(rb'#\[cfg\(feature\s*=\s*"([^"]+)"\)\]\s*(?:[\w:$]+::)?'
                             rb"register_validate_block")


def _parachain_build(loader: Loader, workspace: Workspace, target: Target,
                     rt: RuntimeModel) -> RuntimeModel:
    """A runtime that is a parachain only with a feature its `default` lacks (a crate built
    both as a solo chain and as a parachain): read it with that feature, and say so, rather
    than judge its solo build against the parachain guide."""
    crate = target.runtime
    sources = [crate] + [c for d in crate.manifest.dependencies.values()
                         if (c := loader.workspace_crate(d)) is not None]
    blob = b"\0".join(data for c in sources for data in loader.sources(c).values())
    m = _GATED_VALIDATE.search(blob)
    feature = m.group(1).decode("utf-8", "replace") if m else None
    if feature is None or feature not in crate.manifest.features:
        workspace.diags.add(crate.dir, f"runtime crate {crate.name}: register_validate_block! "
                            "is not compiled under its default features; its facts are those "
                            "of the default build")
        return rt
    features = frozenset(f for f in crate.manifest.enabled_entries(
        set(crate.manifest.default_features()) | {feature})
        if "/" not in f and not f.startswith("dep:") and f != "default")
    workspace.diags.add(crate.dir, f"runtime crate {crate.name} is a parachain only with its "
                        f"`{feature}` feature, which `default` does not enable: it is read "
                        f"with `{feature}` on, as its parachain build")
    return RuntimeModel(loader, crate, features)


def runtime_facts(rt: RuntimeModel) -> dict[str, Located]:
    facts: dict[str, Located] = dict.fromkeys(RUNTIME_FACTS, NONE)
    aura = rt.pallet_config("pallet_aura")
    timestamp = rt.pallet_config("pallet_timestamp")
    aura_api = rt.runtime_api("AuraApi")
    facts["consensus"] = _consensus(rt, aura, aura_api)

    hook_head, hook = rt.consensus_hook()
    facts["consensus_hook"] = hook_head
    relay, velocity, capacity = rt.hook_args(hook)
    facts["relay_chain_slot_duration_millis"] = relay
    facts["block_processing_velocity"] = velocity
    facts["unincluded_segment_capacity"] = capacity

    system = rt.pallet_config(PARACHAIN_SYSTEM)
    relay_check = rt.assoc_value(system, "CheckAssociatedRelayNumber")
    if relay_check is not None:
        facts["check_associated_relay_number"] = from_resolved(relay_check, _head(relay_check))

    allow = _safe(lambda: rt.assoc_value(aura, "AllowMultipleBlocksPerSlot"))
    if allow is not None and not isinstance(allow.value, Named):  # checked by _typed
        facts["allow_multiple_blocks_per_slot"] = from_resolved(allow)
    minimum = _safe(lambda: rt.assoc_value(timestamp, "MinimumPeriod"))
    if minimum is not None and not isinstance(minimum.value, Named):
        facts["minimum_period_ms"] = from_resolved(minimum)

    block_time = _safe(rt.block_time)
    slot = _safe(lambda: rt.find_const(("SLOT_DURATION",)))
    if block_time is not None and not isinstance(block_time.value, Named):
        facts["millisecs_per_block"] = from_resolved(block_time)
    if slot is not None and isinstance(slot.value, int):
        facts["slot_duration"] = from_resolved(slot)
    else:
        aura_slot = _safe(lambda: rt.assoc_value(aura, "SlotDuration"))
        if aura_slot is not None and isinstance(aura_slot.value, int):
            facts["slot_duration"] = from_resolved(aura_slot)
        elif aura is not None and type(facts["minimum_period_ms"].value) is int:
            m = facts["minimum_period_ms"]
            facts["slot_duration"] = Located(2 * m.value, m.path, m.line, m.column)

    weight = _safe(lambda: rt.find_const(("MAXIMUM_BLOCK_WEIGHT",)))
    if weight is not None and ref_time_ms(weight.value) is not None:
        facts["max_block_ref_time_ms"] = from_resolved(weight, ref_time_ms(weight.value))

    unincluded = rt.runtime_api("AuraUnincludedSegmentApi")
    facts["aura_unincluded_segment_api"] = (
        at(True, unincluded.file, unincluded.node) if unincluded else Located(False))
    validate = rt.macro("register_validate_block")
    if validate is not None:
        toks = tokens(validate.body, validate.file.data)
        passed = next((a for a, b in zip(toks, toks[1:], strict=False)
                       if a.text == "CheckInherents" and b.text == "="), None)
        facts["check_inherents_in_validate_block"] = (
            at(True, validate.file, passed.node) if passed
            else at(False, validate.file, validate.node))
    else:
        facts["check_inherents_in_validate_block"] = Located(False)
    if aura_api is not None:
        fn = aura_api.functions(rt.features).get("slot_duration")
        expr = last_expression(aura_api.file, fn.child_by_field_name("body")) if fn else None
        if expr is not None:
            facts["aura_api_slot_duration"] = at(source_text(aura_api.file, expr),
                                                 aura_api.file, expr)
    facts.update(_cargo_facts(rt))
    facts.update(release_facts(rt, system, facts["max_block_ref_time_ms"]))
    return facts


# Facts the contract types as unsigned integers (durations in ms, counts); a value of another
# kind (a Duration, a Weight, a bool, a negative number) would reach rules that compare and
# divide, so it is left unknown with a note at the line it came from.
INT_FACTS = {"unincluded_segment_capacity", "block_processing_velocity",
             "relay_chain_slot_duration_millis", "millisecs_per_block", "slot_duration",
             "minimum_period_ms", "max_block_ref_time_ms", "authoring_duration_ms"}
BOOL_FACTS = {"allow_multiple_blocks_per_slot"}


def _typed(facts: dict[str, Located], diags: Diagnostics) -> dict[str, Located]:
    for name, located in facts.items():
        value = located.value
        if value is None:
            continue
        if name in INT_FACTS:
            fits = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
            expected = "a non-negative integer"
        elif name in BOOL_FACTS:
            fits, expected = isinstance(value, bool), "true or false"
        else:
            continue
        if not fits:
            shown = type(value).__name__ if isinstance(value, Weight | Duration | Named) else (
                repr(value)[:40])
            if located.path is not None:
                diags.add(located.path, f"{name} reads as {shown}, not {expected}; it is left "
                          "unknown", located.line)
            facts[name] = NONE
    return facts


def _safe(fn):
    try:
        return fn()
    except Unresolved:
        return None


def _head(r) -> str:
    return r.value.name if isinstance(r.value, Named) else str(r.value)


def _consensus(rt: RuntimeModel, aura, aura_api) -> Located:
    """What validates blocks decides: the BlockExecutor given to register_validate_block!,
    then pallet_aura / AuraApi (with Aura keys), then any nimbus trait impl."""
    validate = rt.macro("register_validate_block")
    if validate is not None:
        for tok in tokens(validate.body, validate.file.data):
            if "author_inherent" in tok.text or "nimbus" in tok.text:
                return at("nimbus", validate.file, tok.node)
            if tok.text == "cumulus_pallet_aura_ext":
                break
    if aura is not None:
        return at("aura", aura.file, aura.node)
    if aura_api is not None:
        keys = aura_api.file.text(aura_api.trait) if aura_api.trait is not None else ""
        return at("nimbus" if "Nimbus" in keys else "aura", aura_api.file, aura_api.node)
    for impl in rt.index.impls if rt.index else []:
        segs = "::".join(impl.trait_segments())
        if "nimbus" in segs.lower() or "author_inherent" in segs:
            return at("nimbus", impl.file, impl.node)
    return Located("other")


def _cargo_facts(rt: RuntimeModel) -> dict[str, Located]:
    m = rt.crate.manifest
    rel = rt.loader.diags.relative(m.path)
    std = m.features.get("std", [])
    for dep in m.dependencies.values():
        if dep.package == "cumulus-primitives-aura":
            has_std = any(e in std for e in (f"{dep.key}/std", f"{dep.key}?/std"))
            return {
                "cumulus_primitives_aura_dep": Located(True, rel, m.dependency_line(dep.key), 1),
                "cumulus_primitives_aura_std": Located(
                    has_std, rel, m.line_of(rf'"{dep.key}\??/std"') if has_std
                    else m.line_of(r"^[ \t]*std\s*="), 1),
            }
    for dep in m.dependencies.values():
        if dep.package == "polkadot-sdk" and "cumulus-primitives-aura" in dep.features:
            has_std = any(e in std for e in (f"{dep.key}/std", f"{dep.key}?/std"))
            return {
                "cumulus_primitives_aura_dep": Located(True, rel, m.line_of(
                    r'"cumulus-primitives-aura"'), 1),
                "cumulus_primitives_aura_std": Located(
                    has_std, rel, m.line_of(rf'"{dep.key}\??/std"', r"^[ \t]*std\s*="), 1),
            }
    return {"cumulus_primitives_aura_dep": Located(False, rel),
            "cumulus_primitives_aura_std": Located(False, rel)}


def node_facts(node: NodeModel) -> dict[str, Located]:
    facts: dict[str, Located] = dict.fromkeys(NODE_FACTS, NONE)
    chosen = node.chosen_call()
    if chosen is None:
        facts["collator"] = Located("other")
        facts["para_backend_passed"] = Located(False)
        facts["code_hash_provider"] = Located(False)
        return facts
    kind, call, module = chosen
    file = module.file
    facts["collator"] = at(kind, file, call)
    passed = node.startup.struct_passed(module, call)
    if passed is not None:  # the params may be built elsewhere and passed in
        module, params = passed
        file = module.file
    features = module.crate.features
    fields = struct_fields(file, params, features) if passed is not None else {}
    for inner in [v for v in fields.values() if v.type == "struct_expression"]:
        # `ParamsWithExport { params: AuraParams { .. }, .. }`: the collator's own params
        fields = {**struct_fields(file, inner, features), **fields}
    facts["para_backend_passed"] = (at(True, file, fields["para_backend"])
                                    if "para_backend" in fields else Located(False))
    facts["code_hash_provider"] = (at(True, file, fields["code_hash_provider"])
                                   if "code_hash_provider" in fields else Located(False))
    if "authoring_duration" in fields:
        value_node = fields["authoring_duration"]
        startup = node.startup
        startup.origin = None
        try:
            value = millis(startup.value(module, value_node))
        except Unresolved:
            value = None
        where = startup.origin if value is not None and startup.origin else (file, value_node)
        facts["authoring_duration_ms"] = at(value, *where)
    return facts

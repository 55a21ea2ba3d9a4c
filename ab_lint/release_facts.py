"""The facts of what each SDK release asks of a runtime (DOMAIN-2026 5.1 item 2): the items
releases since stable2412 added to or removed from parachain-system's Config, the runtime APIs
the collators of stable2506 to stable2606 read, the block-weight mode and the aura-ext
migration. Not in the corpus labels; rules AB501-AB507 and AB407 read them."""

from __future__ import annotations

import re
from pathlib import Path

from ab_lint import files
from ab_lint.model import NONE, Located, RuntimeModel, at, from_resolved, source_text
from ab_lint.rust.consts import Named
from ab_lint.rust.evaluate import Unresolved
from ab_lint.rust.names import Impl, path_segments
from ab_lint.rust.tokens import tokens


def _safe(fn):
    try:
        return fn()
    except Unresolved:
        return None


UMP_SIGNALS = "experimental-ump-signals"


def release_facts(rt: RuntimeModel, system: Impl | None,
                  weight: Located = NONE) -> dict[str, Located]:
    """The items SDK releases added to or removed from a runtime since stable2412: each read
    only from the impl or API that holds it, so a runtime without them costs a dict lookup."""
    facts: dict[str, Located] = {}
    assoc = system.associated(rt.features) if system is not None else {}
    offset = assoc.get("RelayParentOffset")
    facts["relay_parent_offset"] = (_offset(rt, system, offset)
                                    if system is not None and offset is not None else NONE)

    api = rt.runtime_api("RelayParentOffsetApi")
    facts["relay_parent_offset_api"] = _api_int(rt, api, "relay_parent_offset",
                                                facts["relay_parent_offset"])
    if api is not None:
        fns = api.functions(rt.features)
        claim = fns.get("max_claim_queue_offset")
        facts["max_claim_queue_offset_impl"] = (at(True, api.file, claim) if claim is not None
                                                else at(False, api.file, api.node))
    else:
        facts["max_claim_queue_offset_impl"] = NONE

    rate = rt.runtime_api("TargetBlockRate")
    if rate is not None:
        facts["target_block_rate_api"] = _api_int(rt, rate, "target_block_rate")
    else:  # its first name (stable2512, #9961): a schedule, not a number
        facts["target_block_rate_api"] = _slot_schedule(rt, rt.runtime_api("SlotSchedule"))

    verifier = assoc.get("SchedulingSignatureVerifier")
    ty = verifier.child_by_field_name("type") if verifier is not None else None
    facts["scheduling_signature_verifier"] = (
        at(source_text(system.file, ty), system.file, verifier)
        if system is not None and ty is not None else NONE)
    facts["scheduling_v3_enabled_api"] = _api_present(rt, "SchedulingV3EnabledApi")
    select = assoc.get("SelectCore")
    facts["select_core"] = (NONE if system is None else at(True, system.file, select)
                            if select is not None else at(False, system.file, system.node))
    facts["ump_signals_feature"] = _ump_signals(rt)
    facts["get_parachain_info_api"] = _api_present(rt, "GetParachainInfo")
    facts["block_weight_mode"] = _block_weight_mode(rt, weight)
    migration = rt.migrations_mention("MigrateV0ToV1", "aura_ext")
    facts["aura_ext_migration_v0_to_v1"] = migration if migration is not None else (
        Located(False) if rt.index is not None else NONE)
    return facts


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _offset(rt: RuntimeModel, system: Impl, node) -> Located:
    """`type RelayParentOffset`: a number, or "dynamic" for a Get that reads storage or a
    pallet (moonkit's `= AsyncBacking`, root-settable) and so has no value in the code."""
    resolved = _safe(lambda: rt.assoc_value(system, "RelayParentOffset"))
    if resolved is None:
        return at(None, system.file, node)
    if isinstance(resolved.value, Named):
        return at("dynamic", system.file, node)
    return from_resolved(resolved) if _count(resolved.value) else at(None, system.file, node)


def _api_int(rt: RuntimeModel, api: Impl | None, fn_name: str,
             config: Located = NONE) -> Located:
    """What a runtime API fn returns, when a literal or a constant; `<Runtime as
    cumulus_pallet_parachain_system::Config>::RelayParentOffset::get()` reads the Config's."""
    found = rt.returned(api, fn_name)
    if found is None:
        return NONE
    module, expr = found
    text = source_text(module.file, expr)
    if config is not NONE and _count(config.value) and re.search(
            r">::RelayParentOffset::get\(\)$", text):
        return at(config.value, module.file, expr)
    try:
        value = rt.values.expr(module, expr)
    except Unresolved:
        value = None
    return at(value if _count(value) else None, module.file, expr)


def _slot_schedule(rt: RuntimeModel, api: Impl | None) -> Located:
    """`SlotSchedule::next_slot_schedule` returns a NextSlotSchedule: its block count is the
    rate (`one_block_using_one_core()` is 1; `x_blocks_using_y_cores(x, y)` is x)."""
    found = rt.returned(api, "next_slot_schedule")
    if found is None:
        return NONE
    module, expr = found
    func = expr.child_by_field_name("function") if expr.type == "call_expression" else None
    name = path_segments(func, module.file.data)[-1:] if func is not None else []
    value = None
    if name == ["one_block_using_one_core"]:
        value = 1
    elif name == ["x_blocks_using_y_cores"]:
        args = [c for c in expr.child_by_field_name("arguments").named_children
                if c.type not in ("line_comment", "block_comment")]
        value = _safe(lambda: rt.values.expr(module, args[0])) if args else None
    return at(value if _count(value) else None, module.file, expr)


def _api_present(rt: RuntimeModel, name: str) -> Located:
    if rt.index is None:
        return NONE
    api = rt.runtime_api(name)
    return at(True, api.file, api.node) if api is not None else Located(False)


def _block_weight_mode(rt: RuntimeModel, weight: Located) -> Located:
    """"dynamic" where the block weight comes from `MaxParachainBlockWeight` (block bundling,
    stable2603 #10315), "constant" where a MAXIMUM_BLOCK_WEIGHT is read, else unknown. Files
    are searched as bytes first: the dynamic shape is rare and tokenising every file is not."""
    needle = b"MaxParachainBlockWeight"
    seen: set[int] = set()
    for module in rt.modules:
        file = module.file
        if file is None or id(file) in seen or needle not in file.data:
            continue
        seen.add(id(file))
        hit = next((t for t in tokens(file.root, file.data) if t.text == needle.decode()),
                   None)
        if hit is not None:  # (a mention in a comment is no token)
            return at("dynamic", file, hit.node)
    if weight.value is not None:
        return Located("constant", weight.path, weight.line, weight.column, weight.end_line,
                       weight.end_column, weight.file)
    return NONE


def _ump_signals(rt: RuntimeModel) -> Located:
    """`experimental-ump-signals` on cumulus-pallet-parachain-system: in the runtime's
    dependency, the workspace dependency it inherits, or a feature its default build enables
    (`"cumulus-pallet-parachain-system/experimental-ump-signals"`)."""
    m = rt.crate.manifest
    rel = rt.loader.diags.relative(m.path)
    deps = [d for d in m.dependencies.values() if d.package == "cumulus-pallet-parachain-system"]
    if not deps:
        return NONE
    entries = m.enabled_entries()
    for dep in deps:
        if UMP_SIGNALS not in dep.features:
            if any(e in entries for e in (f"{dep.key}/{UMP_SIGNALS}",
                                          f"{dep.key}?/{UMP_SIGNALS}")):
                return Located(True, rel, m.line_of(
                    rf'"{re.escape(dep.key)}\??/{UMP_SIGNALS}"'), 1)
            continue
        line = m.line_of(rf'"{UMP_SIGNALS}"')
        if line is not None:
            return Located(True, rel, line, 1)
        root = rt.loader.workspace.root / "Cargo.toml"  # inherited: `workspace = true`
        text = _text(root, rt.crate.top)
        at_root = re.search(rf'"{UMP_SIGNALS}"', text) if text else None
        if at_root is not None:
            return Located(True, rt.loader.diags.relative(root),
                           text.count("\n", 0, at_root.start()) + 1, 1)
        return Located(True, rel, m.dependency_line(dep.key), 1)
    return Located(False, rel, m.dependency_line(deps[0].key), 1)


def _text(path: Path, top: Path | None) -> str | None:
    """A manifest discovery read already (the workspace root's), read again for its lines."""
    try:
        return files.read(path, files.MANIFEST_CAP, "manifest",
                          top.resolve() if top else None).decode("utf-8", "replace")
    except (files.Skipped, OSError):
        return None

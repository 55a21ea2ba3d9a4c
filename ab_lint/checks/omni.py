"""Omni-node readiness (AB601-AB604): what polkadot-omni-node relies on in a runtime it runs.

Only runtimes without a node crate in the repository are checked: the omni-node (or a thin
wrapper around polkadot-omni-node-lib) runs them, and nothing in the repository can make up for
what the node expects. Each requirement is read from the omni-node's own source (polkadot-sdk
master, 2025-12; cumulus/polkadot-omni-node/lib/src), see each rule's explain text:

- AB601: the pallets named `System` and `ParachainSystem` (common/runtime.rs reads the block
  number type from `System`'s `Number` storage and looks `ParachainSystem` up by name);
- AB602: an `AuraApi` impl (nodes/aura.rs waits for it before authoring anything);
- AB603: a para id source, `GetParachainInfo` (stable2509) or `para_id` in the chain spec
  (common/spec.rs `parachain_id`: "Failed to retrieve the parachain id" otherwise);
- AB604: sr25519 Aura keys (common/runtime.rs: the default resolver always answers sr25519).

`AuraUnincludedSegmentApi`, which the omni-node's collator also asks, is AB108's: that rule
runs on every Aura runtime, omni-node ones included, and one finding is enough.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from ab_lint import files, tree
from ab_lint.checks import Hit, check, first_located
from ab_lint.facts import TargetFacts
from ab_lint.model import Located, RuntimeModel, at
from ab_lint.rust.names import External, Item, Module, path_segments
from ab_lint.rust.tokens import Token, split_top, tokens

FRAME_SYSTEM = "frame_system"
PARACHAIN_SYSTEM = "cumulus_pallet_parachain_system"
# The names the omni-node looks pallets up by (common/runtime.rs, DEFAULT_*_PALLET_NAME).
EXPECTED = {FRAME_SYSTEM: "System", PARACHAIN_SYSTEM: "ParachainSystem"}
GET_PARACHAIN_INFO_FROM = "stable2509"  # prdoc/stable2509/pr_8651.prdoc
# Chain-spec extension keys the omni-node accepts for the para id (common/chain_spec.rs serde
# aliases) and for the relay chain, which marks a parachain spec.
PARA_ID_KEYS = ("para_id", "paraId", "ParaId")
RELAY_KEYS = ("relay_chain", "relayChain", "RelayChain")
# The only chain that runs ed25519 Aura keys: the node picks ed25519 by its chain-spec id
# (polkadot-parachain's resolver; the omni-node itself from stable2603, polkadot-sdk #10978).
ED25519_CHAINS = ("asset-hub-polkadot", "statemint")
# Aura key aliases of SDK crates outside the repository (polkadot-sdk
# cumulus/parachains/common/types/src/lib.rs, re-exported by parachains_common).
KNOWN_KEYS = {
    ("parachains_common", "AuraId"): ("sp_consensus_aura", "sr25519", "AuthorityId"),
    ("parachains_common", "AssetHubPolkadotAuraId"): (
        "sp_consensus_aura", "ed25519", "AuthorityId"),
}
MAX_DEPTH = 5


def _apis_at(rt: RuntimeModel) -> Located | None:
    """The impl_runtime_apis! invocation, under any name a crate gives its wrapper of it
    (`pallet_revive::impl_runtime_apis_plus_revive!`)."""
    macro = next((m for m in rt.index.macros if m.name.startswith("impl_runtime_apis")), None)
    return at(None, macro.file, macro.node) if macro is not None else None


def _omni(t: TargetFacts) -> bool:
    """A runtime the omni-node runs: Aura, and no node crate in the repository starts it."""
    return (t.node_dir is None and t.node_facts is None and t.runtime is not None
            and t.runtime.index is not None and t.value("consensus") == "aura")


# -- AB601: pallet names ---------------------------------------------------------------------
@dataclass(frozen=True)
class Pallet:
    name: str
    crate: str | None  # frame_system, cumulus_pallet_parachain_system, or None for others
    at: Located


def runtime_pallets(rt: RuntimeModel) -> list[Pallet] | None:
    """The pallets of construct_runtime! or of a `#[frame_support::runtime]` module, with the
    SDK crate each is an instance of when it is one of EXPECTED's; None when neither is found
    (a runtime written by a procedural macro of another crate is not guessed at)."""
    macro = rt.macro("construct_runtime")
    if macro is not None:
        found = _construct_runtime(rt, macro.module, macro.file, macro.body)
        if found:
            return found
    found = _runtime_module(rt)
    return found or None


def _construct_runtime(rt: RuntimeModel, module: Module, file, body: Node) -> list[Pallet]:
    toks = tokens(body, file.data)
    # the pallets are the brace group after `enum Runtime` (and its old `where` clause)
    start = next((i for i, tok in enumerate(toks) if tok.text == "enum"), None)
    if start is None:
        return []
    brace = next((i for i in range(start, len(toks)) if toks[i].text == "{"), None)
    if brace is None:
        return []
    depth, end = 0, len(toks) - 1
    for i in range(brace, len(toks)):
        depth += toks[i].text in ("{", "(", "[")
        depth -= toks[i].text in ("}", ")", "]")
        if depth == 0:
            end = i
            break
    out = []
    for entry in split_top(toks[brace + 1:end]):
        entry = _without_attributes(entry)
        if len(entry) < 3 or entry[0].kind != "identifier" or entry[1].text != ":":
            continue
        segs = _path(entry[2:])
        out.append(Pallet(entry[0].text, _sdk_crate(rt, module, segs),
                          at(entry[0].text, file, entry[0].node)))
    return out


def _without_attributes(entry: list[Token]) -> list[Token]:
    i = 0
    while i + 1 < len(entry) and entry[i].text == "#" and entry[i + 1].text == "[":
        depth = 0
        for j in range(i + 1, len(entry)):
            depth += entry[j].text == "["
            depth -= entry[j].text == "]"
            if depth == 0:
                i = j + 1
                break
        else:
            return []
    return entry[i:]


def _path(toks: list[Token]) -> list[str]:
    """`a::b::{Pallet, Call}`, `a::<Instance1>`, `a = 3`: the path `a::b` in front."""
    segs: list[str] = []
    for tok in toks:
        if tok.kind == "identifier" or tok.text in ("crate", "self", "super"):
            segs.append(tok.text)
        elif tok.text != "::":
            break
    return segs


def _runtime_module(rt: RuntimeModel) -> list[Pallet]:
    """`#[runtime::pallet_index(N)] pub type Name = path;` items, in any module of the crate."""
    out = []
    for module in rt.index.modules((b"pallet_index",)):
        for items in module.items.values():
            for item in items:
                if item.kind != "type" or item.value is None or not _pallet_index(item):
                    continue
                segs = path_segments(item.value, item.file.data)
                out.append(Pallet(item.name, _sdk_crate(rt, module, segs),
                                  at(item.name, item.file, item.node)))
    return out


def _pallet_index(item: Item) -> bool:
    node = item.node.prev_sibling
    while node is not None and node.type in ("attribute_item", "line_comment", "block_comment"):
        if node.type == "attribute_item" and b"pallet_index" in item.file.data[
                node.start_byte:node.end_byte]:
            return True
        node = node.prev_sibling
    return False


def _sdk_crate(rt: RuntimeModel, module: Module, segs: list[str]) -> str | None:
    """Which of EXPECTED's crates the path names: written so (`polkadot_sdk::frame_system`),
    or reached through a `use` alias or a Cargo rename."""
    if not segs:
        return None
    written = next((c for c in EXPECTED if c in segs), None)
    if written is not None:
        return written
    try:
        target = rt.loader.program.resolve(module, segs)
    except RecursionError:
        return None
    names: tuple[str, ...] = ()
    if isinstance(target, External):
        names = target.segments
    elif isinstance(target, Module):
        names = (target.crate.name.replace("-", "_"),)
    return next((c for c in EXPECTED if c in names), None)


def block_number_u64(rt: RuntimeModel) -> Located | None:
    """`type BlockNumber = u64;` as the runtime's crate root sees it, where it says so."""
    target = rt.loader.program.lookup(rt.index.root, "BlockNumber")
    if isinstance(target, Item) and target.kind == "type" and target.value is not None and (
            target.file.text(target.value).replace(" ", "") == "u64"):
        return at("u64", target.file, target.node)
    return None


@check("AB601")
def pallet_names(t: TargetFacts) -> Iterator[Hit]:
    if not _omni(t):
        return
    pallets = runtime_pallets(t.runtime)
    if pallets is None:
        return
    for crate, expected in EXPECTED.items():
        mine = [p for p in pallets if p.crate == crate]
        if not mine or any(p.name == expected for p in mine):
            continue  # absent or unrecognised: said by other rules or left unknown
        pallet = mine[0]
        if crate == FRAME_SYSTEM:
            wide = block_number_u64(t.runtime)
            if wide is not None:
                yield Hit(pallet.at, "system_u64", found=pallet.name, expected=expected,
                          severity="error", now=True,
                          data={"number_at": f"{wide.path}:{wide.line}"})
                continue
            yield Hit(pallet.at, "system", found=pallet.name, expected=expected, now=True)
        else:
            yield Hit(pallet.at, "parachain_system", found=pallet.name, expected=expected,
                      now=True)


# -- AB602: AuraApi ----------------------------------------------------------------------------
@check("AB602")
def aura_api(t: TargetFacts) -> Iterator[Hit]:
    if not _omni(t) or t.runtime.runtime_api("AuraApi") is not None:
        return
    aura = t.runtime.pallet_config("pallet_aura")
    yield Hit(first_located(_apis_at(t.runtime), at(None, aura.file, aura.node) if aura else None,
                            t.facts.get("consensus")),
              found="no AuraApi", expected="impl sp_consensus_aura::AuraApi<Block, AuraId>",
              now=True)


# -- AB603: para id --------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainSpec:
    rel: str
    id: str
    name: str
    para_id: bool
    line: int  # where the extension (relay_chain) is written, for the para_id beside it


def parachain_specs(top: Path, root: Path) -> tuple[ChainSpec, ...]:
    """The parachain chain specs under `top` (JSON with a genesis and a relay-chain
    extension), paths relative to `root`. Read once per run: every runtime of a monorepo
    asks."""
    return tree.derived(("chain specs", str(top), str(root)), lambda: _specs(top, root))


def _specs(top: Path, root: Path) -> tuple[ChainSpec, ...]:
    out = []
    for entry in tree.listing(top):
        if entry.link or entry.depth > MAX_DEPTH or not entry.name.endswith(".json") or (
                entry.name == "package.json"):
            continue  # links are not followed: they may lead out of the repository
        spec = _spec(Path(entry.path), root)
        if spec is not None:
            out.append(spec)
    return tuple(out)


def _spec(path: Path, root: Path) -> ChainSpec | None:
    try:
        data = files.read(path, files.RELAY_CAP, "chain spec")
    except files.Skipped:
        return None  # the local-network scan (relay.py) notes files it cannot read
    # cheap test first: a parachain spec names its relay chain; most JSON files do not
    if not any(f'"{k}"'.encode() in data for k in RELAY_KEYS):
        return None
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or "genesis" not in doc or not any(k in doc for k in RELAY_KEYS):
        return None
    text = data.decode("utf-8", "replace")
    key = next(k for k in RELAY_KEYS if k in doc)
    m = re.search(rf'^[ \t]*"{key}"\s*:', text, re.MULTILINE)
    line = text.count("\n", 0, m.start()) + 1 if m else 1
    rel = Path(os.path.relpath(path, root)).as_posix()
    return ChainSpec(rel, str(doc.get("id", "")), str(doc.get("name", "")),
                     any(doc.get(k) is not None for k in PARA_ID_KEYS), line)


def _stem(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower().removesuffix("-runtime"))


def specs_of(t: TargetFacts) -> list[ChainSpec]:
    """The chain specs of this runtime: those whose id names it (`asset-hub-polkadot-local`
    for asset-hub-polkadot-runtime), else, when a spec names no runtime of the repository,
    every runtime's (a single-runtime repository's specs are all its own)."""
    diags = t.workspace.diags
    top = (diags.scope or diags.root).resolve()
    specs = parachain_specs(top, diags.root.resolve())
    stems = {x.runtime.name: _stem(x.runtime.name) for x in t.workspace.targets}
    mine = stems.get(t.runtime_crate, _stem(t.runtime_crate))

    def owner(spec: ChainSpec) -> str | None:
        spec_id = _stem(spec.id)
        # the longest matching runtime name: asset-hub-polkadot before asset-hub
        named = [s for s in stems.values() if s and spec_id.startswith(s)]
        return max(named, key=len) if named else None

    return [s for s in specs if owner(s) in (None, mine)]


def _release(t: TargetFacts) -> bool | None:
    """Whether the runtime builds on a release with GetParachainInfo; None when unknown."""
    if t.sdk is None or t.sdk.key is None:
        return None
    return t.sdk.at_least(GET_PARACHAIN_INFO_FROM)


@check("AB603")
def para_id_source(t: TargetFacts) -> Iterator[Hit]:
    if not _omni(t) or t.runtime.runtime_api("GetParachainInfo") is not None:
        return
    has_api = _release(t)
    specs = specs_of(t)
    data = {"has_api": has_api, "release": t.sdk.name if t.sdk else None}
    for spec in specs:
        if not spec.para_id:
            yield Hit(Located(None, spec.rel, spec.line, 1), "spec", found="no para_id",
                      expected="para_id", now=True, data={**data, "spec": spec.rel})
    if not specs and has_api is not False:
        # Before stable2509 the chain spec is the only source and every tool of those
        # releases writes para_id; from it on, new tools may leave it out.
        yield Hit(_apis_at(t.runtime), "no_spec",
                  found="no GetParachainInfo", expected="GetParachainInfo", now=True, data=data)


# -- AB604: Aura key type --------------------------------------------------------------------
def authority_id(rt: RuntimeModel) -> tuple[tuple[str, ...], Located] | None:
    """The path pallet_aura's AuthorityId finally names (through `use` aliases and local type
    aliases), and where it is set."""
    impl = rt.pallet_config("pallet_aura")
    node = rt.associated(impl, "AuthorityId")
    ty = node.child_by_field_name("type") if node is not None else None
    if impl is None or ty is None:
        return None
    where = at(None, impl.file, node)
    module, segs = impl.module, path_segments(ty, impl.file.data)
    for _ in range(5):
        if any("ed25519" in s or "sr25519" in s for s in segs):
            return tuple(segs), where
        try:
            target = rt.loader.program.resolve(module, segs)
        except RecursionError:
            return None
        if isinstance(target, External):
            segs = list(target.segments)
            known = KNOWN_KEYS.get((segs[0], segs[-1])) or KNOWN_KEYS.get(tuple(segs[-2:]))
            return (known or target.segments), where
        if not isinstance(target, Item) or target.kind != "type" or target.value is None:
            return tuple(segs), where
        module, segs = target.module, path_segments(target.value, target.file.data)
    return tuple(segs), where


def _ed25519_chain(t: TargetFacts) -> bool:
    names = [_stem(t.runtime_crate)] + [_stem(s.id) for s in specs_of(t)]
    return any(n.startswith(_stem(c)) for n in names for c in ED25519_CHAINS)


def _own_resolver(t: TargetFacts) -> str | None:
    """A wrapper binary of the repository that gives polkadot-omni-node-lib a resolver of its
    own, which may answer ed25519."""
    for crate in t.workspace.crates:
        if crate.omni_wrapper and any(b"RuntimeResolver for" in data
                                      for data in crate.files.values()):
            return crate.name
    return None


@check("AB604")
def aura_key_type(t: TargetFacts) -> Iterator[Hit]:
    if not _omni(t):
        return
    found = authority_id(t.runtime)
    if found is None or not any("ed25519" in s for s in found[0]) or _ed25519_chain(t):
        return
    segs, where = found
    wrapper = _own_resolver(t)
    if wrapper is not None:
        yield Hit(where, "own_resolver", found="::".join(segs), expected="sr25519",
                  severity="warning", data={"wrapper": wrapper})
        return
    yield Hit(where, found="::".join(segs), expected="sr25519", now=True)

"""Bump breakers (AB501-AB507): what an SDK release removed or made required, named before the
compiler or the chain meets it (DOMAIN-2026 5.2 items 4-10).

Each rule's TOML declares the releases it holds for (`releases = ">=stable2509"`): the runner
skips it on older releases and caps it at a warning, saying so, where the release is unknown.
A check here only says what the code holds. Every hit is `now`: a build or a chain that breaks
on the release in use is never a step for later.
"""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, check
from ab_lint.checks.phase1 import impl_at
from ab_lint.facts import TargetFacts
from ab_lint.model import PARACHAIN_SYSTEM, Located, at, last_expression, source_text

PROPOSER_CRATE = "cumulus_client_consensus_proposer"
PROPOSER_PACKAGE = "cumulus-client-consensus-proposer"


def _system_written(t: TargetFacts) -> bool:
    """Whether ab-lint found the runtime's parachain-system Config: an item missing from it
    means something only when the impl itself was read."""
    return t.runtime is not None and t.runtime.pallet_config(PARACHAIN_SYSTEM) is not None


@check("AB501")
def select_core(t: TargetFacts) -> Iterator[Hit]:
    if t.value("select_core") is True:
        yield Hit(t.facts["select_core"], "config", now=True)
    api = t.runtime.runtime_api("GetCoreSelectorApi") if t.runtime else None
    if api is not None:
        yield Hit(at(None, api.file, api.node), "api", now=True)


@check("AB502")
def ump_signals_feature(t: TargetFacts) -> Iterator[Hit]:
    if t.value("ump_signals_feature") is True:
        yield Hit(t.facts["ump_signals_feature"], now=True)


@check("AB503")
def relay_parent_offset(t: TargetFacts) -> Iterator[Hit]:
    if not _system_written(t):
        return
    rt = t.runtime
    if rt.associated(rt.pallet_config(PARACHAIN_SYSTEM), "RelayParentOffset") is None:
        yield Hit(impl_at(t, PARACHAIN_SYSTEM), expected="ConstU32<0>", now=True)


@check("AB504")
def scheduling_signature_verifier(t: TargetFacts) -> Iterator[Hit]:
    if not _system_written(t):
        return
    rt = t.runtime
    system = rt.pallet_config(PARACHAIN_SYSTEM)
    verifier = t.facts["scheduling_signature_verifier"]
    if rt.associated(system, "SchedulingV3Enabled") is not None:
        # the master shape before #12185 merged both types into one trait
        yield Hit(at(None, system.file, rt.associated(system, "SchedulingV3Enabled")),
                  "prerelease", found=verifier.value, severity="info", now=True)
    elif verifier.value is None:
        yield Hit(impl_at(t, PARACHAIN_SYSTEM), expected="()", now=True)
    elif "AuraSchedulingVerifier" in str(verifier.value):
        yield Hit(verifier, "enabled", found=verifier.value, expected="()", severity="warning",
                  now=True)


@check("AB505")
def max_claim_queue_offset(t: TargetFacts) -> Iterator[Hit]:
    present = t.facts["max_claim_queue_offset_impl"]
    if present.value is False:
        yield Hit(present, found="no max_claim_queue_offset",
                  expected="fn max_claim_queue_offset() -> u8", now=True)
        return
    api = t.runtime.runtime_api("RelayParentOffsetApi") if t.runtime else None
    found = t.runtime.returned(api, "max_claim_queue_offset") if present.value else None
    if found is not None and found[1].type == "integer_literal":
        module, expr = found
        yield Hit(at(None, module.file, expr), "literal", found=source_text(module.file, expr),
                  severity="warning", now=True)


@check("AB506")
def scheduling_v3_enabled_api(t: TargetFacts) -> Iterator[Hit]:
    rt = t.runtime
    if rt is None or rt.index is None:
        return
    api = rt.runtime_api("SchedulingV3EnabledApi")
    if api is None:
        if t.value("consensus") == "aura":  # the slot-based (Aura) collator asks for it
            yield Hit(_apis_at(t), now=True)
        return
    verifier = t.value("scheduling_signature_verifier")
    if verifier is None:
        return
    expected = "AuraSchedulingVerifier" in str(verifier)
    for fn in api.functions(rt.features).values():
        expr = last_expression(api.file, fn.child_by_field_name("body"))
        if expr is not None and expr.type == "boolean_literal" and (
                (api.file.text(expr) == "true") != expected):
            yield Hit(at(None, api.file, expr), "disagrees", found=api.file.text(expr),
                      expected=str(expected).lower(), severity="error",
                      data={"verifier": verifier}, now=True)


def _apis_at(t: TargetFacts) -> Located | None:
    """Where a missing runtime API goes: beside RelayParentOffsetApi, else the first API."""
    rt = t.runtime
    api = rt.runtime_api("RelayParentOffsetApi") or rt.runtime_api("AuraApi")
    if api is not None:
        return at(None, api.file, api.node)
    apis = rt.macro("impl_runtime_apis")
    return at(None, apis.file, apis.node) if apis is not None else None


@check("AB507")
def proposer_crate(t: TargetFacts) -> Iterator[Hit]:
    node = t.node
    if node is None:
        return
    found = node.mention(PROPOSER_CRATE, PROPOSER_PACKAGE)
    if found is not None:
        yield Hit(found, found=PROPOSER_CRATE, now=True)

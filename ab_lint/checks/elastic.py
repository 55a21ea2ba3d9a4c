"""Elastic scaling (AB407): the values the collator reads through runtime APIs agree with the
ones the runtime enforces.

- The relay parent offset. The slot-based collator builds on a relay parent as many blocks back
  as `RelayParentOffsetApi::relay_parent_offset` says, 0 when the API is missing
  (`block_builder_task.rs`: `unwrap_or_default`). parachain-system checks the descendants
  against `type RelayParentOffset` whenever that is above 0, and panics on any other count
  (`lib.rs`, `descendant_validation.rs`: InvalidNumberOfDescendants).
- The collator. The lookahead collator takes the first core the claim queue gives its para
  and builds at most two blocks per relay parent (`collators/lookahead.rs`: "This needs to
  change to support elastic scaling"): a velocity above 1 needs the slot-based one.
- The target block rate. From stable2603 the collator builds `TargetBlockRate::
  target_block_rate()` blocks per relay slot, and the velocity is what the runtime accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, check
from ab_lint.checks.phase1 import aura, impl_at
from ab_lint.facts import TargetFacts
from ab_lint.model import PARACHAIN_SYSTEM, integer


@check("AB407")
def elastic_consistency(t: TargetFacts) -> Iterator[Hit]:
    if not aura(t) or t.runtime is None:
        return
    yield from _offset(t)
    yield from _rate(t)
    yield from _collator(t)


def _offset(t: TargetFacts) -> Iterator[Hit]:
    config = integer(t.value("relay_parent_offset"))
    api = t.runtime.runtime_api("RelayParentOffsetApi")
    said = integer(t.value("relay_parent_offset_api"))
    where = t.facts["relay_parent_offset"]
    if config is not None and config > 0 and api is None:
        yield Hit(where if where.path else impl_at(t, PARACHAIN_SYSTEM), "offset_no_api",
                  found=config, expected=f"RelayParentOffsetApi returning {config}",
                  data={"config": config}, now=True)
    elif config is not None and said is not None and config != said:
        # an API that computes its value (said None) is not compared: never guessed
        at_api = t.facts["relay_parent_offset_api"]
        if config > 0:
            yield Hit(at_api, "offset_mismatch", found=said, expected=config,
                      data={"config": config, "api": said}, now=True)
        else:  # the runtime checks nothing yet: the collator is ahead, as in a staged change
            yield Hit(at_api, "offset_staged", found=said, expected=config,
                      data={"config": config, "api": said}, severity="info")


def _rate(t: TargetFacts) -> Iterator[Hit]:
    velocity = integer(t.value("block_processing_velocity"))
    rate = integer(t.value("target_block_rate_api"))
    if velocity is None or rate is None or rate == velocity:
        return
    slot_based = t.value("authoring") == "slot-based"
    strict = slot_based and t.sdk is not None and t.sdk.at_least("stable2606")
    yield Hit(t.facts["target_block_rate_api"], "rate", found=rate, expected=velocity,
              severity="error" if strict else "warning", now=strict,
              data={"velocity": velocity, "rate": rate, "slot_based": slot_based})


def _collator(t: TargetFacts) -> Iterator[Hit]:
    velocity = integer(t.value("block_processing_velocity"))
    if velocity is None or velocity <= 1 or t.value("authoring") != "lookahead":
        return
    where = t.facts["authoring"]
    yield Hit(where if where.path else t.facts["block_processing_velocity"], "lookahead",
              found="lookahead", expected="slot-based", now=True,
              data={"velocity": velocity, "omni": t.node_dir is None})

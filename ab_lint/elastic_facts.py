"""The elastic-scaling facts read outside a runtime's own code: how its collators author
blocks, and how many cores its local relay gives parachains.

Authoring is the node's collator where the repository has a node crate (its code decides);
for a runtime the omni-node runs, it is the `--authoring` flag in the repository's launch
files (launch.py), and the omni-node's default, lookahead, where none is written
(polkadot-omni-node-lib cli.rs: `default_value_t = AuthoringPolicy::Lookahead`)."""

from __future__ import annotations

from ab_lint.facts import TargetFacts
from ab_lint.launch import LaunchScan
from ab_lint.model import Located, integer
from ab_lint.relay import RelayScan

MODES = {"lookahead": "lookahead", "slot_based": "slot-based"}


def add_facts(targets: list[TargetFacts], relay: RelayScan | None,
              launched: LaunchScan | None) -> None:
    cores = relay_cores(relay)
    for t in targets:
        t.facts["authoring"] = authoring(t, launched)
        t.facts["relay_cores"] = cores


def authoring(t: TargetFacts, launched: LaunchScan | None) -> Located:
    if t.node_dir is not None:
        collator = (t.node_facts or {}).get("collator")
        if collator is None or collator.value not in MODES:
            return Located(None)  # basic, legacy or unknown: no async backing authoring
        return Located(MODES[collator.value], collator.path, collator.line, collator.column)
    flags = launched.flags if launched is not None else []
    # a launch file that asks for slot-based shows where the team is going, if another
    # file still says lookahead
    chosen = next((f for f in flags if f.mode == "slot-based"), flags[0] if flags else None)
    if chosen is None:
        return Located("lookahead")  # the omni-node's default: written nowhere
    return Located(chosen.mode, chosen.path, chosen.line, 1)


def relay_cores(relay: RelayScan | None) -> Located:
    """The most cores a local relay configuration gives (`scheduler_params.num_cores`, or the
    older flat `coretime_cores`); null where no network sets it."""
    best = Located(None)
    for config in relay.configs if relay is not None else []:
        scheduler = config.config.get("scheduler_params")
        written = [("num_cores", scheduler.get("num_cores") if isinstance(scheduler, dict)
                    else None), ("coretime_cores", config.config.get("coretime_cores"))]
        for key, value in written:
            if integer(value) is not None and (best.value is None or value > best.value):
                best = Located(value, config.rel, config.line_of(key), 1)
    return best

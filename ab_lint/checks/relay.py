"""Relay prerequisites in the repository's local networks (AB001-AB002, DOMAIN section 1).

What a relay needs changed with the releases (read in polkadot-sdk's source and prdocs):
- stable2503 (#7254, prdoc stable2503/pr_7254) stopped using the static async_backing_params:
  the relay sizes the chain from the claim queue and the scheduling lookahead, and its own
  rococo-local and westend-local presets set them to 0/0 since;
- the same presets' scheduler lookahead went from 2 to 3 in stable2503 (#7252, "the right value
  after #4880"), so a network patch that leaves `lookahead` out gets 3 from a current relay;
- the host configuration moved the flat `scheduling_lookahead` into `scheduler_params` (the
  struct denies unknown fields).
The relay binary of a local network is named in no file: its release is taken to be the
runtimes' (RelayScan.release).
"""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, repo_check
from ab_lint.model import Located
from ab_lint.relay import HostConfig, RelayScan

# the phase from which a runtime needs its local relay to back asynchronously: phase 3 is
# the activation, and a runtime at phase 2 is the one about to activate
NEEDS_ASYNC_RELAY = 2


def _at(config: HostConfig, key: str) -> Located:
    return Located(None, config.rel, config.line_of(key), 1)


def _since(scan: RelayScan, release: str) -> bool | None:
    return None if scan.release is None else scan.release.at_least(release)


def _sdk(scan: RelayScan) -> str | None:
    return scan.release.name if scan.release is not None else None


@repo_check("AB001")
def async_backing_params(scan: RelayScan) -> Iterator[Hit]:
    claim_queue = _since(scan, "stable2503")
    for config in scan.configs:
        params = config.config.get("async_backing_params")
        if not isinstance(params, dict):
            continue
        depth, ancestry = params.get("max_candidate_depth"), params.get("allowed_ancestry_len")
        if (depth, ancestry) == (3, 2):
            continue
        data = {"file": config.rel, "sdk": _sdk(scan)}
        found = f"{depth}/{ancestry}"
        if claim_queue:
            # no longer read by the relay: whatever is written, even 0/0, works
            yield Hit(_at(config, "async_backing_params"), "not_required", found=found,
                      severity="info", data=data)
            continue
        scheduler = config.config.get("scheduler_params")
        if claim_queue is None and (depth, ancestry) == (0, 0) and isinstance(
                scheduler, dict) and isinstance(scheduler.get("lookahead", 0), int) and (
                scheduler.get("lookahead", 0) >= 2):
            # 0/0 next to a lookahead: the shape of a post-#7254 relay, release unknown
            yield Hit(_at(config, "async_backing_params"), "deprecated", found=found,
                      severity="info", data=data)
        else:
            yield Hit(_at(config, "max_candidate_depth" if depth is not None
                          else "async_backing_params"),
                      "default" if claim_queue is False else "unknown_release", found=found,
                      expected="3/2", data=data)


@repo_check("AB002")
def scheduler_lookahead(scan: RelayScan) -> Iterator[Hit]:
    if not scan.configs:
        where = Located(None, scan.networks[0], 1, 1) if scan.networks else None
        yield Hit(where, "no_config", severity="info", data={"networks": scan.networks})
        return
    needed = scan.phase is not None and scan.phase >= NEEDS_ASYNC_RELAY
    for config in scan.configs:
        cfg = config.config
        scheduler = cfg.get("scheduler_params")
        data = {"file": config.rel, "sdk": _sdk(scan), "phase": scan.phase}
        if isinstance(scheduler, dict) and "scheduling_lookahead" in scheduler:
            yield Hit(_at(config, "scheduling_lookahead"), "wrong_key", severity="error",
                      data=data)
            continue
        if not config.new_format and isinstance(scheduler, dict):
            yield Hit(_at(config, "scheduler_params"), "new_key_old_spec", severity="error",
                      data=data)
            continue
        if "async_backing_params" not in cfg and not isinstance(scheduler, dict):
            # a host configuration from before async backing (no async_backing_params, at most
            # the flat key): a relay the parachain's runtime does not need yet, unless it is
            # at the phase that activates async backing
            if needed:
                yield Hit(_at(config, "scheduling_lookahead" if "scheduling_lookahead" in cfg
                              else "config"), "predates", found=cfg.get("scheduling_lookahead"),
                          expected=3, severity="warning", data=data)
            continue
        flat = "scheduling_lookahead" in cfg
        if flat:
            value, key = cfg.get("scheduling_lookahead"), "scheduling_lookahead"
        else:
            value = scheduler.get("lookahead") if isinstance(scheduler, dict) else None
            key = "lookahead"
        # the flat key of relays before SchedulerParams in a runtimeGenesis spec: right for
        # the relay binary it was exported from, not read by a current one
        data = {**data, "flat": flat and config.new_format}
        if value is None and config.kind != "zombienet" and (
                "async_backing_params" in cfg or isinstance(scheduler, dict)):
            # a chain spec's host configuration is a patch over the runtime's default one (or
            # a full one): SchedulerParams::default() has lookahead 1 (polkadot-primitives v9,
            # 2025-12), whatever the presets say
            yield Hit(_at(config, "scheduler_params" if scheduler else "config"),
                      "implicit_default", found=1, expected=3, severity="warning", data=data)
        elif value is None:
            # zombienet patches the named chain's preset, whose value applies: 3 from
            # stable2503 (#7252), 2 before
            preset = _since(scan, "stable2503")
            if preset is not True and (
                    "async_backing_params" in cfg or isinstance(scheduler, dict)):
                yield Hit(_at(config, "scheduler_params" if scheduler else "config"),
                          "implicit" if preset is False else "implicit_unknown",
                          severity="warning" if preset is False else "info", data=data)
        elif isinstance(value, int) and not isinstance(value, bool) and value < 2:
            yield Hit(_at(config, key), "too_low", found=value, expected=3,
                      severity="error", data=data)
        elif value == 2:
            yield Hit(_at(config, key), "older_guide", found=value, expected=3, data=data)
        elif flat and config.new_format:
            yield Hit(_at(config, key), "old_key", found=value, expected=3,
                      severity="warning", data=data)


# NodeFeatures bits (polkadot-primitives node_features::FeatureIndex)
ELASTIC_SCALING_MVP = 1
CANDIDATE_RECEIPT_V2 = 3


def _bits(features: object) -> set[int] | None:
    """The set bits of a serialised NodeFeatures bitvec (`{"bits": n, "data": [bytes],
    "order": "bitvec::order::Lsb0"}`, as chain specs write it); None for another shape."""
    if not isinstance(features, dict) or not isinstance(features.get("data"), list):
        return None
    if "Msb0" in str(features.get("order", "")):
        return None  # never written by the SDK: not guessed at
    bits = features.get("bits")
    out: set[int] = set()
    for i, byte in enumerate(features["data"]):
        if not isinstance(byte, int) or isinstance(byte, bool):
            return None
        out |= {i * 8 + b for b in range(8) if byte >> b & 1}
    return {b for b in out if not isinstance(bits, int) or b < bits}


@repo_check("AB003")
def node_features(scan: RelayScan) -> Iterator[Hit]:
    """From stable2512 collators build only V2 candidate descriptors (#9443 removed the
    collation-generation switch on the CandidateReceiptV2 node feature), and validators whose
    relay lacks that feature reject each with "Invalid candidate receipt version"
    (collator-protocol validator_side). Read where a network states the relay's features: a
    zombienet patch over a named chain that leaves them out keeps the preset's (rococo-local
    and westend-local set bits 1, 2 and 3); a chain spec's host configuration (a patch over
    the runtime's default, or a full one) without them has none."""
    v2 = _since(scan, "stable2512")
    if v2 is False:
        return
    elastic = scan.velocity is not None and scan.velocity > 1
    for config in scan.configs:
        cfg = config.config
        if not config.new_format:
            continue  # the old genesis.runtime shape belongs to relays long before stable2512
        data = {"file": config.rel, "sdk": _sdk(scan), "velocity": scan.velocity}
        if "max_relay_parent_session_age" in cfg and _since(scan, "stable2603") is not True:
            # HostConfiguration denies unknown fields; the field is not in master of
            # 2025-12-18 (stable2512), DOMAIN-2026 has it from stable2603 (#11231)
            yield Hit(_at(config, "max_relay_parent_session_age"), "unknown_field",
                      severity="error" if scan.release is not None else "warning", data=data)
        if "node_features" in cfg:
            bits = _bits(cfg["node_features"])
            if bits is None:
                continue
        elif config.kind == "zombienet":
            continue  # the named chain's preset applies
        else:
            bits = set()
        missing = [b for b in (CANDIDATE_RECEIPT_V2, ELASTIC_SCALING_MVP if elastic else None)
                   if b is not None and b not in bits]
        if not missing:
            continue
        where = _at(config, "node_features" if "node_features" in cfg else "config")
        found = ", ".join(str(b) for b in sorted(bits)) or "none"
        if CANDIDATE_RECEIPT_V2 in missing:
            yield Hit(where, "no_v2" if v2 else "no_v2_unknown", found=found,
                      expected="bit 3 (CandidateReceiptV2)" + (", bit 1" if elastic else ""),
                      severity="error" if v2 else "warning", now=True, data=data)
        else:
            yield Hit(where, "no_elastic", found=found, expected="bit 1 (ElasticScalingMVP)",
                      severity="warning", data=data)
    if elastic and scan.networks and not any(
            _assigns_cores(c) for c in scan.configs if c.kind == "zombienet"):
        yield Hit(Located(None, scan.networks[0], 1, 1), "one_core", severity="info",
                  data={"file": scan.networks[0], "velocity": scan.velocity,
                        "sdk": _sdk(scan)})


def _assigns_cores(config: HostConfig) -> bool:
    """Whether a network gives the relay more than one core: `num_cores` above 1 in its
    scheduler params, or a core assignment (coretime `assign_core`) it runs."""
    scheduler = config.config.get("scheduler_params")
    cores = scheduler.get("num_cores") if isinstance(scheduler, dict) else None
    if isinstance(cores, int) and not isinstance(cores, bool) and cores > 1:
        return True
    return "assign_core" in config.text

"""Values of constants defined outside the repository, by the crate that defines them.

LABELS.md: a constant from a crate outside the repository counts with its value at the version
Cargo.lock pins. These are stable across the SDK releases parachains use (parachains-common kept
its 12 s block time and 0.5 s block weight from polkadot-v1.0.0 through stable2503); where a crate
changed a value, the entry says so.
"""

from __future__ import annotations

from ab_lint.rust.evaluate import Value, Weight

WEIGHT_REF_TIME_PER_SECOND = 1_000_000_000_000
MAX_POV_SIZE = 5 * 1024 * 1024

# Names defined once in the SDK and re-exported under many paths (frame_support::weights,
# sp_weights, frame_support::weights::constants, polkadot_primitives, ...).
BY_NAME: dict[str, Value] = {
    "WEIGHT_REF_TIME_PER_SECOND": WEIGHT_REF_TIME_PER_SECOND,
    "WEIGHT_REF_TIME_PER_MILLIS": 1_000_000_000,
    "WEIGHT_REF_TIME_PER_MICROS": 1_000_000,
    "WEIGHT_REF_TIME_PER_NANOS": 1_000,
    "WEIGHT_PROOF_SIZE_PER_MB": 1024 * 1024,
    "WEIGHT_PROOF_SIZE_PER_KB": 1024,
    "WEIGHT_PER_SECOND": Weight(WEIGHT_REF_TIME_PER_SECOND, 0),
    "WEIGHT_PER_MILLIS": Weight(1_000_000_000, 0),
    "MAX_POV_SIZE": MAX_POV_SIZE,
}

# Constants of `parachains_common` (polkadot-sdk `cumulus/parachains/common`).
_PARACHAINS_COMMON: dict[str, Value] = {
    "MILLISECS_PER_BLOCK": 12_000,
    "SLOT_DURATION": 12_000,
    "MINUTES": 5,
    "HOURS": 300,
    "DAYS": 7_200,
    "MAXIMUM_BLOCK_WEIGHT": Weight(WEIGHT_REF_TIME_PER_SECOND // 2, MAX_POV_SIZE),
}

BY_CRATE: dict[str, dict[str, Value]] = {
    "parachains_common": _PARACHAINS_COMMON,
}


def external_value(segments: tuple[str, ...]) -> Value | None:
    name = segments[-1]
    crate_table = BY_CRATE.get(segments[0])
    if crate_table is not None and len(segments) == 2 and name in crate_table:
        return crate_table[name]
    return BY_NAME.get(name)

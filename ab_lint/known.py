"""Values of constants defined outside the repository, by the crate path that defines them.

LABELS.md: a constant from a crate outside the repository counts with its value at the version
Cargo.lock pins. Names defined once in the SDK and re-exported under many paths are here by
name; module constants (`parachains_common::SLOT_DURATION`,
`testnet_parachains_constants::westend::consensus::UNINCLUDED_SEGMENT_CAPACITY`) come from
`data/sdk_constants.toml`, by module path and release.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import rtoml

from ab_lint.rust.evaluate import Value, Weight
from ab_lint.sdk import release_key

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


@cache
def _modules() -> dict[str, list[tuple[tuple[int, int] | None, tuple[int, int] | None,
                                       dict[str, Value]]]]:
    """Module path -> [(since, until, values)], oldest first."""
    text = resources.files("ab_lint.data").joinpath("sdk_constants.toml").read_text("utf-8")
    table: dict[str, list] = {}
    for entry in rtoml.loads(text)["module"]:
        paths = entry["path"] if isinstance(entry["path"], list) else [entry["path"]]
        values = {k: Weight(*v) if isinstance(v, list) else v for k, v in entry["values"].items()}
        row = (release_key(entry["since"]), release_key(entry["until"]) if "until" in entry
               else None, values)
        for path in paths:
            table.setdefault(path, []).append(row)
    for rows in table.values():
        rows.sort(key=lambda r: r[0] or (0, 0))
    return table


def module_values(module: str, release: str | None) -> dict[str, Value] | None:
    """The constants of an SDK module at `release` (unknown release: the newest values)."""
    rows = _modules().get(module)
    if not rows:
        return None
    key = release_key(release) if release else None
    if key is None:
        return rows[-1][2]
    chosen = None
    for since, until, values in rows:
        if (since is None or since <= key) and (until is None or key < until):
            chosen = values
    return chosen


def external_value(segments: tuple[str, ...], release: str | None = None) -> Value | None:
    name = segments[-1]
    if len(segments) >= 2:
        values = module_values("::".join(segments[:-1]), release)
        if values is not None and name in values:
            return values[name]
    return BY_NAME.get(name)

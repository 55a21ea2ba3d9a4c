#!/usr/bin/env python3
"""Regenerate ab_lint/data/sdk_releases.json, the polkadot-sdk release table ab_lint/sdk.py reads.

The table maps the crates.io versions of a few anchor crates (cumulus-pallet-parachain-system,
frame-support, ...) to the polkadot-sdk release that published them, so a Cargo.lock that pins
crates.io versions (and names no release) can still be dated. Nothing here is guessed from a
version pattern: every entry comes from one of these sources, each named in the output.

1. paritytech/psvm: `src/versions/release-crates-io-v1.N.0.json`, the crate versions of each 1.x
   release as the release team published them (v1.3 to v1.10; later psvm reads them from GitHub).
2. paritytech/release-registry: `releases-v1.json`, the stable release lines and their dates.
   A YYMM that is not a stable line there (2507, 2604) is an unstable release.
3. Cargo.lock files of real repositories at commits whose message names the release they moved to
   ("Update to SDK 1.13", "Bump to `stable2503`", an umbrella `polkadot-sdk = "2604.2.0"`). Only
   crates.io entries count, and only crates pinned at a single version in that lock, so a stale
   transitive copy cannot attach an old version to a new release.

Where one anchor version was published unchanged with two releases, the entry lists both: the
reader then lets the other anchors decide.

usage: scripts/build_sdk_releases.py [--mirrors DIR] [--out FILE]
The repositories are read from bare git copies at DIR/OWNER+NAME/repo (default /work/.mirror),
as `fetch github:OWNER/NAME` leaves them.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ANCHORS = (
    "cumulus-pallet-parachain-system",
    "cumulus-primitives-core",
    "frame-support",
    "frame-system",
    "frame-executive",
    "sp-runtime",
    "sp-api",
    "sp-io",
    "polkadot-primitives",
    "staging-xcm",
    "pallet-balances",
    "polkadot-sdk",
)

# Commits whose message names the release their Cargo.lock moved to (source 3). Each row:
# repository, commit, release, the commit subject that names it.
SNAPSHOTS: tuple[tuple[str, str, str, str], ...] = (
    ("polkadot-fellows/runtimes", "dcb9f628d", "polkadot-v1.1",
     "Import Runtimes from Polkadot-SDK `v1.1.0-rc2` (#28)"),
    ("polkadot-fellows/runtimes", "bdcd03911", "polkadot-v1.2", "upgrade to v1.2 (#56)"),
    ("polkadot-fellows/runtimes", "4e4da08507", "polkadot-v1.3", "Upgrade from v1.2 to v1.3 (#87)"),
    ("encointer/encointer-parachain", "45986da1c9", "polkadot-v1.11",
     "Ab/polkadot sdk v1.11 (#223)"),
    ("UniqueNetwork/unique-chain", "13545dd79a", "polkadot-v1.12", "update to polkadot 1.12"),
    ("paritytech/polkadot-sdk-parachain-template", "cc45bca", "polkadot-v1.13",
     "Update to 1.13.0 triggered by workflow_dispatch"),
    ("polkadot-fellows/runtimes", "c5080e433", "polkadot-v1.13", "Update to SDK 1.13 (#322)"),
    ("paritytech/polkadot-sdk-parachain-template", "c326ddb", "polkadot-v1.14",
     "Update to 1.14.0 triggered by workflow_dispatch"),
    ("polkadot-fellows/runtimes", "9d9f1649a", "polkadot-v1.14", "Update to SDK 1.14 (#381)"),
    ("paritytech/polkadot-sdk-parachain-template", "1f5af25", "stable2407",
     "Update to stable2407 triggered by workflow_dispatch"),
    ("paritytech/polkadot-sdk-parachain-template", "ecaf71d", "stable2409",
     "Update the parachain template to stable2409 (#20)"),
    ("polkadot-fellows/runtimes", "a6ee868235", "stable2409",
     "chore(Cargo): update to `stable2409-1`"),
    ("paritytech/polkadot-sdk-parachain-template", "ba81070", "stable2412",
     "Update the parachain template to stable2412 (#26)"),
    ("polkadot-fellows/runtimes", "aec53763f", "stable2412",
     "Upgrade polkadot sdk to `stable2412-4` (#606)"),
    ("paritytech/polkadot-sdk-parachain-template", "0450f1e", "stable2503",
     "Update the parachain template to stable2503 (#32)"),
    ("polkadot-fellows/runtimes", "34ecb9496", "stable2503", "Bump to `stable2503` (#711)"),
    ("virto-network/kreivo", "89a23a4", "stable2503", "feat: Bump to `stable2503` (#457)"),
    ("polkadot-fellows/runtimes", "d6c5bd34c", "stable2506",
     "Upgrade to Polkadot-SDK `stable2506` (#817)"),
    ("virto-network/kreivo", "d54fc34", "stable2506", "chore: update to `stable2506` ..."),
    ("polkadot-fellows/runtimes", "0ebfddf3c", "unstable2507",
     "Upgrade to Polkadot-SDK `unstable2507` (#849)"),
    ("polkadot-fellows/runtimes", "fe847b9b4c", "unstable2507",
     "Update pallet-xcm to 22.0.1 (latest unstable2507) (#880)"),
    ("polkadot-fellows/runtimes", "f56d87dff", "unstable2507", "Upgrade to unstable2507 (#1029)"),
    ("virto-network/kreivo", "15f9aca", "stable2509", "feat: migration to `stable2509` (#468)"),
    ("polkadot-fellows/runtimes", "52e1148721", "stable2512",
     "Updated Cargo.toml/lock to match polkadot-stable2512-1-rc1 (#1059)"),
    ("polytope-labs/hyperbridge", "00517f65b", "stable2512", "update polkadot-sdk to v2512 (#647)"),
    ("polkadot-fellows/runtimes", "bfde82d05c", "stable2603", "Use proper 2603 release"),
    ("polkadot-fellows/runtimes", "09e69fc0a9", "unstable2604",
     "Update encointer deps to unstable2604 and re-enable encointer (#1162)"),
    ("polkadot-fellows/runtimes", "1fb092fd78", "unstable2604", "Integrate SDK 2604 (#1159)"),
    ("polytope-labs/hyperbridge", "c7cdb3ce2", "unstable2604",
     "polkadot 2604 upgrade (umbrella polkadot-sdk 2604.2.0)"),
    ("polkadot-fellows/runtimes", "93beb6b221", "stable2606", "Update Cargo.lock for stable2606"),
    ("polytope-labs/hyperbridge", "eb6547134", "stable2606", "polkadot 2606.0.0 upgrade (#1062)"),
)

_ENTRY = re.compile(r'^name = "([^"]+)"\nversion = "([^"]+)"(?:\nsource = "([^"]*)")?', re.M)


def git(mirror: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(mirror), *args], check=True,
                          capture_output=True, text=True).stdout


def compat(version: str) -> str | None:
    """The semver-compatible part: "0.N" for 0.x crates, "M" otherwise (as Cargo resolves)."""
    parts = version.split("-")[0].split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return f"0.{int(parts[1])}" if parts[0] == "0" else str(int(parts[0]))


def psvm_sets(mirror: Path) -> list[tuple[str, dict[str, str], str]]:
    """Newest stored content of every psvm release-crates-io-v1.N.0.json (source 1)."""
    seen: dict[str, tuple[str, str]] = {}
    for commit in git(mirror, "log", "--all", "--format=%H", "--", "src/versions").split():
        # commits that deleted the folder list nothing: the files before them still count
        listing = git(mirror, "ls-tree", "--name-only", commit, "src/versions/").split()
        for name in (path.rsplit("/", 1)[-1] for path in listing):
            if name.startswith("release-crates-io-v1.") and name not in seen:
                seen[name] = (commit, git(mirror, "show", f"{commit}:src/versions/{name}"))
    out = []
    for name, (commit, text) in seen.items():
        minor = re.search(r"v1\.(\d+)\.0", name)
        if minor is None:
            continue
        crates = json.loads(text)
        out.append((f"polkadot-v1.{minor.group(1)}", crates,
                    f"paritytech/psvm@{commit[:10]}:src/versions/{name}"))
    return out


def lock_set(mirror: Path, commit: str) -> dict[str, str]:
    """Anchor crates the commit's Cargo.lock holds once, from crates.io.

    A second copy (another version, or a git fork of the SDK beside a stale crates.io copy some
    dependency pulls in) makes the crate ambiguous, so it is left out. The umbrella crate counts
    only where the root manifest depends on it: other crates pull in old umbrella versions.
    """
    found: dict[str, list[tuple[str, str]]] = {}
    for m in _ENTRY.finditer(git(mirror, "show", f"{commit}:Cargo.lock")):
        if m.group(1) in ANCHORS:
            found.setdefault(m.group(1), []).append((m.group(2), m.group(3) or ""))
    out = {name: entries[0][0] for name, entries in found.items()
           if len(entries) == 1 and entries[0][1].startswith("registry+")}
    manifest = git(mirror, "show", f"{commit}:Cargo.toml")
    if "polkadot-sdk" in out and not re.search(r"^polkadot-sdk\s*=", manifest, re.M):
        del out["polkadot-sdk"]
    return out


def stable_lines(mirror: Path) -> tuple[list[str], str]:
    commit = git(mirror, "log", "-1", "--format=%H", "--", "releases-v1.json").strip()
    data = json.loads(git(mirror, "show", f"{commit}:releases-v1.json"))["Polkadot SDK"]
    lines = [release["name"] for release in data["releases"]]
    return lines, f"paritytech/release-registry@{commit[:10]}:releases-v1.json"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "ab_lint/data/sdk_releases.json")
    args = ap.parse_args(argv)
    mirror = lambda repo: args.mirrors / repo.replace("/", "+") / "repo"  # noqa: E731

    lines, registry_source = stable_lines(mirror("paritytech/release-registry"))
    stable = set(lines)
    sources: list[str] = [registry_source]
    sets: list[tuple[str, dict[str, str], int]] = []
    for release, crates, where in psvm_sets(mirror("paritytech/psvm")):
        sources.append(where)
        sets.append((release, crates, len(sources) - 1))
    problems = []
    for repo, commit, release, subject in SNAPSHOTS:
        full = git(mirror(repo), "rev-parse", commit).strip()
        crates = lock_set(mirror(repo), full)
        umbrella = crates.get("polkadot-sdk", "")
        if re.fullmatch(r"\d{4}\.\d+\.\d+", umbrella):
            # the umbrella's YYMM must agree with the release the commit message names
            named = ("stable" if f"stable{umbrella[:4]}" in stable else "unstable") + umbrella[:4]
            if named != release:
                problems.append(f"{repo}@{commit}: umbrella {umbrella} is not {release}")
        if not crates:
            problems.append(f"{repo}@{commit}: no anchor crate from crates.io in Cargo.lock")
        sources.append(f"{repo}@{full[:10]}:Cargo.lock ({subject})")
        sets.append((release, crates, len(sources) - 1))

    anchors: dict[str, dict[str, list[list[str | int]]]] = {a: {} for a in ANCHORS}
    for release, crates, source in sets:
        for name in ANCHORS:
            version = crates.get(name)
            key = compat(version) if version else None
            if key is None or (name == "polkadot-sdk" and not key.startswith("0.")):
                continue  # a YYMM umbrella names its release itself
            row = anchors[name].setdefault(key, [])
            for entry in row:
                if entry[0] == release:
                    if source not in entry[1:]:
                        entry.append(source)
                    break
            else:
                row.append([release, source])
    for name, table in anchors.items():
        for key, row in table.items():
            if len(row) > 1:
                print(f"note: {name} {key} was published with {[r[0] for r in row]}",
                      file=sys.stderr)
    data = {
        "_comment": [
            "polkadot-sdk releases and the crates.io versions of anchor crates they published.",
            "Generated by scripts/build_sdk_releases.py; do not edit by hand, add a source there.",
            "anchors: crate -> semver-compatible version ('0.N' or 'M') -> [[release, source "
            "index, ...], ...]; two releases in one row: the version shipped unchanged in both.",
            "sources: index -> the file each entry was read from (repository@commit:path).",
            "stable_lines: polkadot-stableYYMM lines from the release registry; any other YYMM "
            "of the umbrella crate polkadot-sdk (2507, 2604) is an unstable release.",
        ],
        "stable_lines": lines,
        "anchors": {name: dict(sorted(table.items(), key=lambda kv: _order(kv[0])))
                    for name, table in anchors.items() if table},
        "sources": sources,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    print(f"wrote {args.out}: {sum(len(t) for t in anchors.values())} entries "
          f"from {len(sources)} sources", file=sys.stderr)
    return 1 if problems else 0


def _order(key: str) -> tuple[int, ...]:
    return tuple(int(p) for p in key.split("."))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The polkadot-sdk release a workspace is pinned to, read from its Cargo.lock.

Rules whose truth depends on the SDK (the guide's phase-1 staging values stall stable2512-era
collators; 2023 releases predate working async backing) read it from here. Cargo.lock is scanned
as text: it can be megabytes, and only a handful of entries matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ENTRY = re.compile(
    r'^name = "(?P<name>cumulus-client-consensus-aura|cumulus-pallet-parachain-system|'
    r'polkadot-sdk)"\nversion = "(?P<version>[^"]+)"(?:\nsource = "(?P<source>[^"]*)")?',
    re.MULTILINE)
_GIT_REF = re.compile(r"[?&](?:branch|tag)=([^#&]+)")
_V1 = re.compile(r"polkadot-v1\.(\d+)(?:\.(\d+))?")
_STABLE = re.compile(r"stable(\d{4})")


@dataclass(frozen=True)
class SdkRelease:
    name: str  # "polkadot-v1.7.2", "stable2503", or "cumulus-pallet-parachain-system 0.18.1"
    key: tuple[int, int] | None  # sortable: (1, minor) for polkadot-v1.x, (2, YYMM) for stable
    path: Path
    line: int

    def at_least(self, release: str) -> bool:
        other = release_key(release)
        return self.key is not None and other is not None and self.key >= other

    def older_than(self, release: str) -> bool:
        other = release_key(release)
        return self.key is not None and other is not None and self.key < other


def release_key(name: str) -> tuple[int, int] | None:
    if m := _STABLE.search(name):
        return (2, int(m.group(1)))
    if m := _V1.search(name):
        return (1, int(m.group(1)))
    return None


def read_release(workspace_root: Path) -> SdkRelease | None:
    lock = workspace_root / "Cargo.lock"
    try:
        text = lock.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    best: SdkRelease | None = None
    for m in _ENTRY.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        name, version, source = m.group("name"), m.group("version"), m.group("source") or ""
        release = _release(name, version, source)
        if release is None:
            continue
        candidate = SdkRelease(release[0], release[1], lock, line)
        if best is None or (candidate.key is not None and best.key is None):
            best = candidate
    return best


def _release(name: str, version: str, source: str) -> tuple[str, tuple[int, int] | None] | None:
    if source.startswith("git+"):
        ref = _GIT_REF.search(source)
        if ref:
            label = ref.group(1)
            return label, release_key(label)
        return f"{name} {version} (git)", None
    if name == "polkadot-sdk":
        major = version.split(".")[0]
        if len(major) == 4 and major.isdigit():  # the umbrella crate is versioned YYMM.x.y
            return f"stable{major}", (2, int(major))
        return None
    # crates.io: cumulus crates 0.N.x were published with polkadot-v1.N (N <= 13)
    parts = version.split(".")
    if name == "cumulus-pallet-parachain-system" and parts[0] == "0" and parts[1].isdigit():
        minor = int(parts[1])
        if minor <= 13:
            return f"polkadot-v1.{minor} ({name} {version})", (1, minor)
        return f"{name} {version} (a 2024 or later stable release)", None
    return None

"""Benchmark ab-lint: in-process lint vs bare tree-sitter parse, CLI wall time, synthetic scaling.

Usage: PYTHONPATH=. python benchmarks/bench.py [--repeat N] [--corpus DIR...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ab_lint.diagnostics import Diagnostics  # noqa: E402
from ab_lint.discover import discover  # noqa: E402
from ab_lint.facts import TargetFacts, collect, target_facts  # noqa: E402
from ab_lint.loader import Loader  # noqa: E402
from ab_lint.rust.parse import _PARSER  # noqa: E402

T = TypeVar("T")
CLI_BUDGET_S, SYNTH_BUDGET_S = 0.5, 2.0
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def median_ms(fn: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Median wall time of `fn` in ms over `repeat` calls, and the last result."""
    times: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def lint(path: Path, disc_ms: list[float] | None = None) -> list[TargetFacts]:
    """discover + collect on fresh objects, as the CLI does; appends the discover time."""
    t0 = time.perf_counter()
    ws = discover(path, Diagnostics(path.resolve()))
    if disc_ms is not None:
        disc_ms.append((time.perf_counter() - t0) * 1000)
    return collect(ws)


def files_parsed(path: Path) -> list[Path]:
    """The Rust files ab-lint actually read and parsed for `path`."""
    parsed: list[Path] = []
    for ws in discover(path, Diagnostics(path.resolve())):
        loader = Loader(ws)
        for t in ws.targets:
            target_facts(loader, ws, t)
        parsed += [p for p, f in loader.program.files.items() if f is not None and f.parsed]
    return sorted(parsed)


def bare_parse(files: list[Path]) -> int:
    total = 0
    for p in files:
        data = p.read_bytes()
        _PARSER.parse(data)
        total += len(data)
    return total


def cli_once(*args: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "ab_lint", *args], capture_output=True,
                          text=True, env=ENV, check=False)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"ab-lint exit {proc.returncode}: {proc.stderr.strip()[-300:]}")


def trees(corpus: list[Path]) -> list[tuple[str, Path]]:
    out: list[tuple[str, Path]] = []
    fixtures = ROOT / "fixtures"
    if not fixtures.is_dir():
        print(f"note: skipping fixtures: {fixtures} is not a directory")
    for d in sorted(fixtures.iterdir()) if fixtures.is_dir() else []:
        if not d.is_dir() or d.name == "not-a-parachain":
            continue
        try:
            if "error" in json.loads((d / "expected.json").read_text()):
                continue
        except (OSError, ValueError):
            pass
        out.append((f"fx/{d.name}", d))
    for d in corpus:
        if d.is_dir():
            out.append((f"corpus/{d.name}", d))
        else:
            print(f"note: skipping {d}: not a directory")
    return out


@dataclass
class Row:
    files: int
    nbytes: int
    targets: int
    disc_ms: float
    lint_ms: float
    parse_ms: float
    cli_ms: float


def bench_tree(path: Path, repeat: int) -> Row:
    files = files_parsed(path)
    disc: list[float] = []
    lint_ms, targets = median_ms(lambda: lint(path, disc), repeat)
    parse_ms, nbytes = median_ms(lambda: bare_parse(files), repeat)
    cli_ms, _ = median_ms(lambda: cli_once(str(path), "--format", "json"), repeat)
    return Row(len(files), nbytes, len(targets), statistics.median(disc), lint_ms, parse_ms,
               cli_ms)


def bench_trees(corpus: list[Path], repeat: int) -> None:
    todo = trees(corpus)
    head = (f"{'tree':<30} {'files':>5} {'KiB':>7} {'tgt':>3} {'disc ms':>8} {'lint ms':>8} "
            f"{'parse ms':>8} {'lint/parse':>10} {'cli ms':>7}  cli<{CLI_BUDGET_S}s")
    print(head + "\n" + "-" * len(head))
    for name, path in todo:
        try:
            r = bench_tree(path, repeat)
        except Exception as e:  # a benchmark reports a failing tree, it does not crash
            print(f"{name:<30} ERROR {type(e).__name__}: {e}", flush=True)
            continue
        ratio = r.lint_ms / r.parse_ms if r.parse_ms else float("inf")
        print(f"{name:<30} {r.files:>5} {r.nbytes / 1024:>7.1f} {r.targets:>3} "
              f"{r.disc_ms:>8.1f} {r.lint_ms:>8.1f} {r.parse_ms:>8.1f} {ratio:>8.2f}"
              f"{' *' if ratio > 1.5 else '  '} {r.cli_ms:>7.1f}  "
              f"{'yes' if r.cli_ms / 1000 < CLI_BUDGET_S else 'NO'}", flush=True)
    print("* lint/parse above 1.5.  disc = discover (manifests + source bytes); lint = discover"
          " + collect;\n  parse = read + tree-sitter parse of the same files; cli = whole process")


# -- synthetic workspace: N Aura runtimes and one node crate depending on all of them ---------
RUNTIME_DEPS = ("frame-support", "frame-system", "frame-executive", "pallet-aura",
                "pallet-timestamp", "sp-api", "sp-consensus-aura", "cumulus-pallet-aura-ext",
                "cumulus-pallet-parachain-system", "cumulus-primitives-aura")
RUNTIME_TOML = ('[package]\nname = "r{i:02d}-runtime"\nversion = "1.0.0"\nedition = "2021"\n\n'
                "[dependencies]\n"
                + "".join(f'{d} = {{{{ version = "1.0.0", default-features = false }}}}\n'
                          for d in RUNTIME_DEPS)
                + '\n[features]\ndefault = ["std"]\nstd = ['
                + ", ".join(f'"{d}/std"' for d in RUNTIME_DEPS) + "]\n")
RUNTIME_LIB = """//! Synthetic runtime {i:02d}.
#![cfg_attr(not(feature = "std"), no_std)]
use cumulus_pallet_parachain_system::RelayNumberMonotonicallyIncreases;
use frame_support::{{construct_runtime, traits::{{ConstBool, ConstU32, ConstU64}}}};
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
pub const MILLISECS_PER_BLOCK: u64 = 6000;
pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;
const UNINCLUDED_SEGMENT_CAPACITY: u32 = {cap};
const BLOCK_PROCESSING_VELOCITY: u32 = 1;
const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = 6000;
type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<
    Runtime, RELAY_CHAIN_SLOT_DURATION_MILLIS, BLOCK_PROCESSING_VELOCITY,
    UNINCLUDED_SEGMENT_CAPACITY>;
impl cumulus_pallet_parachain_system::Config for Runtime {{
    type RuntimeEvent = RuntimeEvent;
    type CheckAssociatedRelayNumber = RelayNumberMonotonicallyIncreases;
    type ConsensusHook = ConsensusHook;
}}
impl pallet_aura::Config for Runtime {{
    type AuthorityId = AuraId;
    type MaxAuthorities = ConstU32<100>;
    type AllowMultipleBlocksPerSlot = ConstBool<true>;
    type SlotDuration = ConstU64<SLOT_DURATION>;
}}
impl pallet_timestamp::Config for Runtime {{
    type Moment = u64;
    type OnTimestampSet = Aura;
    type MinimumPeriod = ConstU64<0>;
}}
construct_runtime!(
    pub enum Runtime {{
        System: frame_system = 0,
        ParachainSystem: cumulus_pallet_parachain_system = 1,
        Timestamp: pallet_timestamp = 2,
        Aura: pallet_aura = 23,
        AuraExt: cumulus_pallet_aura_ext = 24,
    }}
);
impl_runtime_apis! {{
    impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {{
        fn slot_duration() -> sp_consensus_aura::SlotDuration {{
            sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
        }}
        fn authorities() -> Vec<AuraId> {{ pallet_aura::Authorities::<Runtime>::get().into() }}
    }}
    impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {{
        fn can_build_upon(included_hash: Hash, slot: cumulus_primitives_aura::Slot) -> bool {{
            ConsensusHook::can_build_upon(included_hash, slot)
        }}
    }}
}}
cumulus_pallet_parachain_system::register_validate_block! {{
    Runtime = Runtime,
    BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}}
"""
SERVICE = """//! Synthetic collator service.
use std::time::Duration;
use cumulus_client_consensus_aura::collators::lookahead::{{self as aura, Params as AuraParams}};
{uses}
pub fn start_consensus(client: Client, backend: Backend, keystore: KeystorePtr) {{
    let client_for_hash = client.clone();
    let params = AuraParams {{
        create_inherent_data_providers: move |_, ()| async move {{ Ok(()) }},
        para_client: client.clone(),
        para_backend: backend,
        code_hash_provider: move |h| client_for_hash.code_at(h).ok().map(|c| c.hash()),
        keystore,
        authoring_duration: Duration::from_millis(2000),
        reinitialize: false,
    }};
    let fut = aura::run::<Block, AuthorityPair, _, _, _, _, _, _, _, _>(params);
    spawn(fut);
}}
"""


def generate(root: Path, n: int) -> None:
    members = [f"runtimes/r{i:02d}" for i in range(n)]
    (root / "Cargo.toml").write_text('[workspace]\nresolver = "2"\nmembers = ["node", '
                                     + ", ".join(f'"{m}"' for m in members) + "]\n")
    for i, m in enumerate(members):
        (root / m / "src").mkdir(parents=True)
        (root / m / "Cargo.toml").write_text(RUNTIME_TOML.format(i=i))
        (root / m / "src/lib.rs").write_text(RUNTIME_LIB.format(i=i, cap=2 + i % 3))
    (root / "node/src").mkdir(parents=True)
    deps = "".join(f'r{i:02d}-runtime = {{ path = "../{m}" }}\n' for i, m in enumerate(members))
    (root / "node/Cargo.toml").write_text(
        '[package]\nname = "synth-node"\nversion = "1.0.0"\nedition = "2021"\n\n[dependencies]\n'
        'cumulus-client-consensus-aura = "0.18.0"\nsc-service = "0.46.0"\n' + deps)
    (root / "node/src/main.rs").write_text("mod service;\n\nfn main() {}\n")
    uses = "".join(f"use r{i:02d}_runtime::RuntimeApi as R{i:02d}Api;\n" for i in range(n))
    (root / "node/src/service.rs").write_text(SERVICE.format(uses=uses))


def bench_synthetic(repeat: int, sizes: tuple[int, ...] = (10, 20, 30)) -> None:
    print(f"\nSynthetic workspaces: N Aura runtimes + 1 node (median of {repeat}); "
          "slope = extra ms per added runtime")
    print(f"{'N':>3} {'lint ms':>8} {'ms/rt':>6} {'slope':>6} {'cli ms':>7} {'ms/rt':>6} "
          f"{'slope':>6}  {'phases':<10} cli<{SYNTH_BUDGET_S}s")
    prev: tuple[int, float, float] | None = None
    for n in sizes:
        try:
            with tempfile.TemporaryDirectory(prefix=f"ab-synth-{n}-") as tmp:
                generate(Path(tmp), n)
                lint_ms, targets = median_ms(lambda t=tmp: lint(Path(t)), repeat)
                cli_ms, _ = median_ms(lambda t=tmp: cli_once(t, "--format", "json"), repeat)
        except Exception as e:  # report, do not crash
            print(f"{n:>3} ERROR {type(e).__name__}: {e}", flush=True)
            continue
        phases = " ".join(f"p{p}:{c}" for p, c in Counter(t.phase for t in targets).items())
        dn = n - prev[0] if prev else 0
        ls = (lint_ms - prev[1]) / dn if prev else float("nan")
        cs = (cli_ms - prev[2]) / dn if prev else float("nan")
        prev = (n, lint_ms, cli_ms)
        print(f"{n:>3} {lint_ms:>8.1f} {lint_ms / n:>6.2f} {ls:>6.2f} {cli_ms:>7.1f} "
              f"{cli_ms / n:>6.2f} {cs:>6.2f}  {phases:<10} "
              f"{'yes' if cli_ms / 1000 < SYNTH_BUDGET_S else 'NO'}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="repeats per measurement (median)")
    ap.add_argument("--corpus", nargs="*", type=Path, default=None,
                    help="real repositories to lint (default: every dir under /tmp/ab-corpus)")
    args = ap.parse_args()
    repeat = max(1, args.repeat)
    corpus: list[Path] = args.corpus if args.corpus is not None else []
    default = Path("/tmp/ab-corpus")
    if args.corpus is None and default.is_dir():
        corpus = sorted(p for p in default.iterdir() if p.is_dir())
    elif args.corpus is None:
        print(f"note: {default} does not exist; fixtures only")
    started = time.perf_counter()
    print(f"ab-lint benchmark, median of {repeat}, python {sys.version.split()[0]}")
    floor_ms, _ = median_ms(lambda: cli_once("--version"), repeat)
    print(f"process floor (`python -m ab_lint --version`, imports only): {floor_ms:.1f} ms\n")
    bench_trees(corpus, repeat)
    bench_synthetic(repeat)
    print(f"\ntotal benchmark time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

"""Hostile values in every place a fact is read from: never a traceback, a hang or a blowup.

The byte-mangling fuzz test (test_fuzz.py) rarely writes a well-formed constant that is absurd;
these generate them: integers beyond every Rust type, `pow` and shifts that explode, deep
nesting, Durations and Weights where a count is expected, cycles of constants and of type
aliases. The long profile (conftest) runs thousands.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shapes import workspace

from conftest import ROOT, run

EXAMPLES = max(120, settings.default.max_examples)  # the long profile runs thousands
INT_FACTS = ("unincluded_segment_capacity", "block_processing_velocity",
             "relay_chain_slot_duration_millis", "millisecs_per_block", "slot_duration",
             "minimum_period_ms", "max_block_ref_time_ms")

ATOMS = st.one_of(
    st.integers(-(2**140), 2**140).map(str),
    st.integers(0, 2**64).map(lambda n: f"{n}u{st_bits(n)}"),
    st.sampled_from([
        "0", "1", "6000", "-1", "u64::MAX", "u128::MAX", "i128::MIN", '"six"', "'x'", "true",
        "false", "1e9", "6.0", "Duration::from_millis(6000)", "Duration::from_secs(6)",
        "Weight::from_parts(1, 2)", "Perbill::from_percent(75)", "A", "B", "SLOT_DURATION",
        "MILLISECS_PER_BLOCK", "WEIGHT_REF_TIME_PER_SECOND", "X::get()", "Self::get()",
        "[1; 3]", "(1, 2)", "&6000", "*6000", "|| 6000", "None", "Some(6000)",
        "9" * 60, "0x" + "f" * 40, "0b" + "1" * 200, "u32::MAX + 1",
    ]),
)


def st_bits(n: int) -> int:
    return next(b for b in (8, 16, 32, 64, 128) if n < 2**b)


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^",
                                          "==", "<", "&&"]), inner).map(" ".join),
        st.tuples(inner, st.sampled_from([
            ".pow", ".saturating_pow", ".checked_pow", ".saturating_mul", ".saturating_div",
            ".saturating_sub", ".min", ".max", ".checked_div"]), inner).map(
            lambda t: f"({t[0]}){t[1]}({t[2]})"),
        st.tuples(inner, st.sampled_from(["u8", "u32", "u64", "u128", "i8", "f64", "bool",
                                          "BlockNumber"])).map(lambda t: f"({t[0]}) as {t[1]}"),
        inner.map(lambda e: f"({e})"), inner.map(lambda e: f"{{ {e} }}"),
        inner.map(lambda e: f"-{e}"), inner.map(lambda e: f"!{e}"),
        inner.map(lambda e: f"({e}).unwrap()"), inner.map(lambda e: f"({e}).ref_time()"),
        st.tuples(st.integers(1, 4000), inner).map(lambda t: "(" * t[0] + t[1] + ")" * t[0]),
        st.tuples(st.integers(1, 4000), inner).map(lambda t: "- " * t[0] + t[1]),
    )


EXPRESSIONS = st.recursive(ATOMS, _compound, max_leaves=6)
TYPES = st.one_of(
    EXPRESSIONS.map(lambda e: f"ConstU64<{{ {e} }}>"),
    EXPRESSIONS.map(lambda e: f"ConstBool<{{ {e} }}>"),
    st.sampled_from(["()", "X", "Y", "Self", "<T as Get<u64>>::Type", "[u8; 4]", "fn() -> u64",
                     "&'static str", "ConstU64", "ConstU64<>", "ConstU64<1, 2>", "Box<dyn Get>",
                     "MinimumPeriodTimesTwo<Runtime>", "_"]),
)

# Where facts are read from; {e} an expression, {t} a type.
POSITIONS = {
    "block time": "pub const MILLISECS_PER_BLOCK: u64 = {e};\n"
                  "pub const SLOT_DURATION: u64 = MILLISECS_PER_BLOCK;\n",
    "time constants": "pub const SLOT_DURATION: u64 = {e};\n"
                      "pub const MINUTES: u32 = 60_000 / (SLOT_DURATION as u32);\n"
                      "pub const HOURS: u32 = MINUTES * 60;\n",
    "hook": "pub const RELAY_CHAIN_SLOT_DURATION_MILLIS: u32 = {e};\n"
            "pub const BLOCK_PROCESSING_VELOCITY: u32 = {e};\n"
            "pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = {e};\n"
            "impl cumulus_pallet_parachain_system::Config for Runtime {{\n"
            "    type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook<\n"
            "        Runtime, RELAY_CHAIN_SLOT_DURATION_MILLIS, BLOCK_PROCESSING_VELOCITY,\n"
            "        UNINCLUDED_SEGMENT_CAPACITY>;\n    type RelayParentOffset = {t};\n}}\n",
    "hook arguments": "impl cumulus_pallet_parachain_system::Config for Runtime {{\n"
                      "    type ConsensusHook = cumulus_pallet_aura_ext::FixedVelocityConsensusHook"
                      "<Runtime, {{ {e} }}, {{ {e} }}, {{ {e} }}>;\n}}\n",
    "minimum period": "impl pallet_timestamp::Config for Runtime {{ type MinimumPeriod = {t}; }}\n"
                      "type X = Y;\ntype Y = {t};\n",
    "aura": "impl pallet_aura::Config for Runtime {{\n    type SlotDuration = {t};\n"
            "    type AllowMultipleBlocksPerSlot = {t};\n}}\n",
    "weight": "pub const MAXIMUM_BLOCK_WEIGHT: Weight = Weight::from_parts(\n"
              "    WEIGHT_REF_TIME_PER_SECOND.saturating_mul({e}), {e});\n",
    "parameter types": "parameter_types! {{ pub const MinimumPeriodValue: u64 = {e}; }}\n"
                       "impl pallet_timestamp::Config for Runtime {{\n"
                       "    type MinimumPeriod = MinimumPeriodValue;\n}}\n",
    "getter": "pub struct X;\nimpl Get<u64> for X {{ fn get() -> u64 {{ {e} }} }}\n"
              "impl pallet_timestamp::Config for Runtime {{ type MinimumPeriod = X; }}\n",
}
# constants the expressions may name, some of them in a cycle
NEIGHBOURS = ("pub const A: u64 = B;\npub const B: u64 = {e};\n"
              "impl pallet_aura::Config for Runtime {{}}\n")


@st.composite
def runtimes(draw: st.DrawFn) -> str:
    position = draw(st.sampled_from(sorted(POSITIONS)))
    lib = POSITIONS[position].format(e=draw(EXPRESSIONS), t=draw(TYPES))
    return lib + NEIGHBOURS.format(e=draw(EXPRESSIONS))


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(runtimes())
def test_hostile_values_give_a_report(lib: str) -> None:
    with tempfile.TemporaryDirectory(prefix="ab-lint-values-") as tmp:
        result = run("--format", "json", "--exit-zero", "-j", "1",
                     str(workspace(Path(tmp), lib)))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{lib}\n{result.exc_info}")
    assert result.exit_code == 0, f"{lib}\n{result.output}"
    doc = json.loads(result.stdout)
    facts = doc["targets"][0]["facts"]
    for name in INT_FACTS:  # what rules compare and divide: a count or nothing
        value = facts[name]
        assert value is None or (isinstance(value, int | float) and not isinstance(value, bool)
                                 and value >= 0), (name, value, lib)
    assert all(isinstance(d["message"], str) for d in doc["diagnostics"])


WORST = {
    "pow": "pub const MILLISECS_PER_BLOCK: u64 = 2u64.pow(4294967295);\n",
    "saturating pow":
        "pub const MILLISECS_PER_BLOCK: u64 = (6000 as u32).saturating_pow(999999);\n",
    "shift": "pub const MILLISECS_PER_BLOCK: u128 = 1 << 4294967295;\n",
    "long literal": "pub const MILLISECS_PER_BLOCK: u64 = " + "9" * 100_000 + ";\n",
    "nesting":
        "pub const MILLISECS_PER_BLOCK: u64 = " + "(" * 50_000 + "1" + ")" * 50_000 + ";\n",
    "negations": "pub const MILLISECS_PER_BLOCK: u64 = " + "- " * 50_000 + "1;\n",
    "alias chain": "".join(f"type T{i} = T{i + 1};\n" for i in range(3000))
                   + "type T3000 = T0;\nimpl pallet_timestamp::Config for Runtime "
                     "{ type MinimumPeriod = T0; }\n",
    "use chain": "".join(f"mod m{i} {{ pub use super::m{i + 1}::*; }}\n" for i in range(400))
                 + "mod m400 { pub const MILLISECS_PER_BLOCK: u64 = 6000; }\n"
                 "use m0::MILLISECS_PER_BLOCK;\n",
    "const chain": "".join(f"pub const C{i}: u64 = C{i + 1} * 2;\n" for i in range(3000))
                   + "pub const C3000: u64 = 1;\npub const MILLISECS_PER_BLOCK: u64 = C0;\n",
}


# macros written after the runtime's register_validate_block!, as a runtime's helpers are
BOMBS = {
    "fan-out": "macro_rules! m { () => { " + "m!(); " * 10 + "}; }\nm!();\n",
    "doubling": "macro_rules! g { ($($t:tt)*) => { g!($($t)* $($t)*); }; }\ng!(a b c d);\n",
    "wide": "macro_rules! w { ($($t:tt)*) => { $(pub const A: u64 = $t;)* $(w!($t $t);)* }; }\n"
            "w!(" + "1 " * 400 + ");\n",
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_macro_expansion_is_bounded(case: str, tmp_path: Path) -> None:
    root = workspace(tmp_path, "impl pallet_aura::Config for Runtime {}\n")
    lib = root / "runtime/src/lib.rs"
    lib.write_text(lib.read_text() + BOMBS[case])
    done = subprocess.run([sys.executable, "-m", "ab_lint", "--format", "json", "--exit-zero",
                           "-j", "1", str(root)], capture_output=True, timeout=60, cwd=ROOT,
                          preexec_fn=_limit_memory, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["targets"]


def _limit_memory() -> None:
    cap = 1024 * 1024 * 1024  # a blowup dies here instead of taking the machine
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.parametrize("case", sorted(WORST))
def test_worst_values_finish_in_bounded_time_and_memory(case: str, tmp_path: Path) -> None:
    root = workspace(tmp_path, WORST[case] + "impl pallet_aura::Config for Runtime {}\n")
    done = subprocess.run([sys.executable, "-m", "ab_lint", "--format", "json", "--exit-zero",
                           "-j", "1", str(root)], capture_output=True, timeout=60, cwd=ROOT,
                          preexec_fn=_limit_memory, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert b"Traceback" not in done.stderr
    assert json.loads(done.stdout)["targets"]

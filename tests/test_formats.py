"""The formats other tools read: SARIF (schema-valid), GitHub workflow commands (escaped),
Markdown for the job summary, and a self-contained HTML page."""

from __future__ import annotations

import html
import html.parser
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote

import jsonschema
import pytest

from ab_lint.findings import Finding
from ab_lint.report.github import command, escape_data, escape_property

from conftest import FIXTURES, fixture_names, run

SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def out(*args: str) -> str:
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.skipif(not SCHEMA.is_file(), reason="shared/schemas not beside the project")
@pytest.mark.parametrize("name", ["phase1-done", "failures/heima-4061-stall", "rules/suppressed",
                                  "rules/AB001-AB002-relay-configs", "nimbus"])
def test_sarif_validates(name: str) -> None:
    doc = json.loads(out("--format", "sarif", str(FIXTURES / name)))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text()))
    driver = doc["runs"][0]["tool"]["driver"]
    ids = [r["id"] for r in driver["rules"]]
    for result in doc["runs"][0]["results"]:
        rule = driver["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"] and rule["helpUri"].startswith("https://")
        assert "Fix:" in result["message"]["text"]
    assert "AB104" in ids


@pytest.mark.parametrize("name", [n for n in fixture_names() if not n.startswith("not-")])
def test_every_sarif_result_is_located_in_a_file_of_the_repository(name: str) -> None:
    # GitHub's upload-sarif rejects the whole file when one result has no location
    # (github/codeql-action#1738): findings about a repository or runtime as a whole point at
    # the manifest they are about
    root = FIXTURES / name
    doc = json.loads(out("--format", "sarif", "--exit-zero", str(root)))
    for result in doc["runs"][0]["results"]:
        [location] = result["locations"]
        physical = location["physicalLocation"]
        assert (root / unquote(physical["artifactLocation"]["uri"])).is_file(), result
        assert physical["region"]["startLine"] >= 1


def test_sarif_names_a_linked_file_by_its_real_path() -> None:
    # code scanning does not show a result at a path through a symbolic link; the other
    # formats keep the path the module was read through
    tree = str(FIXTURES / "shape-symlink-modules")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out("--format", "sarif", tree))["runs"][0]["results"]}
    paths = {f["path"] for f in json.loads(out("--format", "json", tree))["findings"]}
    assert "runtime/src/common/mod.rs" in paths
    assert "shared/common/mod.rs" in uris and "runtime/src/common/mod.rs" not in uris


def test_suppressed_findings_stay_out_of_sarif_unless_kept() -> None:
    # code scanning would open each as an alert; they are still counted
    tree = str(FIXTURES / "rules/suppressed")
    run_ = json.loads(out("--format", "sarif", tree))["runs"][0]
    assert not [r for r in run_["results"] if r.get("suppressions")]
    assert run_["properties"]["suppressed"] == 1
    kept = json.loads(out("--format", "sarif", "--sarif-suppressed", tree))["runs"][0]
    assert len(kept["results"]) == len(run_["results"]) + 1


def test_sarif_regions_and_suppressions() -> None:
    doc = json.loads(out("--format", "sarif", "--sarif-suppressed",
                         str(FIXTURES / "rules/suppressed")))
    results = doc["runs"][0]["results"]
    suppressed = [r for r in results if r.get("suppressions")]
    assert [r["ruleId"] for r in suppressed] == ["AB301"]
    region = suppressed[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 112 and region["startColumn"] == 2


def test_escaping_rules() -> None:
    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"


def test_a_finding_cannot_inject_a_second_command() -> None:
    evil = Finding(rule="AB104", severity="error", phase=1, title="t,itle:x",
                   message="bad\n::error file=x::injected\r\n%0A", fix_hint="fix\n::warning::x",
                   path="run,time/sr:c/li\nb.rs", line=3, column=1, end_line=3, end_column=9,
                   target="runtime")
    line = command(evil)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::error file=run%2Ctime/sr%3Ac/li%0Ab.rs,line=3,")
    # the properties end at the first '::'; whatever follows is data on the same line
    props, _, data = line[2:].partition("::")
    assert props.startswith("error file=") and ":" not in props.split(" ", 1)[1]
    assert data.startswith("bad%0A::error file=x::injected%0D%0A%250A")


def test_hostile_file_names_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "rules/AB001-AB002-relay-configs", root, symlinks=True)
    hostile = root / "specs" / "net,%0A::error::x\n::warning title=y::z.json"
    (root / "specs" / "zombienet-mixed.json").rename(hostile)
    text = out("--format", "github", str(root))
    lines = text.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    doc = json.loads(out("--format", "json", str(root)))
    assert len(lines) == len([f for f in doc["findings"] if not f["suppressed"]])


def test_github_limits_most_severe_first(tmp_path: Path) -> None:
    from ab_lint.report import ReportData
    from ab_lint.report.github import render

    def finding(i: int, severity: str) -> Finding:
        return Finding(rule="AB401", severity=severity, phase=3, title="t", message=f"m{i}",
                       fix_hint="f", path="a.rs", line=i, column=1, end_line=i, end_column=2,
                       target="rt")

    many = [finding(i, "warning") for i in range(1, 15)] + [finding(i, "error")
                                                          for i in range(1, 13)]
    lines = render(ReportData("/", [], many, [])).splitlines()
    assert [line.split(" ")[0] for line in lines[:10]] == ["::error"] * 10
    assert sum(line.startswith("::warning") for line in lines) == 10
    assert lines[-1].startswith("::notice") and "6 more findings" in lines[-1]


def test_markdown_summary() -> None:
    md = out("--format", "markdown", str(FIXTURES / "multi-runtime"))
    assert md.startswith("## ab-lint")
    assert "| `runtimes/alpha` | alpha-runtime | node | polkadot-v1.9 | 3/3 |" in md
    assert "| `runtimes/beta` | beta-runtime | node | polkadot-v1.9 | 2/3 |" in md
    assert "**Phase 3: async backing active**" in md


def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    page = out("--format", "html", str(FIXTURES / "phase1-done"))
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "src=\"http" not in page and "<link" not in page
    assert "phase 1/3" in page and "AB202" in page
    assert "&lt;" in page  # code frames and Rust generics are escaped, never raw markup
    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "phase1-done", root, symlinks=True)
    lib = root / "runtime/src/lib.rs"
    lib.write_text(lib.read_text().replace(
        "pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 1;",
        "pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 1; // <script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in out("--format", "html", str(root))


def test_several_reports_in_one_run(tmp_path: Path) -> None:
    sarif, summary = tmp_path / "r.sarif", tmp_path / "summary.md"
    result = run("--format", "github", "--format", f"sarif:{sarif}",
                 "--format", f"markdown:{summary}", str(FIXTURES / "phase2-done"))
    assert result.exit_code == 1
    assert result.stdout.startswith("::error ")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert summary.read_text().startswith("## ab-lint")


def test_unknown_format_is_a_usage_error() -> None:
    result = run("--format", "yaml", str(FIXTURES / "phase2-done"))
    assert result.exit_code == 2 and "yaml" in result.stderr


def test_statistics() -> None:
    text = out("--statistics", "--color", "never", str(FIXTURES / "phase2-done"))
    assert "    1  AB301  error    AllowMultipleBlocksPerSlot is not true" in text


def test_titles_say_what_is_wrong_in_annotations_sarif_and_statistics() -> None:
    from ab_lint import catalogue

    rules = catalogue.load()
    tree = str(FIXTURES / "phase2-done")
    assert rules["AB305"].title == "pallet_timestamp's MinimumPeriod is not 0"
    annotations = out("--format", "github", tree)
    assert "title=AB305 pallet_timestamp's MinimumPeriod is not 0::" in annotations
    driver = json.loads(out("--format", "sarif", tree))["runs"][0]["tool"]["driver"]
    assert {r["id"]: r["shortDescription"]["text"] for r in driver["rules"]} == {
        r.id: r.title for r in rules.values()}
    stats = out("--statistics", "--color", "never", tree)
    assert "AB305  error    pallet_timestamp's MinimumPeriod is not 0" in stats
    # an annotation's title is one short line
    assert all(len(r.title) <= 90 and not r.title.endswith(".") for r in rules.values())


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium not installed")
def test_html_renders_in_a_real_browser(tmp_path: Path) -> None:
    import subprocess
    import sys

    from conftest import ROOT

    png = tmp_path / "report.png"
    subprocess.run([sys.executable, str(ROOT / "scripts/html_screenshot.py"),
                    str(FIXTURES / "phase1-done"), str(png)], check=True, timeout=180,
                   cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000  # a page of text and colour, not a blank screen


def test_github_notices_count_in_the_right_number() -> None:
    from ab_lint.report import ReportData
    from ab_lint.report.github import render

    def finding(i: int, suppressed: bool = False) -> Finding:
        return Finding(rule="AB301", severity="error", phase=3, title="t", message=f"m{i}",
                       fix_hint="f", path="a.rs", line=i, column=1, end_line=i, end_column=2,
                       target="rt", suppressed=suppressed)

    one_over = render(ReportData("/", [], [finding(i) for i in range(1, 12)]
                                 + [finding(99, suppressed=True)], []))
    assert "::notice title=ab-lint::1 more finding is not annotated" in one_over
    assert "::notice title=ab-lint::1 finding suppressed by" in one_over
    two_over = render(ReportData("/", [], [finding(i) for i in range(1, 13)], []))
    assert "::notice title=ab-lint::2 more findings are not annotated" in two_over


HOSTILE_MESSAGE = ("MinimumPeriod is `ConstU64<3000>`, not <MinimumPeriod> | see "
                   "[the guide](https://evil.example/x) or www.evil.example *now*")


def _hostile_report() -> str:
    from ab_lint.report import ReportData
    from ab_lint.report.markdown import render

    target = SimpleNamespace(runtime_dir="runtime|x", runtime_crate="crate<b>", node_dir=None,
                             phase=3, sdk=None)
    f = Finding(rule="AB305", severity="error", phase=3, title="t", message=HOSTILE_MESSAGE,
                fix_hint="Write <MinimumPeriod> as `ConstU64<0>` | https://evil.example",
                path="runtime/src/lib.rs", line=80, column=2, end_line=80, end_column=9,
                target="runtime|x", guide="https://docs.polkadot.com/x#phase-3")
    return render(ReportData("/", [target], [f], []))  # type: ignore[list-item]


def test_markdown_escapes_what_findings_say() -> None:
    md = _hostile_report()
    line = next(x for x in md.splitlines() if x.startswith("- **error** AB305"))
    assert "not &lt;MinimumPeriod&gt; \\| see \\[the guide\\](https\\://evil.example/x)" in line
    assert "`ConstU64<3000>`" in line  # a code span of the message stays one, shown as is
    assert "www\\.evil.example \\*now\\*" in line
    assert "| `runtime\\|x` | crate&lt;b&gt; |" in md  # the table keeps its six cells
    assert "([guide](https://docs.polkadot.com/x#phase-3))" in md  # ab-lint's own link


def _shown_by_github(md: str) -> tuple[str, list[str]]:
    """The text GitHub shows for `md` and the links it makes, with GitHub's own parser."""
    cmarkgfm = pytest.importorskip("cmarkgfm")
    page = cmarkgfm.github_flavored_markdown_to_html(md)
    links = re.findall(r'<a href="([^"]*)"', page)
    return html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u200b", ""), links


def test_github_shows_finding_text_literally() -> None:
    shown, links = _shown_by_github(_hostile_report())
    assert HOSTILE_MESSAGE.replace("`", "") in shown
    assert "Write <MinimumPeriod> as ConstU64<0> | https://evil.example" in shown
    assert links == ["https://docs.polkadot.com/x#phase-3"]  # no link the finding wrote
    real = out("--format", "markdown", str(FIXTURES / "failures/astar-1481-minimum-period"))
    assert "at least <MinimumPeriod> between sequential blocks" in _shown_by_github(real)[0]


GUIDE_ORDER = ["AB104", "AB105", "AB109", "AB108", "AB111"]  # legacy-2023's phase-1 steps


def test_markdown_lists_next_steps_in_guide_order() -> None:
    md = out("--format", "markdown", str(FIXTURES / "legacy-2023"))
    block = md.split("**Next steps to phase 1: runtime prepared**")[1].split("**Phase 1")[0]
    assert re.findall(r"^\d+\. (AB\d+) ", block, re.M) == GUIDE_ORDER
    assert "1. AB104 ConsensusHook is missing or not FixedVelocityConsensusHook " \
           "`runtime/src/lib.rs:92`" in block
    single = out("--format", "markdown", str(FIXTURES / "phase1-done"))
    assert "**Next step to phase 2: node on the lookahead collator**" in single
    assert "Next step" not in out("--format", "markdown", str(FIXTURES / "phase3-done"))


class _Html(html.parser.HTMLParser):
    """The page's next-step items and overview rows, as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.steps: list[str] = []
        self.rows: list[list[str]] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.steps.append("")
            self._in = "li"
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in = "cell"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("li", "td", "th"):
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "li":
            self.steps[-1] += data
        elif self._in == "cell":
            self.rows[-1][-1] += data.strip()


def _page(name: str) -> _Html:
    parsed = _Html()
    parsed.feed(out("--format", "html", str(FIXTURES / name)))
    return parsed


def test_html_lists_next_steps_in_guide_order() -> None:
    page = _page("legacy-2023")
    assert [s.split()[0] for s in page.steps] == GUIDE_ORDER
    assert page.steps[2] == ("AB109 cumulus-primitives-aura is not a dependency, or keeps its "
                             "default features runtime/Cargo.toml:11")
    assert page.rows == []  # one runtime: its section says it all


def test_html_overview_table_for_several_runtimes() -> None:
    page = _page("multi-runtime")
    assert page.rows == [["runtime", "crate", "node", "SDK", "phase", "errors", "warnings"],
                         ["runtimes/alpha", "alpha-runtime", "node", "polkadot-v1.9", "3/3",
                          "0", "0"],
                         ["runtimes/beta", "beta-runtime", "node", "polkadot-v1.9", "2/3",
                          "4", "1"]]
    assert [s.split()[0] for s in page.steps] == ["AB301", "AB302", "AB303", "AB305"]

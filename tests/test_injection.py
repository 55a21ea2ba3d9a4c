"""Nothing a repository holds can inject into what ab-lint prints (issue 9, items 4 and 5).

A pull request decides crate names, folder and file names, config keys, the ids and reasons of
suppression comments, source lines and relay files. The tests here build one repository with a
payload in each of those fields and read every output channel the way its reader does: the
GitHub runner (workflow commands, from stdout and stderr), a terminal, GitHub's Markdown, a
browser, a SARIF consumer, a JSON reader, and the Action's script. The sanitiser's functions
are also checked on their own, on generated text.
"""

from __future__ import annotations

import html
import html.parser
import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

import pytest
from click.testing import Result
from hypothesis import given, settings
from hypothesis import strategies as st
from test_shapes import NODE_MANIFEST, RUNTIME_MANIFEST, SERVICE, VALIDATE
from test_workflow import run_action

from ab_lint import sanitize
from ab_lint.findings import Finding
from ab_lint.report.github import command

from conftest import ROOT, run, write

# What means something to one reader or another: workflow commands (the new form, the legacy
# `##[` form, masking, stopping), GitHub's own escapes, terminal control (CSI colour, an OSC 8
# link, BEL, the one-byte C1 CSI, NEL), bidi overrides, a Unicode line separator, HTML, and
# Markdown (a table pipe, a backtick, a link, a heading, a mention, an issue reference).
PAYLOAD = ("\n::error file=x.rs,line=1::injected\r::warning::injected ##[error]injected "
           "::add-mask::x ::stop-commands::t \x1b[31mred\x1b]8;;https://e.example/\x07link"
           "\x1b]8;;\x07\x07\x9b\x85\u202eevil\u2066\u2028 %0A%25 <script>alert(1)</script>"
           "<img src=x onerror=alert(1)> | ` [x](javascript:alert(1)) # h @octocat #1")
# The same for a folder or file name (no slash), with what a URI must encode: space, %, #, ?,
# a backslash, a colon in the first segment, non-ASCII.
NAME = ("\n::error::n\r##[error]n \x1b[31m\x07\x9b\u202e%0A%25<img src=x onerror=alert(1)>"
        "|`@octocat #1 [x](javascript:x) a?b\\c é :a,b")
# a `//` comment ends at a line feed (a CR stays in it) and `allow(...)` at a parenthesis
COMMENT = PAYLOAD.replace("\n", " ").replace(")", "}")
RUNTIME, NODE = "rt" + NAME, "nd" + NAME
# a module file by #[path], where the AB301 finding lands (ab-lint reads the attribute's
# string as written, without Rust's escapes: no backslash in this one)
AURA_CONFIG = NAME.replace("\\", "") + ".rs"
RELAY_SPEC = f"specs/{NAME}.json"

INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}
SGR = re.compile("\x1b\\[[0-9;]*m")  # ab-lint's own colours, with --color always
ABLINT_COMMANDS = {"error", "warning", "notice"}
Env = dict[str, str]


def _toml(text: str) -> str:
    return json.dumps(text)  # a JSON string with ASCII escapes is a TOML basic string


def _member(folder: str) -> str:
    # workspace members are globs: brackets, * and ? must match themselves
    return _toml(re.sub(r"([\[\]*?])", r"[\1]", folder))


def _rust_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', "'") + '"'


def hostile_repository(root: Path) -> Path:
    """A runtime and a node that ab-lint reads, with a payload in every field it reports."""
    lib = (f"pub const UNINCLUDED_SEGMENT_CAPACITY: u32 = 1; "
           f"// ab-lint: allow(AB1{COMMENT}, AB9) -- {COMMENT}\n"
           f"#[path = {_rust_str(AURA_CONFIG)}]\nmod aura_config;\n"
           "impl cumulus_pallet_parachain_system::Config for Runtime {\n"
           f"    type ConsensusHook = Weird<{{ {_rust_str(PAYLOAD)} }}>;\n"
           "}\n" + VALIDATE.replace("EXECUTOR", "cumulus_pallet_aura_ext"))
    relay = ("[relaychain]\nchain = " + _toml(PAYLOAD) + "\n"
             "[relaychain.genesis.runtimeGenesis.patch.configuration.config."
             "async_backing_params]\nmax_candidate_depth = 2\nallowed_ancestry_len = 2\n")
    spec = (ROOT / "fixtures/rules/AB001-AB002-relay-configs/specs/zombienet-mixed.json")
    runtime_manifest = RUNTIME_MANIFEST.replace('"{name}"', _toml(PAYLOAD)).format(deps="")
    node_dep = f"rt = {{ path = {_toml('../' + RUNTIME)}, package = {_toml(PAYLOAD)} }}"
    return write(root, {
        "Cargo.toml": f"[workspace]\nmembers = [{_member(RUNTIME)}, {_member(NODE)}]\n",
        f"{RUNTIME}/Cargo.toml": runtime_manifest,
        f"{RUNTIME}/src/lib.rs": lib,
        f"{RUNTIME}/src/{AURA_CONFIG}":
            "impl pallet_aura::Config for Runtime {\n"
            "    type AllowMultipleBlocksPerSlot = ConstBool<false>; // " + COMMENT + "\n}\n",
        f"{NODE}/Cargo.toml": NODE_MANIFEST.format(deps=node_dep, features=""),
        f"{NODE}/src/main.rs": "mod service;\n",
        f"{NODE}/src/service.rs": SERVICE,
        "zombienet.toml": relay,
        RELAY_SPEC: spec.read_text(),
    })


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile_repository(tmp_path_factory.mktemp("hostile"))


def lint(repo: Path, *args: str) -> Result:
    result = run("--exit-zero", *args, str(repo))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


# How each reader reads.

def runner_commands(text: str) -> list[str]:
    """Lines the GitHub runner takes for workflow commands: `::` once leading white space is
    trimmed (ActionCommand.TryParseV2), or `##[` anywhere in the line (the legacy TryParse).
    It splits lines at CR as well as LF."""
    return [line for line in re.split(r"\r\n|\r|\n", text)
            if line.lstrip().startswith("::") or "##[" in line]


def invisible(text: str) -> set[str]:
    """Control, format (bidi...), separator and surrogate characters, line feeds aside."""
    return {c for c in set(text)
            if c != "\n" and unicodedata.category(c) in INVISIBLE_CATEGORIES}


def assert_inert(text: str) -> None:
    """What a terminal or the runner's log can be given: no command, nothing it acts on."""
    assert runner_commands(text) == []
    assert invisible(SGR.sub("", text)) == set()


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner parses and unescapes it (ActionCommand.cs)."""
    assert line.startswith("::"), line
    end = line.index("::", 2)
    name, _, props = line[2:end].partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = (value.replace("%0D", "\r").replace("%0A", "\n")
                           .replace("%3A", ":").replace("%2C", ",").replace("%25", "%"))
    data = line[end + 2:].replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    return name, properties, data


# The repository is what the tests need it to be.

def test_the_payloads_reach_every_field(repo: Path) -> None:
    """Without this, every other test here could pass on a repository ab-lint ignores."""
    doc = json.loads(lint(repo, "--format", "json").stdout)
    (target,) = doc["targets"]
    assert target["runtime_crate"] == PAYLOAD
    assert target["runtime"] == RUNTIME and target["node"] == NODE
    paths = {f["path"] for f in doc["findings"]}
    assert {f"{RUNTIME}/src/lib.rs", f"{RUNTIME}/src/{AURA_CONFIG}", RELAY_SPEC} <= paths
    unused = next(f for f in doc["findings"] if f["rule"] == "AB900")
    assert "INJECTED" in unused["found"] and "INJECTED" in unused["message"]
    assert any(RELAY_SPEC in f["message"] for f in doc["findings"])
    assert target["phase"] is not None  # read as an Aura runtime: every rule ran


# stdout, format by format

@pytest.mark.parametrize("args", [(), ("--quiet",), ("--facts", "--statistics"),
                                  ("--color", "always")])
def test_text_report_is_inert(repo: Path, args: tuple[str, ...]) -> None:
    out = lint(repo, *args).stdout
    assert_inert(out)
    # escaped, not dropped: the reader still sees what the repository holds
    assert "\\x1b[31m" in out and "\\u202e" in out and "<img src=x onerror=alert(1)>" in out


def test_code_frames_show_source_lines_escaped(repo: Path) -> None:
    out = lint(repo).stdout
    frame = [line for line in out.splitlines() if " | " in line and "ConsensusHook" in line]
    assert frame and all("\\n" not in line for line in frame)
    assert any(re.match(r"\s+\d+ \| .*#\\x23\[error\]injected", line)
               for line in out.splitlines())


def test_github_format_is_only_ablint_commands(repo: Path) -> None:
    out = lint(repo, "--format", "github").stdout
    doc = json.loads(lint(repo, "--format", "json").stdout)
    lines = out.splitlines()
    assert invisible(out) == set() and "\r" not in out
    assert len(lines) == len(runner_commands(out))  # the runner sees exactly these commands
    annotated = set()
    for line in lines:
        name, props, data = parse_command(line)
        assert name in ABLINT_COMMANDS
        assert set(props) <= {"file", "line", "col", "endLine", "endColumn", "title"}
        assert all(props[k].isdigit() for k in props if k not in ("file", "title"))
        # line breaks are GitHub's %0A in a message; nothing else invisible is left
        assert invisible(re.sub("[\r\n]", "", data)) == set()
        if "file" in props:
            annotated.add((props["file"], int(props["line"])))
    # each annotation lands on its finding's file: exact where GitHub can say it (line
    # breaks), the escaped name where the name holds what no log should print
    active = {(sanitize.display(f["path"], breaks=True), f["line"])
              for f in doc["findings"] if not f["suppressed"] and f["path"]}
    assert annotated <= active and len(annotated) >= 3
    # line breaks come back from %0A exactly; `##[` stays broken even here
    assert any(file.startswith("rt\n::error::n\r#\\x23[error]n ") for file, _ in annotated)


def _code_spans_removed(line: str) -> str:
    """The line with its code spans blanked, as CommonMark finds them: a run of n backticks
    that no backslash escapes opens a span, the next run of exactly n closes it (inside,
    backslashes are literal). A run never closed is kept: it could pair with one on the next
    line of the paragraph, so the tests want none."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            out.append(line[i:i + 2])
            i += 2
            continue
        run = re.match("`+", line[i:])
        if run is None:
            out.append(line[i])
            i += 1
            continue
        fence = run.group()
        closer = re.compile(f"(?<!`){fence}(?!`)").search(line, i + len(fence))
        out.append(fence if closer is None else " ")  # an unclosed run stays, to be seen
        i = closer.end() if closer else i + len(fence)
    return "".join(out)


def _cell_pipes(row: str) -> int:
    """Pipes that end a GFM table cell: cmark-gfm's cell scanner takes any `|` right after a
    backslash as part of the cell, however many backslashes come before (ext_scanners.re)."""
    return len(re.findall(r"(?<!\\)\|", row))


def _unescaped(text: str, ch: str) -> int:
    """How many times `ch` occurs without a Markdown backslash escape before it."""
    return len(re.findall(r"(?<!\\)(?:\\\\)*" + re.escape(ch), text))


def test_markdown_has_no_structure_from_the_repository(repo: Path) -> None:
    md = lint(repo, "--format", "markdown").stdout
    assert_inert(md)
    lines = md.splitlines()
    table = [line for line in lines if line.startswith("|")]
    assert len(table) == 3  # head, rule, one runtime
    assert all(_cell_pipes(row) == 8 for row in table)  # seven cells (SDK too), none split
    assert [line for line in lines if line.startswith("#")] == [
        "## ab-lint: async backing readiness",
        next(line for line in lines if line.startswith("### rt")),
        "### Local test networks"]
    for line in lines:
        prose = _code_spans_removed(line)
        assert _unescaped(prose, "`") == 0, line  # every code span closed where it opened
        raw = prose.replace("<br>", "")
        shown = html.unescape(raw)
        assert "<" not in raw and ">" not in raw, line  # no HTML: entities only
        assert not re.search(r"(?<!\\)\]\(javascript", prose), line
        assert not re.search(r"(?:^|\W)@[A-Za-z0-9]", shown), line  # no one is notified
        assert not re.search(r"(?:^|\W)#\d", shown), line  # no issue is cross-referenced
    # escaped, not dropped
    assert "&lt;img src=x onerror=alert(1)&gt;" in md and "octocat" in md


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_has_no_markup_from_the_repository(repo: Path) -> None:
    page = lint(repo, "--format", "html").stdout
    assert_inert(page)
    parsed = _Page()
    parsed.feed(page)
    assert parsed.tags <= {"html", "head", "meta", "title", "style", "body", "h1", "h2", "div",
                           "section", "span", "p", "strong", "code", "pre", "a", "ol", "li",
                           "table", "tr", "th", "td"}
    assert not [name for name, _ in parsed.attributes if name.startswith("on")]
    assert all(value.startswith("https://") for name, value in parsed.attributes
               if name == "href" and value)
    text = "".join(parsed.text)
    assert "<img src=x onerror=alert(1)>" in text  # shown as text
    assert invisible(text) == set()


RFC3986_PATH = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})*")


def test_sarif_uris_are_rfc3986_and_lead_to_the_file(repo: Path) -> None:
    raw = lint(repo, "--format", "sarif").stdout
    assert_inert(raw)
    run_ = json.loads(raw)["runs"][0]
    base = run_["originalUriBaseIds"]["SRCROOT"]["uri"]
    assert base.endswith("/") and RFC3986_PATH.fullmatch(urlsplit(base).path)
    uris = [loc["physicalLocation"]["artifactLocation"]
            for result in run_["results"] for loc in result.get("locations", [])]
    assert len(uris) >= 3
    for artifact in uris:
        uri = artifact["uri"]
        assert artifact["uriBaseId"] == "SRCROOT"
        # a relative-path reference: no scheme, no authority, only allowed characters
        assert RFC3986_PATH.fullmatch(uri) and ":" not in uri.split("/")[0], uri
        assert not uri.startswith("/")
        target = Path(url2pathname(urlsplit(urljoin(base, uri)).path))
        assert target.is_file() and target.is_relative_to(repo.resolve()), uri
        assert os.fsencode(target.relative_to(repo.resolve())) == unquote_to_bytes(uri)
    for result in run_["results"]:
        text = result["message"]["text"]
        assert invisible(text.replace("\n", "")) == set()
        assert _unescaped(text, "[") == 0  # SARIF's embedded links: none from the repository


def test_json_keeps_every_value_exactly_and_prints_nothing_active(repo: Path) -> None:
    raw = lint(repo, "--format", "json").stdout
    assert_inert(raw)
    assert raw.isascii()  # non-ASCII, controls and bidi as \u escapes, never raw
    doc = json.loads(raw)
    assert doc["targets"][0]["runtime_crate"] == PAYLOAD  # a script gets the exact value


def test_report_files_hold_what_stdout_would(repo: Path, tmp_path: Path) -> None:
    """FORMAT:FILE writes the same inert reports as stdout."""
    formats = ["text", "json", "sarif", "github", "markdown", "html"]
    specs = [arg for name in formats for arg in ("--format", f"{name}:{tmp_path / name}")]
    lint(repo, *specs)
    for name in formats:
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert written == lint(repo, "--format", name).stdout, name


# stderr

def _assert_one_inert_error(result: Result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    err = result.stderr
    assert err.startswith("ab-lint: error: ") and err.count("\n") == 1, err
    assert_inert(err)
    return err


@pytest.mark.parametrize("config", [
    f"{_toml(PAYLOAD)} = 1\n",  # an unknown key
    f"select = [{_toml(PAYLOAD)}]\n",  # an unknown rule id
    f"severity = {{ {_toml(PAYLOAD)} = \"error\" }}\n",
    f"fail-on = {_toml(PAYLOAD)}\n",
])
def test_config_errors_on_stderr_are_inert(repo: Path, tmp_path: Path, config: str) -> None:
    root = hostile_repository(tmp_path)
    write(root, {"ab-lint.toml": config})
    err = _assert_one_inert_error(run(str(root)))
    assert "injected" in err  # escaped, not dropped


def test_an_unreadable_runtime_names_its_crate_inertly(tmp_path: Path) -> None:
    """`no runtime ab-lint can read: <crate>`: a runtime only a procedural macro assembles."""
    manifest = RUNTIME_MANIFEST.replace('"{name}"', _toml(PAYLOAD)).format(
        deps='acme-proc = "1"')
    write(tmp_path, {
        "Cargo.toml": f"[workspace]\nmembers = [{_member(RUNTIME)}]\n",
        f"{RUNTIME}/Cargo.toml": manifest + '[build-dependencies]\nsubstrate-wasm-builder = "1"\n',
        f"{RUNTIME}/src/lib.rs": "use acme_proc::acme_construct_runtime;\n"
                                 "#[acme_construct_runtime]\nmod runtime { struct System; }\n",
    })
    err = _assert_one_inert_error(run(str(tmp_path)))
    assert "no runtime ab-lint can read" in err and "\\u202eevil" in err


def test_internal_error_message_is_inert(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug's exception message can quote the repository too."""
    def broken(*_: object) -> None:
        raise RuntimeError(PAYLOAD)

    monkeypatch.setattr("ab_lint.checking.discover", broken)
    monkeypatch.delenv("AB_LINT_DEBUG", raising=False)
    assert "internal error" in _assert_one_inert_error(run(str(repo)), code=3)  # a bug


def test_explain_and_write_errors_are_inert(repo: Path, tmp_path: Path) -> None:
    _assert_one_inert_error(run("explain", PAYLOAD))
    missing = tmp_path / NAME / "report.txt"  # a folder that does not exist
    _assert_one_inert_error(run("--output", str(missing), str(repo)))


def test_commands_without_repository_text_are_inert() -> None:
    for args in (("rules",), ("rules", "--format", "json"), ("explain", "AB104")):
        assert_inert(run(*args).stdout)


# The Action's script

@pytest.fixture
def fake_ab_lint(tmp_path: Path) -> Env:
    """An `ab-lint` that records its arguments and prints what a hostile run could."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "ab-lint"
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'printf "%s\\0" "$@" > "{tmp_path}/argv"\n'
        'echo "::error::from stdout"; echo "::add-mask::from stderr" >&2\n'
        'for a in "$@"; do case $a in github:*) echo "::notice::annotation" > "${a#github:}";;'
        " esac; done\nexit 1\n")
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}


def test_action_args_are_split_but_never_globbed(tmp_path: Path, fake_ab_lint: Env) -> None:
    (tmp_path / "AB4x").write_text("")  # a pull request file named like the pattern
    run_action(tmp_path, fake_ab_lint, args="--ignore AB4*  --select\tAB1,AB4")
    argv = (tmp_path / "argv").read_text().split("\0")[:-1]
    assert argv[argv.index("--ignore") + 1] == "AB4*"
    assert argv[argv.index("--select") + 1] == "AB1,AB4"
    assert argv[-2:] == ["--", "."]  # the path input is never read as an option


def test_action_stops_commands_while_ab_lint_prints(tmp_path: Path, fake_ab_lint: Env) -> None:
    result, outputs, _ = run_action(tmp_path, fake_ab_lint)
    lines = result.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    assert lines[0].startswith("::stop-commands::") and len(token) >= 32
    resume = lines.index(f"::{token}::")
    assert "::error::from stdout" in lines[1:resume]  # printed, but not read as a command
    assert lines[resume + 1:] == ["::notice::annotation"]  # ours, read again
    assert outputs == {"sarif-file": "ab-lint.sarif", "exit-code": "1",
                       "phases": "{}", "lowest-phase": ""}  # this ab-lint writes no report


def test_action_refuses_a_sarif_path_that_would_add_outputs(tmp_path: Path,
                                                           fake_ab_lint: Env) -> None:
    result, outputs, _ = run_action(tmp_path, fake_ab_lint,
                                    **{"sarif-file": "x.sarif\nexit-code=0"})
    assert result.returncode == 2 and outputs == {}
    name, _, data = parse_command(result.stdout.strip())
    assert name == "error" and "sarif-file" in data


def test_action_escapes_a_bad_fail_on_and_accepts_info(tmp_path: Path, fake_ab_lint: Env) -> None:
    result, _, _ = run_action(tmp_path, fake_ab_lint, **{"fail-on": "x\n::warning::y"})
    assert result.returncode == 2 and len(result.stdout.splitlines()) == 1
    result, _, _ = run_action(tmp_path, fake_ab_lint, **{"fail-on": "info"})
    argv = (tmp_path / "argv").read_text().split("\0")
    assert result.returncode == 1 and argv[argv.index("--fail-on") + 1] == "info"


def test_action_on_a_hostile_repository(repo: Path, tmp_path: Path, ab_lint_on_path: Env) -> None:
    result, outputs, summary = run_action(tmp_path, ab_lint_on_path, path=str(repo))
    assert result.returncode == 1, result.stderr
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == "ab-lint.sarif"
    # the runtime's name as JSON escapes, on the output's one line
    assert outputs["phases"].isascii() and list(json.loads(outputs["phases"])) == [RUNTIME]
    lines = result.stdout.splitlines()
    token = lines[0].removeprefix("::stop-commands::")
    annotations = lines[lines.index(f"::{token}::") + 1:]
    assert annotations and all(parse_command(line)[0] in ABLINT_COMMANDS
                               for line in annotations)
    assert_inert(result.stderr)
    md = summary.removeprefix("previous step's summary\n")
    assert md.startswith("## ab-lint") and "&lt;img" in md
    assert_inert(md)


# The sanitiser alone, on generated text

HOSTILE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\n\r\t\x00\x07\x1b\x7f\x85\x9b\u200b\u202e\u2066\u2028\ufeff"
                             ":%#[]<>|`*_@!&\\()~$ ,=\"'")),
        st.characters(codec="utf-8"),
        st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Cs"])),
    max_size=40)
# 300 examples each keeps these under 3 s; a long profile (--hypothesis-profile) runs more
QUICK = settings(max_examples=max(300, settings.default.max_examples), deadline=None)


def _unescape_display(text: str) -> str:
    named = {"n": "\n", "r": "\r", "t": "\t"}
    return re.sub(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[nrt])",
                  lambda m: named.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


def test_every_invisible_character_of_this_python_is_escaped() -> None:
    """The escaped set is written out by hand; this Python's Unicode tables check it."""
    missed = [hex(cp) for cp in range(0x110000)
              if unicodedata.category(chr(cp)) in INVISIBLE_CATEGORIES
              and sanitize.display(chr(cp)) == chr(cp)]
    assert missed == []


@QUICK
@given(HOSTILE_TEXT)
def test_display_is_one_inert_line_that_says_what_was_there(text: str) -> None:
    shown = sanitize.display(text)
    assert invisible(shown) == set() and "\n" not in shown and "##[" not in shown
    if "\\" not in text:  # a backslash stays itself, so only then is the escape reversible
        assert _unescape_display(shown) == text


@QUICK
@given(st.lists(HOSTILE_TEXT, max_size=4))
def test_terminal_lines_never_start_a_command(parts: list[str]) -> None:
    assert runner_commands(sanitize.terminal("".join(parts))) == []
    # fields side by side: none alone holds a command, together they might
    joined = sanitize.guard_lines("\n".join(sanitize.display(p) for p in parts))
    assert runner_commands(joined) == []


@QUICK
@given(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT)
def test_a_github_command_round_trips_through_the_runner(path: str, message: str,
                                                        hint: str) -> None:
    f = Finding(rule="AB104", severity="warning", phase=1, title="t", message=message,
                fix_hint=hint, path=path or "a.rs", line=2, column=1, end_line=2,
                end_column=3, target="rt")
    line = command(f)
    assert len(runner_commands(line)) == 1 and invisible(line) == set()
    name, props, data = parse_command(line)
    assert name == "warning" and props["line"] == "2"
    assert props["file"] == sanitize.display(f.path, breaks=True)
    assert data.split("\nFix: ")[0] == sanitize.display(message, breaks=True)


def _code_span_content(span: str) -> str:
    fence = re.match("`+", span).group()
    assert span.endswith(fence) and len(span) > 2 * len(fence)
    inner = span[len(fence):-len(fence)]
    assert f"`{fence}" not in f"`{inner}`"  # no run as long as the fence inside
    if inner.startswith(" ") and inner.endswith(" ") and inner.strip(" "):
        inner = inner[1:-1]  # CommonMark strips one space each side
    return inner


@QUICK
@given(HOSTILE_TEXT.filter(lambda t: t.strip(" ")))
def test_markdown_code_span_holds_the_text_and_nothing_else(text: str) -> None:
    span = sanitize.markdown_code(text)
    assert _code_span_content(span) == sanitize.display(text)
    cell = sanitize.markdown_code(text, in_table=True)
    assert _cell_pipes(cell) == 0
    # the table drops the one backslash before each pipe, then the code span is read
    assert _code_span_content(cell.replace("\\|", "|")) == sanitize.display(text)


@QUICK
@given(HOSTILE_TEXT)
def test_markdown_prose_is_literal(text: str) -> None:
    md = sanitize.markdown_text(text)
    assert "<" not in md and ">" not in md and "\n" not in md
    for ch in "`*_[]|!~$":
        assert _unescaped(md, ch) == 0, ch
    shown = html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md)).replace("\u200b", "")
    assert shown == sanitize.display(text)  # what GitHub shows is the text, escapes aside


@QUICK
@given(st.lists(st.one_of(HOSTILE_TEXT, st.just("`"), st.just("``")), max_size=6))
def test_markdown_message_keeps_code_spans_and_escapes_the_rest(parts: list[str]) -> None:
    md = sanitize.markdown_message("".join(parts))
    prose = _code_spans_removed(md)
    assert _unescaped(prose, "`") == 0 and "<" not in prose and "\n" not in md


@QUICK
@given(HOSTILE_TEXT.filter(bool))
def test_sarif_uri_is_a_relative_reference_to_the_same_bytes(path: str) -> None:
    uri = sanitize.sarif_uri(path)
    assert RFC3986_PATH.fullmatch(uri) and ":" not in uri.split("/")[0]
    try:
        on_disk = os.fsencode(path)
    except UnicodeEncodeError:
        return  # no file name decodes to such a surrogate: a valid URI is all there is to ask
    assert unquote_to_bytes(uri) == on_disk


@QUICK
@given(HOSTILE_TEXT)
def test_sarif_text_has_no_link_and_no_control(text: str) -> None:
    shown = sanitize.sarif_text(text)
    assert _unescaped(shown, "[") == 0 and _unescaped(shown, "]") == 0
    assert invisible(shown) == set()


@QUICK
@given(st.recursive(HOSTILE_TEXT, lambda inner: st.dictionaries(HOSTILE_TEXT, inner,
                                                                 max_size=3), max_leaves=6))
def test_json_guard_changes_no_value(value: object) -> None:
    dumped = sanitize.json_guard(json.dumps(value, indent=2))
    assert json.loads(dumped) == value and "##[" not in dumped
    assert runner_commands(dumped) == [] and invisible(dumped) == set()


def test_urls_from_anywhere_but_http_are_dead_links() -> None:
    assert sanitize.safe_url("https://docs.polkadot.com/x") == "https://docs.polkadot.com/x"
    for url in ("javascript:alert(1)", " javascript:x", "JaVaScRiPt:x", "data:text/html,x"):
        assert sanitize.safe_url(url) == "#"


def test_the_action_script_passes_shellcheck() -> None:
    """Quoting mistakes are what shellcheck finds; run it where it is installed."""
    shellcheck = next((Path(p) / "shellcheck" for p in os.environ["PATH"].split(os.pathsep)
                       if (Path(p) / "shellcheck").is_file()), None)
    if shellcheck is None:
        pytest.skip("shellcheck is not installed")
    result = subprocess.run([str(shellcheck), str(ROOT / "action/run.sh")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout

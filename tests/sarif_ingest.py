"""What GitHub code scanning accepts from a SARIF file, beyond the SARIF 2.1.0 JSON schema.

`problems(raw, root)` lists every reason code scanning would reject the file, drop a result,
or fail to show it on the scanned repository's files; `assert_ingestible` fails a test with
them. Both are for any test that has a SARIF file and the repository it was made from (the
fixtures here, the Action end to end, the corpus repositories).

Sources (2026), each check names the one it follows:
- [support] https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support
  ("SARIF support for code scanning": required properties, text limits, root-relative URIs,
  symlinks, the 10 MB gzip limit)
- [limits] https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/troubleshoot-sarif-uploads/results-exceed-limit
  (the "Maximum values" table: above one, the whole file is rejected)
- [runs] https://github.blog/changelog/2025-07-21-code-scanning-will-stop-combining-multiple-sarif-runs-uploaded-in-the-same-sarif-file/
  (one run per tool and category in a file)
- [upload-sarif] github/codeql-action src/fingerprints.ts: upload-sarif computes
  `partialFingerprints` itself, from the line `region.startLine` names in the file the
  relative URI names under the checkout; a result without a start line, or whose file or line
  it cannot find, gets none (and code scanning may then duplicate its alert on every run).
  `locationFromSarifResult: expected at least one location` rejects a file with a result
  without one (github/codeql-action#1738). Code scanning ignores `originalUriBaseIds`
  (github/codeql-action#2456), so a URI must name the file on its own.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

# [limits] Maximum values: above any of them the file is rejected
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_EXTENSIONS_PER_RUN = 100
MAX_THREAD_FLOW_LOCATIONS_PER_RESULT = 10_000
MAX_LOCATIONS_PER_RESULT = 1_000
MAX_TAGS_PER_RULE = 20
# [support] "For each gzip-compressed SARIF file, SARIF upload supports a maximum size of 10 MB";
# read as 10^7 bytes, the stricter of the two readings of "MB"
MAX_GZIP_BYTES = 10_000_000
# [support] reportingDescriptor: name "Limited to 255 characters", shortDescription.text and
# fullDescription.text "Limited to 1024 characters". No limit is documented for a result's
# message.text.
MAX_RULE_NAME = 255
MAX_DESCRIPTION = 1024

# [support] defaultConfiguration.level: "The valid values ... are: note, warning and error";
# a result's level is SARIF's (3.27.10), `none` included
RULE_LEVELS = {"note", "warning", "error"}
RESULT_LEVELS = {"none", "note", "warning", "error"}
PRECISIONS = {"very-high", "high", "medium", "low"}
PROBLEM_SEVERITIES = {"error", "warning", "recommendation"}

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _text(obj: Any, key: str) -> str | None:
    """obj[key].text when it is a non-empty string ([support]: "The empty string is not
    supported for required properties")."""
    value = obj.get(key) if isinstance(obj, dict) else None
    text = value.get("text") if isinstance(value, dict) else None
    return text if isinstance(text, str) and text.strip() else None


def _line_count(path: Path) -> int:
    """Lines as upload-sarif's fingerprint hash counts them: every line start, with CR, LF and
    CRLF all ending a line."""
    data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.count(b"\n") + (0 if not data or data.endswith(b"\n") else 1)


class _Checker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = root.resolve()
        self.found: list[str] = []
        self.lines: dict[Path, int] = {}

    def problem(self, where: str, what: str) -> None:
        self.found.append(f"{where}: {what}")

    # the file as a whole

    def document(self, raw: bytes) -> None:
        if len(gzip.compress(raw)) > MAX_GZIP_BYTES:  # [support]
            self.problem("file", f"more than {MAX_GZIP_BYTES} bytes gzip-compressed")
        try:
            doc = json.loads(raw, parse_constant=_reject_constant)
        except ValueError as e:
            self.problem("file", f"not JSON: {e}")
            return
        if not isinstance(doc, dict):
            self.problem("file", "not a JSON object")
            return
        # [support] sarifLog: $schema, version 2.1.0 and runs[] are required
        if not isinstance(doc.get("$schema"), str) or not doc["$schema"]:
            self.problem("file", "no $schema")
        if doc.get("version") != "2.1.0":
            self.problem("file", f"version is {doc.get('version')!r}, not '2.1.0'")
        runs = doc.get("runs")
        if not isinstance(runs, list) or not runs:
            self.problem("file", "runs[] is missing or empty")
            return
        if len(runs) > MAX_RUNS:
            self.problem("file", f"{len(runs)} runs, more than {MAX_RUNS}")
        categories: dict[tuple[Any, ...], int] = {}
        for i, run in enumerate(runs):
            if not isinstance(run, dict):
                self.problem(f"runs[{i}]", "not an object")
                continue
            key = self.run(f"runs[{i}]", run)
            if key in categories:  # [runs]
                self.problem(f"runs[{i}]", f"same tool and category as runs[{categories[key]}]:"
                             " code scanning rejects a file with several runs per category")
            categories.setdefault(key, i)

    # a run

    def run(self, where: str, run: dict[str, Any]) -> tuple[Any, ...]:
        driver = (run.get("tool") or {}).get("driver")
        if not isinstance(driver, dict):
            self.problem(where, "no tool.driver")
            driver = {}
        if not isinstance(driver.get("name"), str) or not driver["name"].strip():
            self.problem(f"{where}.tool.driver", "no name")
        extensions = (run.get("tool") or {}).get("extensions") or []
        if len(extensions) > MAX_EXTENSIONS_PER_RUN:
            self.problem(where, f"{len(extensions)} tool extensions, more than "
                         f"{MAX_EXTENSIONS_PER_RUN}")
        rules = driver.get("rules")
        if not isinstance(rules, list):  # [support] toolComponent.rules[] is required
            self.problem(f"{where}.tool.driver", "no rules[]")
            rules = []
        if len(rules) > MAX_RULES_PER_RUN:
            self.problem(where, f"{len(rules)} rules, more than {MAX_RULES_PER_RUN}")
        ids: list[str] = []
        for j, rule in enumerate(rules):
            ids.append(self.rule(f"{where}.tool.driver.rules[{j}]", rule))
        for j, rule_id in enumerate(ids):
            if rule_id and ids.index(rule_id) != j:
                self.problem(f"{where}.tool.driver.rules[{j}]", f"id {rule_id!r} is defined twice")

        automation = run.get("automationDetails")
        category = None
        if automation is not None:
            run_id = automation.get("id") if isinstance(automation, dict) else None
            if not isinstance(run_id, str) or not run_id:
                self.problem(f"{where}.automationDetails", "id is not a non-empty string")
            else:
                # [support] runAutomationDetails: the category is the id up to its last '/'
                category = run_id.rpartition("/")[0] or None

        bases = run.get("originalUriBaseIds") or {}
        results = run.get("results")
        if not isinstance(results, list):  # [support] run.results[] is required
            self.problem(where, "no results[] (an empty array when nothing was found)")
            results = []
        if len(results) > MAX_RESULTS_PER_RUN:
            self.problem(where, f"{len(results)} results, more than {MAX_RESULTS_PER_RUN}")
        for k, result in enumerate(results):
            self.result(f"{where}.results[{k}]", result, ids, bases)
        return (driver.get("name"), driver.get("fullName"), driver.get("version"),
                driver.get("semanticVersion"), driver.get("guid"), category)

    def rule(self, where: str, rule: Any) -> str:
        if not isinstance(rule, dict):
            self.problem(where, "not an object")
            return ""
        rule_id = rule.get("id")
        if not isinstance(rule_id, str) or not rule_id.strip():
            self.problem(where, "no id")
            rule_id = ""
        name = rule.get("name")
        if name is not None and (not isinstance(name, str) or len(name) > MAX_RULE_NAME):
            self.problem(where, f"name is not a string of at most {MAX_RULE_NAME} characters")
        for key in ("shortDescription", "fullDescription"):
            text = _text(rule, key)
            if text is None:
                self.problem(where, f"no {key}.text")
            elif len(text) > MAX_DESCRIPTION:
                self.problem(where, f"{key}.text has {len(text)} characters, more than "
                             f"{MAX_DESCRIPTION}")
        if _text(rule, "help") is None:
            self.problem(where, "no help.text")
        level = (rule.get("defaultConfiguration") or {}).get("level")
        if level is not None and level not in RULE_LEVELS:
            self.problem(where, f"defaultConfiguration.level {level!r} is not one of "
                         f"{sorted(RULE_LEVELS)}")
        properties = rule.get("properties") or {}
        tags = properties.get("tags") or []
        if len(tags) > MAX_TAGS_PER_RULE:
            self.problem(where, f"{len(tags)} tags, more than {MAX_TAGS_PER_RULE}")
        if properties.get("precision", "high") not in PRECISIONS:
            self.problem(where, f"precision {properties['precision']!r} is not one of "
                         f"{sorted(PRECISIONS)}")
        if properties.get("problem.severity", "error") not in PROBLEM_SEVERITIES:
            self.problem(where, f"problem.severity {properties['problem.severity']!r} is not "
                         f"one of {sorted(PROBLEM_SEVERITIES)}")
        if "security-severity" in properties:
            try:
                score = float(properties["security-severity"])
            except (TypeError, ValueError):
                score = -1.0
            if not 0.0 < score <= 10.0:
                self.problem(where, "security-severity is not a number in (0, 10]")
        return rule_id

    # a result

    def result(self, where: str, result: Any, ids: list[str], bases: dict[str, Any]) -> None:
        if not isinstance(result, dict):
            self.problem(where, "not an object")
            return
        rule_id = result.get("ruleId")
        if not isinstance(rule_id, str) or rule_id not in ids:
            self.problem(where, f"ruleId {rule_id!r} is not a rule of tool.driver.rules")
        index = result.get("ruleIndex")
        if index is not None and (not isinstance(index, int) or not 0 <= index < len(ids)
                                  or ids[index] != rule_id):
            self.problem(where, f"ruleIndex {index!r} is not the index of rule {rule_id!r}")
        if result.get("level") is not None and result["level"] not in RESULT_LEVELS:
            self.problem(where, f"level {result['level']!r} is not one of {sorted(RESULT_LEVELS)}")
        if _text(result, "message") is None:
            self.problem(where, "no message.text")
        fingerprints = result.get("partialFingerprints")
        if fingerprints is not None and not (
                isinstance(fingerprints, dict)
                and all(isinstance(v, str) for v in fingerprints.values())):
            self.problem(where, "partialFingerprints is not an object of strings")
        locations = result.get("locations")
        if not isinstance(locations, list) or not locations:
            self.problem(where, "no location (upload-sarif rejects the whole file)")
            return
        if len(locations) > MAX_LOCATIONS_PER_RESULT:
            self.problem(where, f"{len(locations)} locations, more than "
                         f"{MAX_LOCATIONS_PER_RESULT}")
        for n, location in enumerate(locations):
            self.location(f"{where}.locations[{n}]", location, bases)
        for flow in result.get("codeFlows") or []:
            for thread in flow.get("threadFlows") or []:
                if len(thread.get("locations") or []) > MAX_THREAD_FLOW_LOCATIONS_PER_RESULT:
                    self.problem(where, "a thread flow has more than "
                                 f"{MAX_THREAD_FLOW_LOCATIONS_PER_RESULT} locations")

    def location(self, where: str, location: Any, bases: dict[str, Any]) -> None:
        physical = location.get("physicalLocation") if isinstance(location, dict) else None
        artifact = physical.get("artifactLocation") if isinstance(physical, dict) else None
        uri = artifact.get("uri") if isinstance(artifact, dict) else None
        if not isinstance(uri, str) or not uri:
            self.problem(where, "no physicalLocation.artifactLocation.uri")
            return
        assert isinstance(physical, dict) and isinstance(artifact, dict)
        path = self.file(where, uri)
        base_id = artifact.get("uriBaseId")
        if path is not None and base_id is not None:
            self.base(where, uri, base_id, bases, path)
        self.region(where, physical.get("region"), path)

    def file(self, where: str, uri: str) -> Path | None:
        """The repository's file a URI names on its own, as code scanning reads it: a relative
        reference, resolved against the repository root."""
        if SCHEME.match(uri) or uri.startswith(("/", "\\")) or "\\" in uri:
            self.problem(where, f"uri {uri!r} is not a relative path (a scheme, a leading '/' "
                         "or a backslash): code scanning reads it from the repository root")
            return None
        if "?" in uri or "#" in uri or PERCENT.search(uri):
            self.problem(where, f"uri {uri!r} has a query, a fragment or a bad %-escape")
            return None
        try:
            decoded = unquote_to_bytes(uri).decode("utf-8", "surrogateescape")
        except ValueError:
            self.problem(where, f"uri {uri!r} does not decode")
            return None
        segments = decoded.split("/")
        if any(s in ("", ".", "..") for s in segments) or "\0" in decoded:
            self.problem(where, f"uri {uri!r} has an empty, '.' or '..' segment: the same "
                         "file must always have the same path (fingerprints)")
            return None
        path = self.root.joinpath(*segments)
        if not path.is_file():
            self.problem(where, f"uri {uri!r} is not a regular file of the repository")
            return None
        # [support] "Symlink resolution": a result in a file reached through a link is not shown
        if path.resolve() != self.real_root.joinpath(*segments):
            self.problem(where, f"uri {uri!r} goes through a symbolic link (code scanning "
                         "cannot show it; report the file's real path)")
        return path

    def base(self, where: str, uri: str, base_id: Any, bases: dict[str, Any],
             path: Path) -> None:
        """Other SARIF readers resolve the URI against its base: it must name the same file."""
        base = bases.get(base_id) if isinstance(base_id, str) else None
        base_uri = base.get("uri") if isinstance(base, dict) else None
        if not isinstance(base_uri, str):
            self.problem(where, f"uriBaseId {base_id!r} is not in run.originalUriBaseIds")
            return
        if not base_uri.endswith("/"):
            self.problem(where, f"originalUriBaseIds[{base_id!r}] does not end in '/'")
            return
        full = urlsplit(urljoin(base_uri, uri))
        if full.scheme != "file":
            return  # only a file: base can be compared with the repository on disk
        target = Path(url2pathname(full.path))
        if target.resolve() != path.resolve():
            self.problem(where, f"uri {uri!r} against its base {base_uri!r} is {target}, not "
                         f"the repository's {path}")

    def region(self, where: str, region: Any, path: Path | None) -> None:
        # [upload-sarif] fingerprints need the start line: a result without one is accepted but
        # its alert is not tracked across runs
        if not isinstance(region, dict) or "startLine" not in region:
            self.problem(where, "no region.startLine (upload-sarif cannot fingerprint it)")
            return
        numbers = {k: region[k] for k in ("startLine", "startColumn", "endLine", "endColumn")
                   if k in region}
        for key, value in numbers.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                self.problem(where, f"region.{key} {value!r} is not a positive integer")
                return
        start, end = numbers["startLine"], numbers.get("endLine", numbers["startLine"])
        if end < start:
            self.problem(where, f"region ends (line {end}) before it starts (line {start})")
        elif end == start and numbers.get("endColumn", 1 << 62) < numbers.get("startColumn", 1):
            self.problem(where, "region ends before it starts on its line")
        if path is not None:
            if path not in self.lines:
                self.lines[path] = _line_count(path)
            last = max(self.lines[path], 1)  # an empty file is annotated at its line 1
            if start > last:
                self.problem(where, f"region.startLine {start} is past the file's {last} lines")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def problems(raw: bytes | str, root: Path | str) -> list[str]:
    """Why code scanning would not ingest this SARIF, made from the repository at `root`, in
    full: one line per problem (none when it would)."""
    checker = _Checker(Path(root))
    checker.document(raw.encode() if isinstance(raw, str) else raw)
    return checker.found


def assert_ingestible(raw: bytes | str, root: Path | str) -> None:
    found = problems(raw, root)
    assert not found, "SARIF that code scanning would not ingest:\n" + "\n".join(found[:50])


def result_files(raw: bytes | str) -> Iterable[str]:
    """Every result's first location's URI, decoded: for tests that compare with other formats."""
    for run in json.loads(raw)["runs"]:
        for result in run["results"]:
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            yield posixpath.normpath(unquote_to_bytes(uri).decode("utf-8", "surrogateescape"))

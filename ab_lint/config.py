"""Team configuration: `[workspace.metadata.ab-lint]` / `[package.metadata.ab-lint]` in the root
Cargo.toml, or ab-lint.toml / .ab-lint.toml / .config/ab-lint.toml at the root, or --config FILE.

Keys (all optional):
  target-phase = 2                         # or per runtime: { "dev-runtime" = 2 }
  select = ["AB1", "AB2"]
  ignore = ["AB401"]
  fail-on = "warning"                      # error | warning | info | never
  per-path-ignores = { "runtime/dev/**" = ["AB3"] }   # gitignore patterns, see _pattern
  severity = { AB304 = "error", AB4 = "info" }
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pathspec
import rtoml

from ab_lint import files
from ab_lint.diagnostics import InputError

FILES = ("ab-lint.toml", ".ab-lint.toml", ".config/ab-lint.toml")
SEVERITIES = ("error", "warning", "info")
KEYS = {"target-phase", "select", "ignore", "fail-on", "per-path-ignores", "severity"}


@dataclass
class Config:
    source: str | None = None
    target_phase: int | None = None
    # runtime crate name (or folder, as reports show it) -> its target phase
    runtime_phases: dict[str, int] = field(default_factory=dict)
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    per_path_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, str] = field(default_factory=dict)

    def ignored_at(self, rule: str, path: str | None) -> bool:
        if path is None:
            return False
        return any(any(rule.startswith(p) for p in ids) and _pattern(pattern).match_file(path)
                   for pattern, ids in self.per_path_ignores.items())

    def target_phase_of(self, crate: str, folder: str) -> int | None:
        return self.runtime_phases.get(crate, self.runtime_phases.get(folder,
                                                                       self.target_phase))

    def severity_of(self, rule: str, default: str) -> str:
        best = ""
        for prefix, severity in self.severity.items():
            if rule.startswith(prefix) and len(prefix) > len(best):
                best, default = prefix, severity
        return default


@lru_cache(maxsize=256)
def _pattern(glob: str) -> pathspec.PathSpec:
    """A per-path-ignores key read as one line of a .gitignore, the glob language the teams who
    write it already know: `*` stops at `/`, `**` spans folders, a pattern without a slash matches
    at any depth, one ending in `/` everything under that folder. fnmatch got all of these wrong
    (its `*` crosses `/`), and pathspec is a maintained implementation of git's rules rather than
    one of our own. Raises ValueError on a pattern git would not accept."""
    return pathspec.GitIgnoreSpec.from_lines([glob])


def load(root: Path, explicit: Path | None, rule_ids: set[str]) -> Config:
    """The settings for the repository at `root` (resolved). A settings file that exists but
    cannot be read (not a regular file, over the cap, a link out of the repository) is an
    error rather than skipped: silently linting without the team's settings would change which
    rules run and what fails the build."""
    if explicit is not None:
        return _from_file(explicit, None, rule_ids)
    top = files.repository_top(root)
    for name in FILES:
        if os.path.lexists(root / name):
            return _from_file(root / name, top, rule_ids)
    manifest = root / "Cargo.toml"
    try:
        text = files.read(manifest, files.MANIFEST_CAP, "manifest", top).decode("utf-8")
        data = rtoml.loads(text)
    except (files.Skipped, ValueError):  # TomlParsingError and UnicodeDecodeError included
        return Config()  # discovery reports a broken or missing manifest
    for table in ("workspace", "package"):
        section = data.get(table, {})
        metadata = section.get("metadata", {}) if isinstance(section, dict) else {}
        if isinstance(metadata, dict) and "ab-lint" in metadata:
            return _validate(metadata["ab-lint"], f"{manifest.name} "
                             f"[{table}.metadata.ab-lint]", rule_ids)
    return Config()


def _from_file(path: Path, top: Path | None, rule_ids: set[str]) -> Config:
    """A settings file: `--config FILE` (anywhere the user says, `top` None) or one found in the
    repository (inside `top`). Both must be regular files: a FIFO would block the run."""
    try:
        data = rtoml.loads(files.read(path, files.CONFIG_CAP, "config file", top)
                           .decode("utf-8"))
    except files.Skipped as e:
        raise InputError(f"{path}: cannot read config: {e}") from None
    except ValueError as e:  # rtoml.TomlParsingError and UnicodeDecodeError are ValueErrors
        raise InputError(f"{path}: malformed config: {e}") from e
    return _validate(data, str(path), rule_ids)


def _validate(data: Any, where: str, rule_ids: set[str]) -> Config:
    if not isinstance(data, dict):
        raise InputError(f"{where}: expected a table of settings")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key '{unknown[0]}' (known: {', '.join(sorted(KEYS))})")
    config = Config(source=where)
    if "target-phase" in data:
        value = data["target-phase"]
        if isinstance(value, dict):  # per runtime: { "dev-runtime" = 2, "runtimes/kusama" = 3 }
            config.runtime_phases = {str(k): _phase(v, f"{where}: target-phase.{k}")
                                     for k, v in value.items()}
        else:
            config.target_phase = _phase(value, f"{where}: target-phase")
    for key in ("select", "ignore"):
        if key in data:
            setattr(config, key, _ids(data[key], f"{where}: {key}", rule_ids))
    if "fail-on" in data:
        if data["fail-on"] not in SEVERITIES + ("never",):
            raise InputError(f"{where}: fail-on must be error, warning, info or never, "
                             f"not {data['fail-on']!r}")
        config.fail_on = data["fail-on"]
    paths = data.get("per-path-ignores", {})
    if not isinstance(paths, dict):
        raise InputError(f"{where}: per-path-ignores must be a table of glob = [rule ids]")
    config.per_path_ignores = {str(k): _ids(v, f"{where}: per-path-ignores.{k}", rule_ids)
                               for k, v in paths.items()}
    for glob in config.per_path_ignores:
        # A negation re-includes what an earlier line excluded; each key stands alone here, so
        # it would silently match nothing.
        if glob.startswith("!"):
            raise InputError(f"{where}: per-path-ignores: '{glob}' cannot be a negation "
                             f"(list the paths to ignore instead)")
        try:
            _pattern(glob)
        except ValueError as e:
            raise InputError(f"{where}: per-path-ignores: bad pattern '{glob}': {e}") from None
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise InputError(f"{where}: severity must be a table of rule id = severity")
    for rule, value in severity.items():
        _ids([rule], f"{where}: severity", rule_ids)
        if value not in SEVERITIES:
            raise InputError(f"{where}: severity.{rule} must be error, warning or info, "
                             f"not {value!r}")
        config.severity[rule.upper()] = value
    return config


def _phase(value: Any, where: str) -> int:
    if value not in (1, 2, 3) or isinstance(value, bool):
        raise InputError(f"{where} must be 1, 2 or 3 (or a table of runtime = phase), "
                         f"not {value!r}")
    return value


def _ids(value: Any, where: str, rule_ids: set[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: expected a list of rule ids")
    for v in value:
        if v.upper() != "ALL" and not any(r.startswith(v.upper()) for r in rule_ids):
            raise InputError(f"{where}: no rule matches '{v}'")
    return tuple(v.upper() for v in value)

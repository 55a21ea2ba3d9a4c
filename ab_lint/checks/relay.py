"""Relay prerequisites in the repository's local networks (AB001-AB002, DOMAIN section 1)."""

from __future__ import annotations

from collections.abc import Iterator

from ab_lint.checks import Hit, repo_check
from ab_lint.model import Located
from ab_lint.relay import RelayScan


def _at(config, key: str) -> Located:
    return Located(None, config.rel, config.line_of(key), 1)


@repo_check("AB001")
def async_backing_params(scan: RelayScan) -> Iterator[Hit]:
    for config in scan.configs:
        params = config.config.get("async_backing_params")
        if not isinstance(params, dict):
            continue
        depth, ancestry = params.get("max_candidate_depth"), params.get("allowed_ancestry_len")
        if (depth, ancestry) == (3, 2):
            continue
        scheduler = config.config.get("scheduler_params")
        if (depth, ancestry) == (0, 0) and isinstance(scheduler, dict) and (
                scheduler.get("lookahead", 0) >= 2):
            yield Hit(_at(config, "async_backing_params"), "deprecated",
                      found=f"{depth}/{ancestry}", severity="info", data={"file": config.rel})
        else:
            yield Hit(_at(config, "max_candidate_depth" if depth is not None
                          else "async_backing_params"), found=f"{depth}/{ancestry}",
                      expected="3/2", data={"file": config.rel})


@repo_check("AB002")
def scheduler_lookahead(scan: RelayScan) -> Iterator[Hit]:
    if not scan.configs:
        where = Located(None, scan.networks[0], 1, 1) if scan.networks else None
        yield Hit(where, "no_config", severity="info", data={"networks": scan.networks})
        return
    for config in scan.configs:
        cfg = config.config
        scheduler = cfg.get("scheduler_params")
        if isinstance(scheduler, dict) and "scheduling_lookahead" in scheduler:
            yield Hit(_at(config, "scheduling_lookahead"), "wrong_key", severity="error",
                      data={"file": config.rel})
            continue
        if config.new_format and "scheduling_lookahead" in cfg:
            yield Hit(_at(config, "scheduling_lookahead"), "old_key_new_spec", severity="error",
                      data={"file": config.rel})
            continue
        if not config.new_format and isinstance(scheduler, dict):
            yield Hit(_at(config, "scheduler_params"), "new_key_old_spec", severity="error",
                      data={"file": config.rel})
            continue
        value = scheduler.get("lookahead") if isinstance(scheduler, dict) else cfg.get(
            "scheduling_lookahead")
        key = "lookahead" if isinstance(scheduler, dict) else "scheduling_lookahead"
        if value is None:
            if "async_backing_params" in cfg or isinstance(scheduler, dict):
                yield Hit(_at(config, "scheduler_params" if scheduler else "config"), "implicit",
                          severity="warning", data={"file": config.rel})
        elif isinstance(value, int) and value < 2:
            yield Hit(_at(config, key), "too_low", found=value, expected=3, severity="error",
                      data={"file": config.rel})
        elif value == 2:
            yield Hit(_at(config, key), "older_guide", found=value, expected=3,
                      data={"file": config.rel})

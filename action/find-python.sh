#!/usr/bin/env bash
# The Action's first step: the runner's own Python, when it is new enough for ab-lint and can
# make a virtual environment (ubuntu runners' python3 is 3.12). Its path goes to the step output
# `python`; when there is none the output stays empty and the next step fetches one with
# actions/setup-python, without changing the job's PATH. A `python-version` input skips this:
# that version is fetched.
set -uo pipefail

minimum="3.11"  # pyproject's requires-python (tests/test_action.py holds them equal)
[ -n "${AB_LINT_PYTHON_VERSION:-}" ] && exit 0
for name in python3 python; do
    path="$(command -v "$name")" || continue
    if "$path" -c "import sys, venv, ensurepip
sys.exit(sys.version_info < tuple(map(int, '$minimum'.split('.'))))" 2>/dev/null; then
        [ -n "${GITHUB_OUTPUT:-}" ] && printf 'python=%s\n' "$path" >> "$GITHUB_OUTPUT"
        echo "ab-lint runs on $("$path" --version 2>&1) ($path)"
        exit 0
    fi
done
echo "no Python $minimum or newer with venv on the runner; actions/setup-python fetches one"

#!/usr/bin/env bash
# The Action's install step: ab-lint from this checkout in a virtual environment of its own under
# RUNNER_TEMP, with the exact dependency versions of action/constraints.txt. Nothing is added to
# the job's PATH or environment: the step outputs the paths of the venv's ab-lint and Python,
# and the lint step calls them by those paths.
#
# AB_LINT_PYTHON: the Python (3.11 or newer) the virtual environment is made with.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${AB_LINT_PYTHON:?the Python to make the virtual environment with}"
venv="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ab-lint-venv.XXXXXX")"

"$python" -m venv "$venv"
bin="$venv/bin"
[ -d "$bin" ] || bin="$venv/Scripts"  # Windows
pip=("$bin/python" -m pip --quiet --disable-pip-version-check --no-input)
"${pip[@]}" install -c "$here/constraints.txt" setuptools
"${pip[@]}" install -c "$here/constraints.txt" --no-build-isolation "$here/.."

exe=""
[ -f "$bin/python.exe" ] && exe=".exe"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
        printf 'ab-lint=%s\n' "$bin/ab-lint$exe"
        printf 'python=%s\n' "$bin/python$exe"
    } >> "$GITHUB_OUTPUT"
fi

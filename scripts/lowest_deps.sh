#!/usr/bin/env bash
# Run the tests against the lowest version of every runtime dependency that pyproject.toml
# allows, so a lower bound there is one that has been seen to pass, not a guess. The test extra
# stays at its newest versions: it is not what users install.
#
#   scripts/lowest_deps.sh              # builds .venv-lowest (kept, gitignored) and runs pytest -q
#   scripts/lowest_deps.sh -k config    # extra arguments go to pytest
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${LOWEST_VENV:-.venv-lowest}"

python3 -m venv --clear "$venv"
# One `name==X` line per `name>=X` in [project] dependencies; a dependency without a lower bound
# is an error, since "lowest" would then mean whatever ancient release the index still has.
python3 - >"$venv/lowest-constraints.txt" <<'PY'
import re
import tomllib

with open("pyproject.toml", "rb") as f:
    dependencies = tomllib.load(f)["project"]["dependencies"]
for dependency in dependencies:
    name = re.match(r"[A-Za-z0-9_.-]+", dependency).group(0)
    lower = re.search(r">=\s*([^,;\s]+)", dependency)
    if lower is None:
        raise SystemExit(f"pyproject.toml: {dependency!r} has no lower bound")
    print(f"{name}=={lower.group(1)}")
PY
echo "lowest allowed versions:" && sed 's/^/  /' "$venv/lowest-constraints.txt"
"$venv/bin/pip" install --quiet --constraint "$venv/lowest-constraints.txt" -e '.[test]'
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/python" -m pytest -q "$@"

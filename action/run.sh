#!/usr/bin/env bash
# The Action's lint step: one ab-lint run writes the annotations, the SARIF file and the job
# summary; the step then fails or not per the fail-on input.
#
# What ab-lint prints comes from the pull request's files, and the runner reads workflow
# commands from stdout and stderr alike. So while ab-lint runs the runner is told to stop
# reading them (::stop-commands:: with a token no file can know), and the annotations, written
# to a file, are printed once it reads them again.
set -uo pipefail

# A workflow command's message, escaped as the runner unescapes it.
escape_data() {
    local v=$1
    v=${v//%/%25}
    v=${v//$'\r'/%0D}
    v=${v//$'\n'/%0A}
    printf '%s' "$v"
}

# The install step's virtual environment: ab-lint by its path, so that the job's PATH is never
# changed (ab-lint from PATH when run on its own)
ab_lint="${AB_LINT_BIN:-ab-lint}"

fail() {  # fail CODE MESSAGE: one annotation, then the exit code
    printf '::error title=ab-lint::%s\n' "$(escape_data "$2")"
    exit "$1"
}

fail_on="${AB_LINT_FAIL_ON:-error}"
case "$fail_on" in
    error|warning|info|never) ;;
    *) fail 2 "fail-on must be error, warning, info or never, not '$fail_on'" ;;
esac
sarif="${AB_LINT_SARIF:-ab-lint.sarif}"
case "$sarif" in
    # written to $GITHUB_OUTPUT as name=value: a line break would add outputs of its own
    *[[:cntrl:]]*) fail 2 "sarif-file must be a path without control characters" ;;
esac

# `args` holds several flags, so it is split on white space; with pathname expansion off, so
# that `--ignore AB4*` stays AB4* even when the checkout holds a file named AB4x.
set -f
# shellcheck disable=SC2206  # split on purpose, never globbed (set -f)
extra=(${AB_LINT_ARGS:-})
set +f

work="$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/ab-lint.XXXXXX")"
trap 'rm -rf "$work"' EXIT
token="ab-lint-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

echo "::stop-commands::$token"
# `--` ends the options: a path input starting with '-' is still a path
"$ab_lint" check \
    --target-phase "${AB_LINT_TARGET_PHASE:-3}" \
    --fail-on "$( [ "$fail_on" = never ] && echo error || echo "$fail_on" )" \
    --format "github:$work/annotations" --format "sarif:$sarif" \
    --format "markdown:$work/summary.md" \
    ${extra[@]+"${extra[@]}"} -- "${AB_LINT_PATH:-.}"
code=$?
echo "::$token::"

if [ -f "$work/annotations" ]; then
    cat "$work/annotations"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$work/summary.md" ]; then
    cat "$work/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf 'sarif-file=%s\n' "$sarif" >> "$GITHUB_OUTPUT"
    printf 'exit-code=%s\n' "$code" >> "$GITHUB_OUTPUT"
fi

if [ "$code" -ge 2 ]; then
    exit "$code"  # bad input or settings (2), a bug of ab-lint (3): always a failure
fi
if [ "$fail_on" = never ]; then
    exit 0
fi
exit "$code"

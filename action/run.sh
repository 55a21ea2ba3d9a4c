#!/usr/bin/env bash
# The Action's lint step: one ab-lint run writes the annotations (stdout), the SARIF file and
# the job summary; the step then fails or not per the fail-on input.
set -uo pipefail

fail_on="${AB_LINT_FAIL_ON:-error}"
case "$fail_on" in
    error|warning|never) ;;
    *) echo "::error title=ab-lint::fail-on must be error, warning or never, not '$fail_on'"; exit 2 ;;
esac
sarif="${AB_LINT_SARIF:-ab-lint.sarif}"
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT

# shellcheck disable=SC2086  # AB_LINT_ARGS is a list of extra arguments
ab-lint check "${AB_LINT_PATH:-.}" \
    --target-phase "${AB_LINT_TARGET_PHASE:-3}" \
    --fail-on "$( [ "$fail_on" = never ] && echo error || echo "$fail_on" )" \
    --format github --format "sarif:$sarif" --format "markdown:$summary" \
    ${AB_LINT_ARGS:-}
code=$?

if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$summary" ]; then
    cat "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "sarif-file=$sarif" >> "$GITHUB_OUTPUT"
    echo "exit-code=$code" >> "$GITHUB_OUTPUT"
fi

if [ "$code" -ge 2 ]; then
    exit "$code"  # not a parachain, bad input or bad settings: always a failure
fi
if [ "$fail_on" = never ]; then
    exit 0
fi
exit "$code"

#!/usr/bin/env bash
# The Action's lint step: one ab-lint run writes the annotations, the SARIF file and the job
# summary; the step then fails or not per the fail-on input.
#
# On an input error (2) or a bug (3) the step fails with ab-lint's message as an annotation and
# leaves a SARIF file with no results where ab-lint wrote none, so an upload step after it does
# not fail a second time.
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

# The install step's virtual environment: ab-lint and its Python by their paths, so that the
# job's PATH is never changed (ab-lint and python3 from PATH when run on their own)
ab_lint="${AB_LINT_BIN:-ab-lint}"
python="${AB_LINT_PYTHON:-python3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

write_outputs() {  # write_outputs EXIT_CODE [REPORT]: the step's outputs
    [ -n "${GITHUB_OUTPUT:-}" ] || return 0
    {
        printf 'sarif-file=%s\n' "$sarif"
        printf 'exit-code=%s\n' "$1"
        "$python" "$here/outputs.py" phases "${2:-}"
    } >> "$GITHUB_OUTPUT"
}

fail() {  # fail CODE MESSAGE: one annotation, then the exit code
    printf '::error title=ab-lint::%s\n' "$(escape_data "$2")"
    exit "$1"
}

sarif="${AB_LINT_SARIF:-ab-lint.sarif}"
case "$sarif" in
    # written to $GITHUB_OUTPUT as name=value: a line break would add outputs of its own
    *[[:cntrl:]]*) fail 2 "sarif-file must be a path without control characters" ;;
esac
# Empty inputs pass no flag: the repository's settings (ab-lint.toml) then decide, as they do
# for a developer running ab-lint, and without settings ab-lint's defaults apply (fail on
# errors; each runtime held to its next phase).
fail_on="${AB_LINT_FAIL_ON:-}"
case "$fail_on" in
    ""|error|warning|info|never) ;;
    *)
        # an upload step after this one still finds a SARIF file (with no results)
        "$python" "$here/outputs.py" empty-sarif "$sarif" || true
        write_outputs 2
        fail 2 "fail-on must be error, warning, info or never, not '$fail_on'" ;;
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

before="$("$python" "$here/outputs.py" stamp "$sarif")"
echo "::stop-commands::$token"
# `--` ends the options: a path input starting with '-' is still a path. stderr is kept for the
# annotation below, and printed while commands are still stopped.
gates=()
[ -n "${AB_LINT_TARGET_PHASE:-}" ] && gates+=(--target-phase "$AB_LINT_TARGET_PHASE")
# never: findings still give exit code 1 (the exit-code output), and the step passes below
[ -n "$fail_on" ] && gates+=(--fail-on "$( [ "$fail_on" = never ] && echo error || echo "$fail_on")")
"$ab_lint" check \
    ${gates[@]+"${gates[@]}"} \
    --format "github:$work/annotations" --format "sarif:$sarif" \
    --format "markdown:$work/summary.md" --format "json:$work/report.json" \
    ${extra[@]+"${extra[@]}"} -- "${AB_LINT_PATH:-.}" 2> "$work/stderr"
code=$?
cat "$work/stderr" >&2
echo "::$token::"

if [ -f "$work/annotations" ]; then
    cat "$work/annotations"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ] && [ -s "$work/summary.md" ]; then
    cat "$work/summary.md" >> "$GITHUB_STEP_SUMMARY"
fi

if [ "$code" -ge 2 ]; then
    # bad input or settings (2), a bug of ab-lint (3): always a failure, said in an annotation
    # (ab-lint's own words, at most 4000 characters) and with a SARIF file for the upload step
    message="$(cat "$work/stderr")"
    message="${message:0:4000}"
    if [ "$("$python" "$here/outputs.py" stamp "$sarif")" = "$before" ]; then
        "$python" "$here/outputs.py" empty-sarif "$sarif" || true
    fi
    write_outputs "$code" "$work/report.json"
    fail "$code" "${message:-ab-lint stopped with exit code $code and printed nothing}"
fi
write_outputs "$code" "$work/report.json"
if [ "$fail_on" = never ]; then
    exit 0
fi
exit "$code"

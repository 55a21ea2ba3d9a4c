"""Text the scanned repository controls, made harmless for each output channel.

A pull request decides crate names, paths and file names, config keys, the ids in suppression
comments, string literals and constant expressions; all of them end up in messages. Whatever
reads ab-lint's output must see them as text, never as structure:

- a terminal and the GitHub runner's log (`display`, `guard_lines`): no control character,
  no line break, no bidi override; no line that starts with `::` (a workflow command, read
  from stdout and stderr after leading whitespace) and no `##[` (the legacy form, read
  anywhere in a line);
- GitHub workflow commands (`github_data`, `github_property`): GitHub's own escapes;
- Markdown (`markdown_code`, `markdown_text`, `markdown_message`): no HTML, link (a bare URL
  included), table cell, code span, heading or @mention that the repository wrote;
- SARIF (`sarif_text`, `sarif_uri`): no embedded link, and artifact URIs per RFC 3986;
- JSON (`json_guard`): JSON already escapes; only `##[` is left to break.

Escaping shows what was there (`\\x1b`, `\\u202e`, `\\n`): nothing is dropped.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

# Unicode categories Cc (C0, DEL, C1), Cf (format: bidi overrides and isolates, zero-width
# characters, BOM, tags), Zl and Zp (line and paragraph separators) and Cs (the surrogates a
# non-UTF-8 file name decodes to). Spelled out rather than computed from unicodedata at import
# (that costs 0.3 s); tests/test_injection.py checks it against the running Python's tables.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")
_INVISIBLE_BUT_BREAKS = re.compile(f"(?![\r\n]){_INVISIBLE.pattern}")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

LEGACY_COMMAND = "##["  # the runner's old `##[command]data`, matched anywhere in a line


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def display(text: object, breaks: bool = False) -> str:
    """One line of readable, inert text: invisible and control characters as escapes.

    `breaks=True` leaves CR and LF to a format that encodes them itself (GitHub's %0A)."""
    text = str(text)
    pattern = _INVISIBLE_BUT_BREAKS if breaks else _INVISIBLE
    text = pattern.sub(_escape_char, text)
    return text.replace(LEGACY_COMMAND, "#\\x23[")


def _starts_command(line: str) -> bool:
    # the runner trims leading white space before it looks for `::`
    return line.lstrip().startswith("::")


def guard_lines(text: str, colon: str = "\\x3a", hash_: str = "\\x23") -> str:
    """A whole report, line by line: no line starts a workflow command, none holds `##[`.

    ab-lint's own lines never start with `::`, so this only ever changes what a repository
    wrote (two fields side by side can form what neither holds alone). `colon` and `hash_`
    are how the format writes `:` and `#` without their meaning."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _starts_command(line):
            at = line.index("::")
            line = f"{line[:at]}{colon}{line[at + 1:]}"
        lines[i] = line.replace(LEGACY_COMMAND, f"#{hash_}[")
    return "\n".join(lines)


def terminal(text: object) -> str:
    """A message for stderr: one inert line."""
    return guard_lines(display(text))


# GitHub workflow commands, per the runner's ActionCommand escaping.

def github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


# Markdown (GitHub-flavoured): the job summary and pull-request comments.

# CommonMark makes any backslash-escaped ASCII punctuation literal; these are the ones with a
# meaning inline (emphasis, links, images, code, tables, strikethrough, math, footnotes,
# headings). `<`, `>` and `&` become entities so no raw HTML can form.
_MARKDOWN_ESCAPES = {ch: "\\" + ch for ch in "\\`*_[]!|~$^"}
_MARKDOWN_ESCAPES |= {"<": "&lt;", ">": "&gt;", "&": "&amp;",
                      # a zero-width space after @ and # (as Renovate writes it): GitHub links
                      # @user (and notifies them) and #123 in text, never in code
                      "@": "@&#8203;", "#": "\\#&#8203;"}
_MARKDOWN_TEXT = re.compile("[" + re.escape("".join(_MARKDOWN_ESCAPES)) + "]")
# GitHub links a bare `https://host` or `www.host` in prose (GFM's autolink extension); an
# escaped `:` or `.` there is shown the same and links nothing
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(:)(?=//)|(?<![A-Za-z0-9])((?i:www))(\.)")


def _no_autolink(match: re.Match[str]) -> str:
    return "\\:" if match[1] else f"{match[2]}\\."


def markdown_text(text: object) -> str:
    """Repository text as literal Markdown prose, on one line, safe in a table cell: what
    GitHub shows is the text itself, never HTML, a link, emphasis, a mention or a cell break."""
    escaped = _MARKDOWN_TEXT.sub(lambda m: _MARKDOWN_ESCAPES[m.group()], display(text))
    return _AUTOLINK.sub(_no_autolink, escaped)


def markdown_code(text: object, in_table: bool = False) -> str:
    """Repository text as a code span: inside one nothing is HTML, a link or a mention.

    The fence is one backtick longer than the longest run inside, so none closes it early."""
    content = display(text)
    if not content:
        return ""
    longest = max((len(run) for run in re.findall("`+", content)), default=0)
    fence = "`" * (longest + 1)
    if content[0] in "` " or content[-1] in "` ":
        content = f" {content} "  # CommonMark strips one space each side
    if in_table:
        content = content.replace("|", "\\|")  # GFM splits cells before code spans
    return f"{fence}{content}{fence}"


_BACKTICKS = re.compile("`+")


def _code_spans(text: str) -> list[tuple[bool, str]]:
    """`text` cut into (is_code, content) pieces as CommonMark reads backtick code spans."""
    pieces: list[tuple[bool, str]] = []
    runs = list(_BACKTICKS.finditer(text))
    plain_from, i = 0, 0
    while i < len(runs):
        opener = runs[i]
        closer = next((j for j in range(i + 1, len(runs))
                       if len(runs[j].group()) == len(opener.group())), None)
        if closer is None:
            i += 1  # an unmatched run is literal backticks
            continue
        pieces.append((False, text[plain_from:opener.start()]))
        pieces.append((True, text[opener.end():runs[closer].start()]))
        plain_from, i = runs[closer].end(), closer + 1
    pieces.append((False, text[plain_from:]))
    return [(code, part) for code, part in pieces if part]


def markdown_message(text: object, in_table: bool = False) -> str:
    """A rule's message: its `code` spans stay code spans, the rest is literal prose.

    The messages embed repository values, so a value can hold backticks; it then only changes
    where a span ends, and every piece is escaped for what it became."""
    out = []
    for code, part in _code_spans(str(text)):
        if code:
            out.append(markdown_code(part, in_table))
        else:
            out.append(markdown_text(part))
    return "".join(out)


# SARIF

def sarif_text(text: object) -> str:
    """A SARIF plain-text message: `[text](target)` would be a link (SARIF 3.11.6), so
    brackets are escaped with a backslash, and so is a backslash, as the format asks."""
    return re.sub(r"([\\\[\]])", r"\\\1", display(text))


def sarif_uri(path: str) -> str:
    """A repository-relative path as an RFC 3986 relative reference.

    Every byte outside the unreserved set and `/` is percent-encoded: spaces, `%`, `#`, `?`,
    `:` (a first segment with a colon would read as a scheme), backslashes, non-ASCII (as
    UTF-8), and the bytes of a name that is not UTF-8 (as they are on disk)."""
    try:
        data = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate no file name decodes to: keep it visible
        data = path.encode("utf-8", "surrogatepass")
    return quote(data, safe="/")


def safe_url(url: str) -> str:
    """An href: only http(s), anything else (javascript:, data:) becomes a dead link."""
    return url if re.match(r"https?://", url, re.IGNORECASE) else "#"


# JSON

def json_guard(dumped: str) -> str:
    """JSON text from json.dumps (ASCII, so no raw control or line-break character): `#` only
    occurs inside strings, where `\\u0023` is the same character to a JSON reader."""
    return dumped.replace(LEGACY_COMMAND, "#\\u0023[")

"""Render a fixture's HTML report and photograph it in headless Chromium (Debian's `chromium`).

usage: python scripts/html_screenshot.py [FIXTURE_DIR] [OUT.png]
Proves the page renders in a real browser with no network: Chromium starts with the network
features off and the page has no external resources.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1200,1600"]


def screenshot(fixture: Path, out: Path) -> Path:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        subprocess.run([sys.executable, "-m", "ab_lint", "--format", f"html:{page}", "--exit-zero",
                        str(fixture)], check=True, cwd=ROOT)
        subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp}/profile",
                        f"--screenshot={out.resolve()}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    return out


if __name__ == "__main__":
    fixture = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fixtures" / "phase1-done"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("ab-lint-report.png")
    print(screenshot(fixture, out))

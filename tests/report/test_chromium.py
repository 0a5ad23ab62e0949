"""End-to-end: the demo report renders in headless Chromium without console errors.

Needs Debian's ``chromium`` (``apt-get install -y chromium``; CI installs it when it can).
The test is skipped, saying so, when no Chromium binary is found.
"""
import os
import shutil
import struct
import subprocess

import pytest

from attractor.report import analyze, demo_data

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser"),
                             shutil.which("google-chrome")) if p and os.path.exists(p)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed "
                                                         "(apt-get install -y chromium); end-to-end test skipped")
HEADINGS = ("Data overview", "State-space reconstruction", "Nonlinearity test", "Invariants", "Models",
            "Summary of findings")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(tmp_path, name, *args):
    profile = tmp_path / f"profile-{name}"
    profile.mkdir()
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    traj, system = demo_data("lorenz", 3000)
    path = tmp_path_factory.mktemp("report") / "demo.html"
    analyze(traj, quick=True, true_system=system).to_html(path)
    return path


def test_screenshot_is_non_trivial(report_file, tmp_path):
    png = tmp_path / "shot.png"
    r = _chromium(tmp_path, "shot", f"--screenshot={png}", "--window-size=1280,4000", report_file.as_uri())
    assert png.exists(), r.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 4000)
    assert len(data) > 100_000  # a blank page compresses to a few kB; figures and text make it large


def test_dom_has_every_section_and_no_console_errors(report_file, tmp_path):
    r = _chromium(tmp_path, "dom", "--dump-dom", "--enable-logging=stderr", "--v=0", report_file.as_uri())
    dom = r.stdout
    for h in HEADINGS:
        assert f"<h2>{h}</h2>" in dom, f"missing section heading {h!r}"
    assert dom.count("<img ") >= 6
    console = _console_lines(r.stderr)
    assert console == [], console


def _console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
            or "Failed to load resource" in line]


def test_console_check_detects_errors(tmp_path):
    """Control: the console-error check used above does catch a failing script."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><h2>x</h2><script>undefinedFn();</script></body></html>")
    r = _chromium(tmp_path, "bad", "--dump-dom", "--enable-logging=stderr", "--v=0", bad.as_uri())
    assert any("undefinedFn" in line for line in _console_lines(r.stderr))

"""The explorer as a web page in a real browser: Voila on localhost, Debian's headless
Chromium driven by Playwright, every request to another host blocked and recorded.

Moving Russia's commitment down must re-run the model once (not once per key press), and
the page must then show what the Python API computes for the same settings: a lower share of
futures in which the reciprocity clause fires, and the fans' medians of B. The sliders act from
the branch date the page shows (January 2027, the month after the present): every month
before it is A's on the page, and months after it move. At 1280 x 720 the outcome table is in
words and the fans (with their legend) are shown at their own size.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from sim import load_scenario
from sim.explore import DEFAULT_SERIES, WhatIf, end_medians, outcome_differences

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
REPLICATES = 300
SCREENSHOT = os.environ.get("ALLIANCE_SIM_EXPLORER_SCREENSHOT")
"""Where to copy the page once the slider has moved (`make docs-screenshot`: docs/explorer.png)."""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="Chromium is not installed at /usr/bin/chromium "
        "(apt-get install chromium; .ci/run installs it)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """`python -m sim explore` on a free localhost port; yields its URL (with the token)
    and its process. The log is opened for appending: the server and the test share it."""
    port = _free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"voila-{port}.log", "a+")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "explore",
            "--port",
            str(port),
            "--replicates",
            str(REPLICATES),
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not (url := _printed_url(log)):
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the explorer server did not serve:\n{log.read()[-3000:]}")
            time.sleep(0.2)
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _printed_url(log) -> str | None:
    """The address `explore` printed (with its token), once it serves."""
    log.seek(0)
    for line in log:
        if line.startswith("The explorer: "):
            return line.split()[2]
    return None


def _table(page) -> dict[str, tuple[str, str]]:
    rows = page.locator("table.whatif-outcomes tr[data-outcome]")
    return {
        rows.nth(i).get_attribute("data-outcome"): (
            rows.nth(i).locator(".share-a").inner_text(),
            rows.nth(i).locator(".share-b").inner_text(),
        )
        for i in range(rows.count())
    }


def _runs(page) -> int:
    return int(page.locator(".whatif-status [data-runs]").get_attribute("data-runs"))


def test_moving_a_slider_in_the_browser_updates_table_and_fans(server, tmp_path):
    from playwright.sync_api import sync_playwright

    server, _ = server
    outside: list[str] = []

    def only_localhost(route) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.route("**/*", only_localhost)
            page.goto(server, wait_until="domcontentloaded")
            page.wait_for_selector(".whatif-status [data-runs='1']", timeout=120_000)
            page.screenshot(path=tmp_path / "1-start.png", full_page=True)
            branch = page.locator(".whatif-branch select")
            shown_branch = branch.evaluate("s => s.options[s.selectedIndex].text")
            assert shown_branch.replace("\xa0", " ") == "2027-01 (January 2027)"
            words = page.locator("table.whatif-outcomes td.outcome").all_inner_texts()
            assert "Partner joins a war (reciprocity clause)" in words
            assert not [w for w in words if "_" in w], words  # no raw ids
            shown = page.locator(".whatif-figure").evaluate(
                "img => img.clientWidth / img.naturalWidth"
            )
            assert shown >= 0.95, f"the fans are shrunk to {shown:.0%} at 1280 x 720"
            assert page.locator(".whatif-other-search input").count() == 1
            start = _table(page)
            assert all(a == b for a, b in start.values()), start  # B = A before any change
            figure_before = page.locator(".whatif-figure").screenshot()

            # Russia's commitment from 0.60 down to 0.10: fifty key presses, fifty changes
            handle = page.locator(".knob-russia-commitment .noUi-handle")
            handle.focus()
            for _ in range(50):
                page.keyboard.press("ArrowLeft")
            readout = page.locator(".knob-russia-commitment .widget-readout")
            assert readout.inner_text() == "0.10"
            page.wait_for_selector(
                ".whatif-status [data-settings='russia.commitment = 0.1']", timeout=60_000
            )
            runs = _runs(page)
            page.screenshot(path=tmp_path / "2-commitment-0.1.png", full_page=True)
            if SCREENSHOT:
                shutil.copyfile(tmp_path / "2-commitment-0.1.png", SCREENSHOT)
            after = _table(page)
            figure_after = page.locator(".whatif-figure").screenshot()
            items = page.locator(".whatif-medians li").all()
            medians = {
                li.get_attribute("data-series"): float(li.get_attribute("data-b")) for li in items
            }
            monthly = {
                li.get_attribute("data-series"): (
                    json.loads(li.get_attribute("data-monthly-a")),
                    json.loads(li.get_attribute("data-monthly-b")),
                )
                for li in items
            }
        finally:
            browser.close()

    assert outside == [], f"the page asked for outside resources: {outside}"
    assert 2 <= runs <= 3, f"50 key presses should queue one run (two at most), got {runs - 1}"

    what_if = WhatIf(load_scenario(ROOT / "scenarios" / "baseline.yaml"), REPLICATES)
    what_if.set("russia.commitment", 0.1)
    comparison = what_if.run()
    expected = outcome_differences(comparison).set_index("outcome")
    for outcome, (share_a, share_b) in after.items():
        assert share_a == f"{expected.loc[outcome, 'share_a'] * 100:.1f} %", outcome
        assert share_b == f"{expected.loc[outcome, 'share_b'] * 100:.1f} %", outcome
        assert share_a == start[outcome][0]  # A did not move
    reciprocity = expected.loc["reciprocity_fired"]
    assert reciprocity["share_b"] < reciprocity["share_a"]

    assert figure_after != figure_before
    branch = 31  # January 2027: months 0-30 (June 2024 to December 2026) are the history
    for series, (a, b) in monthly.items():
        assert a[:branch] == b[:branch], f"{series} moved before the branch date"
    moved = [s for s, (a, b) in monthly.items() if a[branch:] != b[branch:]]
    assert "spending:rok" in moved and "peninsula_tension" in moved, moved
    python = end_medians(comparison, DEFAULT_SERIES).set_index("series")["b"]
    assert medians == pytest.approx(python.to_dict(), rel=1e-5)


ATTACK = """<!DOCTYPE html><script>
const target = "127.0.0.1:%(port)d";
window.results = {};
(async () => {
  for (const [name, init] of [["page", {}], ["kernels", {method: "POST"}]]) {
    const path = name === "page" ? "/" : "/api/kernels";
    try {
      await fetch("http://" + target + path, {...init, mode: "no-cors", credentials: "include"});
      results[name] = "sent";
    } catch (error) { results[name] = "failed"; }
  }
  results.websocket = await new Promise((resolve) => {
    const ws = new WebSocket("ws://" + target + "/api/kernels/%(kernel)s/channels",
                             "v1.kernel.websocket.jupyter.org");
    ws.onopen = () => resolve("open");
    ws.onclose = () => resolve("refused");
  });
  results.done = true;
})();
</script>"""


def _kernels(process: subprocess.Popen) -> set[int]:
    """Process ids of the server's kernels."""
    import psutil

    tree = psutil.Process(process.pid).children(recursive=True)
    return {p.pid for p in tree if "ipykernel_launcher" in " ".join(p.cmdline())}


def test_a_page_of_another_localhost_port_cannot_start_a_kernel_or_drive_the_page(server):
    """The user has the explorer open (logged in: its cookie is sent to any port of
    127.0.0.1); a page served from another port tries to start a kernel and to connect to
    the user's kernel, whose widgets would save files."""
    import http.server
    import re
    import threading

    from playwright.sync_api import sync_playwright

    url, process = server
    port = int(urlparse(url).port)
    scenarios = sorted((ROOT / "scenarios").iterdir())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.goto(url, wait_until="domcontentloaded")
            page.wait_for_selector(".whatif-status [data-runs]", timeout=120_000)
            kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page.content()).group(1)
            before = _kernels(process)
            assert before  # the user's page has its kernel

            html = (ATTACK % {"port": port, "kernel": kernel}).encode()

            class Attacker(http.server.BaseHTTPRequestHandler):
                def do_GET(self) -> None:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    self.wfile.write(html)

                def log_message(self, *args) -> None:
                    pass

            with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Attacker) as attacker:
                threading.Thread(target=attacker.serve_forever, daemon=True).start()
                evil = browser.new_page()
                evil.goto(f"http://127.0.0.1:{attacker.server_address[1]}/")
                evil.wait_for_function("window.results && window.results.done", timeout=30_000)
                results = evil.evaluate("window.results")
                attacker.shutdown()
            time.sleep(2)  # a kernel start would have begun by now
            started = _kernels(process) - before
        finally:
            browser.close()

    assert results["websocket"] == "refused"
    assert started == set(), f"a page of another origin started kernels {started}"
    assert sorted((ROOT / "scenarios").iterdir()) == scenarios

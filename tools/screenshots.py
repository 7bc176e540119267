#!/usr/bin/env python3
"""Screenshots of the HTML reports on a phone and a desk, with a few measurements.

Usage::

    python tools/screenshots.py reports/2026-10-31            # every *.html in the folder
    python tools/screenshots.py a.html b.html --out /tmp/html-shots --widths 390 1280
    python tools/screenshots.py --lab reports/2026-10-31/portfolio_report.ipynb

For each HTML file and width it writes ``<stem>-<width>.png`` (the top of the page,
``--height`` px tall) and ``<stem>-<width>-<section>.png`` for each section heading
(``h2`` with an id; the page opened at ``#id``), and prints what it measured in the page:

* ``page``: the page's width (``scrollWidth``) against the window's; wider means the
  page scrolls sideways, which it never should;
* ``overflow``: elements that reach past the window's right edge and are not inside a box
  that scrolls (``overflow-x: auto``);
* ``chart text``: the smallest chart text in CSS px as drawn (the SVG's smallest
  ``font-size`` times the drawn width over its ``viewBox`` width);
* ``overlap``: cover parts (title block, colophon) that lie over each other, and elements
  placed with ``position: absolute`` or ``fixed``.

``--lab NOTEBOOK`` instead opens an executed notebook in JupyterLab (a server started on
``--port`` in a temporary folder, stopped afterwards) and takes a screenshot of it, as
trusted (``jupyter trust``) and, with ``--untrusted`` as well, as opened from disk.

Needs Debian's ``chromium`` (``apt-get install -y chromium``); run from the repository
root with the project's Python (``PYTHONPATH=src .venv/bin/python tools/screenshots.py``).
The measurements use a copy of the page with a small script added; the report itself
holds no script.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  "--no-first-run", "--disable-background-networking", "--mute-audio"]

# Runs in the page once it has loaded; returns what it found (an object, by value).
_MEASURE_JS = r"""
(() => {
  const W = window.innerWidth;
  const out = {window: W, page: document.documentElement.scrollWidth,
               height: document.documentElement.scrollHeight,
               overflow: [], chartPx: null, charts: 0, overlap: [], absolute: []};
  const scrolls = el => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > W + 0.5 && !scrolls(el)
        && !out.overflow.some(o => el.closest(o.sel))) {
      out.overflow.push({sel: name(el), right: Math.round(r.right)});
    }
    const pos = getComputedStyle(el).position;
    if (pos === 'absolute' || pos === 'fixed') out.absolute.push(name(el));
  }
  for (const img of document.querySelectorAll('img[src^="data:image/svg+xml;base64,"]')) {
    const svg = atob(img.src.split(',')[1]);
    const vb = /viewBox="[-\d.]+ [-\d.]+ ([\d.]+)/.exec(svg);
    const sizes = [...svg.matchAll(/font-size[=:]"?\s*([\d.]+)/g)].map(m => parseFloat(m[1]));
    if (!vb || !sizes.length) continue;
    const px = Math.min(...sizes) * img.getBoundingClientRect().width / parseFloat(vb[1]);
    out.charts += 1;
    out.chartPx = out.chartPx === null ? px : Math.min(out.chartPx, px);
  }
  // cover parts over each other, and anything placed absolutely over text outside it
  const boxes = [...document.querySelectorAll('.pe-cover-band, .pe-cover-body > *, .pe-cover-foot')]
    .map(el => [el, [el]]);
  for (const el of document.body.querySelectorAll('*')) {
    const pos = getComputedStyle(el).position;
    if (pos === 'absolute' || pos === 'fixed') {
      boxes.push([el, [...document.body.querySelectorAll('p, h1, h2, h3, li, table, figure')]
        .filter(t => !el.contains(t) && !t.contains(el))]);
    }
  }
  const hit = (a, b) => a.height && b.height && a.left < b.right && b.left < a.right
    && a.top < b.bottom && b.top < a.bottom;
  for (const [el, others] of boxes) {
    for (const other of others) {
      if (other !== el && !el.contains(other) && !other.contains(el)
          && hit(el.getBoundingClientRect(), other.getBoundingClientRect())) {
        const pair = name(el) + ' / ' + name(other);
        if (!out.overlap.includes(pair)) out.overlap.push(pair);
      }
    }
  }
  return out;
})()
"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("chromium not found: apt-get install -y chromium")


class Browser:
    """Headless Chromium driven through the DevTools protocol (over tornado's websocket).

    ``chromium --screenshot --window-size=390,…`` does not give a 390 px page: headless
    windows are at least 500 px wide, and the screenshot is that layout cut off at 390.
    Here the viewport is set with ``Emulation.setDeviceMetricsOverride`` (a phone:
    ``mobile`` on, so the page's ``<meta name="viewport">`` counts), which is exact.
    """

    def __init__(self) -> None:
        self.profile = Path(tempfile.mkdtemp(prefix="pe-chromium-"))
        self.proc = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline:
                self.close()
                raise SystemExit("chromium did not open its DevTools port")
            time.sleep(0.2)
        self.port = int(port_file.read_text().split()[0])
        from tornado.ioloop import IOLoop

        self.loop = IOLoop()
        self.ws = None
        self.ids = 0

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # the browser this script started
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _connect(self) -> None:
        from tornado.websocket import websocket_connect

        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as r:  # noqa: S310
            pages = [t for t in json.load(r) if t["type"] == "page"]
        self.ws = await websocket_connect(pages[0]["webSocketDebuggerUrl"],
                                          max_message_size=512 * 1024 * 1024)

    async def _call(self, method: str, wait_for: str | None = None, **params: object) -> dict:
        if self.ws is None:
            await self._connect()
        self.ids += 1
        ident = self.ids
        self.ws.write_message(json.dumps({"id": ident, "method": method, "params": params}))
        result, seen = None, wait_for is None
        while result is None or not seen:
            msg = json.loads(await self.ws.read_message())
            if msg.get("id") == ident:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                result = msg.get("result", {})
            elif wait_for and msg.get("method") == wait_for:
                seen = True
        return result

    def call(self, method: str, wait_for: str | None = None, **params: object) -> dict:
        return self.loop.run_sync(lambda: self._call(method, wait_for, **params), timeout=120)

    def open(self, url: str, width: int, height: int, *, mobile: bool, settle: float) -> None:
        self.call("Page.enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)
        self.call("Page.navigate", wait_for="Page.loadEventFired", url=url)
        time.sleep(settle)  # fonts and images decoded; an app such as JupyterLab drawn

    def evaluate(self, expression: str) -> object:
        out = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                        awaitPromise=True)
        return out.get("result", {}).get("value")

    def screenshot(self, png: Path, *, y: int = 0, width: int, height: int) -> None:
        """A ``width`` × ``height`` px part of the page from ``y`` down."""
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": y, "width": width, "height": height, "scale": 1})
        png.write_bytes(base64.b64decode(shot["data"]))


def shoot_html(files: list[Path], out: Path, widths: list[int], height: int,
               pages: int) -> int:
    """Screenshots (``pages`` window heights of each page, 0: all) and measurements."""
    problems = 0
    with Browser() as browser:
        for html_file in files:
            for width in widths:
                browser.open(html_file.resolve().as_uri(), width, height, mobile=width < 600,
                             settle=1.0)
                m = browser.evaluate(_MEASURE_JS) or {"error": "nothing measured"}
                total = int(m.get("height", height))
                count = -(-total // height) if pages == 0 else min(pages, -(-total // height))
                shots = []
                for i in range(count):
                    png = out / (f"{html_file.stem}-{width}.png" if i == 0
                                 else f"{html_file.stem}-{width}-{i + 1:02d}.png")
                    browser.screenshot(png, y=i * height, width=width,
                                       height=min(height, total - i * height))
                    shots.append(png)
                bad = ("error" in m or m["page"] > m["window"] or m["overflow"] or m["overlap"]
                       or (m["chartPx"] is not None and m["chartPx"] < 7.95))
                problems += bool(bad)
                chart = "-" if m.get("chartPx") is None else f"{m['chartPx']:.1f} px"
                print(f"{html_file.name} @ {width} px: page {m.get('page')} px wide "
                      f"(window {m.get('window')}), {total} px tall; smallest chart text "
                      f"{chart} ({m.get('charts', 0)} charts); overflow "
                      f"{m.get('overflow', [])[:5]}; overlap {m.get('overlap', [])}; "
                      f"absolute {m.get('absolute', [])[:5]}{'  <-- CHECK' if bad else ''}")
                print(f"    {len(shots)} screenshot(s): {shots[0]}"
                      + (f" … {shots[-1].name}" if len(shots) > 1 else ""))
    return problems


def _wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (localhost)
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"JupyterLab did not answer at {url}")


def shoot_lab(notebook: Path, out: Path, port: int, width: int, height: int,
              untrusted: bool) -> None:
    """Screenshots of an executed notebook in JupyterLab (trusted; and untrusted if asked)."""
    bindir = Path(sys.executable).parent
    jupyter = bindir / "jupyter" if (bindir / "jupyter").exists() else Path("jupyter")
    root = Path(tempfile.mkdtemp(prefix="pe-lab-"))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"),
           "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_DATA_DIR": str(root / ".data")}
    src = os.environ.get("PYTHONPATH")
    cases = [("trusted", True)] + ([("untrusted", False)] if untrusted else [])
    for label, trusted in cases:
        name = f"{notebook.stem}-{label}.ipynb"
        data = json.loads(notebook.read_text(encoding="utf-8"))
        # the copies must differ: trust goes by a signature of the content
        data.setdefault("metadata", {})["screenshot_copy"] = label
        (root / name).write_text(json.dumps(data), encoding="utf-8")
        if trusted:
            subprocess.run([str(jupyter), "trust", str(root / name)], env=env,
                           capture_output=True, check=False, timeout=60)
    server = subprocess.Popen(
        [str(jupyter), "lab", "--no-browser", f"--port={port}", "--ServerApp.token=",
         "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
         "--LabApp.news_url=", "--LabApp.extension_manager=readonly",
         *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
        env={**env, **({"PYTHONPATH": src} if src else {})},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        _wait_for(f"http://localhost:{port}/lab", 60)
        for label, _ in cases:
            # a fresh browser each: a <style> left in the page by one notebook's outputs
            # styles every notebook open in the same JupyterLab
            with Browser() as browser:
                browser.open(f"http://localhost:{port}/lab/tree/{notebook.stem}-{label}.ipynb?reset",
                             width, height, mobile=False, settle=12.0)
                png = out / f"lab-{notebook.stem}-{label}.png"
                browser.screenshot(png, width=width, height=height)
            print(f"JupyterLab ({label}): {png}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server this script started, and its kernels
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="HTML files or report folders")
    parser.add_argument("--out", type=Path, default=Path("/tmp/html-shots"))
    parser.add_argument("--widths", type=int, nargs="+", default=[390, 1280])
    parser.add_argument("--height", type=int, default=2400, help="window height (px)")
    parser.add_argument("--pages", type=int, default=0,
                        help="screenshots per page and width, each a window tall (0: all)")
    parser.add_argument("--lab", type=Path, metavar="NOTEBOOK",
                        help="screenshot this executed notebook in JupyterLab instead")
    parser.add_argument("--untrusted", action="store_true",
                        help="with --lab: also open it untrusted, as from disk")
    parser.add_argument("--port", type=int, default=8899)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.lab:
        shoot_lab(args.lab, args.out, args.port, max(args.widths), args.height, args.untrusted)
        return 0
    files = sorted(f for p in args.paths for f in ([p] if p.is_file() else p.glob("*.html")))
    if not files:
        parser.error("give HTML files or folders that hold some")
    problems = shoot_html(files, args.out, args.widths, args.height, args.pages)
    print(f"{problems} page/width combination(s) to check" if problems else "all pages fit")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

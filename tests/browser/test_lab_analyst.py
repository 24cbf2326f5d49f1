"""The "Be the analyst" chapter in a real JupyterLab, clicked in headless Chromium.

A temporary copy of book/be_the_analyst.ipynb (quick mode, its label store in
a temporary folder) is opened in JupyterLab (127.0.0.1, a token, temporary
Jupyter folders), run, and answered: Anomaly, Nominal, then "Oracle answers
next N" (N = 5), then Skip and Undo. The panel's count and its plot must change after each
click, and the store must hold every answer. Then the kernel is killed
(SIGKILL, as a crash), the notebook reopened in a new tab and run again: the
panel must come back with every answer (same count, same store), and take
the next one.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

NOTEBOOK = ROOT / "book" / "be_the_analyst.ipynb"
PANEL = ".adlib-panel-toy2-yours"
TIMEOUT_MS = 180_000  # a shared 2-core machine: generous


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(tmp: Path) -> Path:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    (cell,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    src = re.sub(r"^quick\s*=.*$", "quick = True", cell.source, flags=re.M)
    src = re.sub(r"^store_dir\s*=.*$", f"store_dir = {str(tmp / 'store')!r}", src, flags=re.M)
    assert "quick = True" in src and "store_dir = '" in src, "parameters cell changed shape"
    cell.source = src
    work = tmp / "lab"
    work.mkdir()
    path = work / NOTEBOOK.name
    nbformat.write(nb, path)
    return path


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving the temporary notebook copy; stopped by pid."""
    nb_path = _prepare(tmp_path)
    port, token = free_port(), "adlib-test-token"
    dirs = {k: tmp_path / k.lower() for k in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
                                              "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                                              "JUPYTERLAB_SETTINGS_DIR",
                                              "JUPYTERLAB_WORKSPACES_DIR")}
    for d in dirs.values():
        d.mkdir()
    notif = dirs["JUPYTERLAB_SETTINGS_DIR"] / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True)
    (notif / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = {**os.environ, **{k: str(v) for k, v in dirs.items()},
           "ADLIB_FIGURES": str(tmp_path / "figures"), "JUPYTER_PLATFORM_DIRS": "1"}
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--allow-root", "--no-browser",
         "--ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={nb_path.parent}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--ServerApp.port_retries=0"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=nb_path.parent)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("JupyterLab did not start:\n"
                            + (tmp_path / "lab.log").read_text(errors="replace")[-3000:])
            time.sleep(0.5)
    try:
        yield {"url": f"{base}/lab/tree/{nb_path.name}?token={token}", "proc": proc,
               "store": tmp_path / "store" / "be_the_analyst_toy2.jsonl",
               "log": tmp_path / "lab.log"}
    finally:
        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')]
      .some(e => e.textContent.includes('Idle'));
  return k && k.status === 'idle' && k.connectionStatus === 'connected' && bar;
}"""


def _open_and_run(context, url):
    page = context.new_page()
    page.goto(url)
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.locator(f"{PANEL} .adlib-count").wait_for(state="visible", timeout=TIMEOUT_MS)
    page.wait_for_function(KERNEL_IDLE, timeout=TIMEOUT_MS)  # every cell done
    return page


def _count(page) -> str:
    return page.locator(f"{PANEL} .adlib-count").inner_text()


def _wait_count(page, prefix: str):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([sel, prefix]) => { const e = document.querySelector(sel);"
            " return e && e.textContent.startsWith(prefix); }",
            arg=[f"{PANEL} .adlib-count", prefix], timeout=60_000)
    except PlaywrightTimeout:
        shown = page.locator(f"{PANEL} .adlib-count").all_inner_texts()
        status = page.locator(f"{PANEL} .adlib-status").all_inner_texts()
        pytest.fail(f"the panel's count did not become {prefix!r} within 60 s: it shows {shown}"
                    f" (status: {status}); a button or its handler is broken", pytrace=False)


def _plot_src(page) -> str:
    return page.locator(f"{PANEL} img.adlib-plot").get_attribute("src")


def _wait_plot_change(page, old: str) -> str:
    page.wait_for_function(
        "([sel, old]) => { const e = document.querySelector(sel);"
        " return e && e.getAttribute('src') && e.getAttribute('src') !== old; }",
        arg=[f"{PANEL} img.adlib-plot", old], timeout=30_000)
    return _plot_src(page)


def _stored(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()[1:] if x.strip()]


def test_click_kill_reopen_resume(browser_context, lab, artifacts):
    t0 = time.monotonic()
    page = _open_and_run(browser_context, lab["url"])
    t_run = time.monotonic() - t0
    assert _count(page).startswith("0 answers"), _count(page)
    plot0 = _plot_src(page)
    assert plot0

    page.locator(f"{PANEL} .adlib-anomaly").click()
    _wait_count(page, "1 answers · 1 anomalies")
    plot1 = _wait_plot_change(page, plot0)  # fails (timeout) if the plot is not redrawn
    page.locator(f"{PANEL} .adlib-nominal").click()
    _wait_count(page, "2 answers · 1 anomalies")
    n_input = page.locator(f"{PANEL} .adlib-oracle-n input")
    n_input.fill("5")
    n_input.press("Enter")
    page.locator(f"{PANEL} .adlib-oracle").click()
    _wait_count(page, "7 answers")
    _wait_plot_change(page, plot1)
    assert page.locator(f"{PANEL} .adlib-progress").get_attribute("aria-valuenow") in (None, "5")
    page.locator(f"{PANEL} .adlib-skip").click()
    _wait_count(page, "7 answers · ")
    page.wait_for_function("([sel]) => document.querySelector(sel).textContent.includes('1 skipped')",
                           arg=[f"{PANEL} .adlib-count"], timeout=60_000)
    page.locator(f"{PANEL} .adlib-undo").click()  # takes the skip back
    page.wait_for_function("([sel]) => !document.querySelector(sel).textContent.includes('skipped')",
                           arg=[f"{PANEL} .adlib-count"], timeout=60_000)
    before = _count(page)
    stored = _stored(lab["store"])
    assert [e["type"] for e in stored] == ["answer"] * 7 + ["skip", "undo"]
    assert [e["label"] for e in stored[:2]] == [1, 0]
    page.screenshot(path=str(artifacts / "lab_analyst_answered.png"), full_page=False)

    # The kernel dies (SIGKILL); the notebook is opened again in a new tab and re-run.
    kernels = [p for p in psutil.Process(lab["proc"].pid).children(recursive=True)
               if "ipykernel" in " ".join(p.cmdline())]
    assert kernels, "no kernel process found under the JupyterLab server"
    for k in kernels:
        k.kill()
    page.close()
    t1 = time.monotonic()
    page = _open_and_run(browser_context, lab["url"])
    t_resume = time.monotonic() - t1
    _wait_count(page, "7 answers")
    assert _count(page) == before, "the resumed panel lost answers"
    assert len(_stored(lab["store"])) == 9, "resuming wrote to the store"
    page.locator(f"{PANEL} .adlib-nominal").click()  # and it goes on
    _wait_count(page, "8 answers")
    assert [e["type"] for e in _stored(lab["store"])][-1] == "answer"
    page.screenshot(path=str(artifacts / "lab_analyst_resumed.png"), full_page=False)
    (artifacts / "lab_analyst_timings.json").write_text(json.dumps(
        {"open_and_run_s": round(t_run, 1), "reopen_and_run_s": round(t_resume, 1),
         "total_s": round(time.monotonic() - t0, 1)}))

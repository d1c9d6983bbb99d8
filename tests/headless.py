"""Open a page in headless Chromium and report what a reader's browser would complain about.

Chromium is driven over its DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages separated by NUL bytes on file descriptors 3 and 4), so no WebDriver, Selenium or
websocket library is needed. :func:`open_page` loads a ``file://`` page, waits for its load
event and a quiet moment, and returns every console error, uncaught exception, failed
resource load and refused request, a few facts about the laid-out page, and a screenshot.
:func:`browse` opens a live server's page and yields a :class:`Tab` to evaluate script in,
wait for, click and press keys on, as a person would.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Seconds a page may take to load, and the quiet time after its load event.
LOAD_TIMEOUT = 60.0
SETTLE = 0.5
FLAGS = (
    "--headless",
    "--no-sandbox",  # root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-pipe",
)
#: What the page reports about itself once laid out.
FACTS = """JSON.stringify({
  title: document.title,
  lang: document.documentElement.lang,
  dir: getComputedStyle(document.body).direction,
  headings: [...document.querySelectorAll("h1, h2")].map(h => h.textContent.trim()),
  charts: document.querySelectorAll("svg").length,
  tables: document.querySelectorAll("table").length,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  fonts: [...document.fonts].map(f => f.family + ":" + f.status),
  height: document.documentElement.scrollHeight,
  body: [document.body.getBoundingClientRect().left, document.body.getBoundingClientRect().width],
})"""


@dataclass
class Page:
    """What Chromium made of a page."""

    problems: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    screenshot: bytes = b""


class _Pipe:
    """The DevTools protocol over two pipes: commands out, replies and events in."""

    def __init__(self, to_browser: int, from_browser: int) -> None:
        self.out, self.inp = to_browser, from_browser
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.inp, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return dict(json.loads(message))

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and return its result; events read meanwhile are kept."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.out, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + LOAD_TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float) -> None:
        """Read events until ``method`` arrives."""
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read(deadline))

    def drain(self, seconds: float) -> None:
        """Keep reading events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                self.events.append(self._read(deadline))
            except TimeoutError:
                return


def _high(fd: int) -> int:
    return fcntl.fcntl(fd, fcntl.F_DUPFD, 10)


def _problems(events: list[dict[str, Any]]) -> list[str]:
    """Console errors, uncaught exceptions, failed loads and HTTP errors among ``events``."""
    out = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            out.append(f"uncaught: {details.get('exception', {}).get('description', details)}")
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            out.append(f"console.{params['type']}: {args}")
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            out.append(f"log ({entry['source']}): {entry['text']} {entry.get('url', '')}")
        elif method == "Network.loadingFailed":
            out.append(f"failed load: {params['errorText']} ({params.get('type', '')})")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            out.append(f"HTTP {params['response']['status']}: {params['response']['url']}")
    return out


def chromium() -> str | None:
    """Return the Chromium command, or None if it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def open_page(path: Path, width: int = 1200, height: int = 1400) -> Page:
    """Load ``path`` in headless Chromium; return its problems, facts and a screenshot.

    The screenshot shows the first ``width`` x ``height`` CSS pixels.
    """
    with _browser() as pipe:
        return _visit(pipe, path, width, height)


class Tab:
    """A page of a live server in headless Chromium, driven as a person would.

    Made by :func:`browse`; ``problems`` lists what the browser complained of so far.
    """

    def __init__(self, pipe: _Pipe, session: str) -> None:
        self.pipe, self.session = pipe, session

    def evaluate(self, expression: str) -> Any:
        """Return the value of a JavaScript expression in the page (promises awaited)."""
        reply = self.pipe.call(
            "Runtime.evaluate",
            self.session,
            expression=expression,
            returnByValue=True,
            awaitPromise=True,
        )
        if "exceptionDetails" in reply:
            raise RuntimeError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_until(self, expression: str, timeout: float = LOAD_TIMEOUT) -> Any:
        """Poll ``expression`` until it is truthy; return its value or raise TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout:.0f} s for {expression}")
            self.pipe.drain(0.25)

    def click(self, x: float, y: float) -> None:
        """Press and release the left mouse button at page coordinates (CSS pixels)."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.pipe.call(
                "Input.dispatchMouseEvent",
                self.session,
                type=kind,
                x=x,
                y=y,
                button="left" if kind != "mouseMoved" else "none",
                clickCount=1 if kind != "mouseMoved" else 0,
            )

    def key(self, name: str, code: int) -> None:
        """Press and release a key (``"ArrowRight"``, 39) in the focused element."""
        for kind in ("rawKeyDown", "keyUp"):
            self.pipe.call(
                "Input.dispatchKeyEvent",
                self.session,
                type=kind,
                key=name,
                code=name,
                windowsVirtualKeyCode=code,
            )

    def screenshot(self) -> bytes:
        """Return a PNG of the viewport."""
        shot = self.pipe.call("Page.captureScreenshot", self.session, format="png")
        return base64.b64decode(shot["data"])

    @property
    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, failed loads and HTTP errors so far."""
        return _problems(self.pipe.events)


@contextlib.contextmanager
def browse(url: str, width: int = 1300, height: int = 1600) -> Iterator[Tab]:
    """Open ``url`` (a live server) in headless Chromium; yield the :class:`Tab`."""
    with _browser() as pipe:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            pipe.call(f"{domain}.enable", session)
        pipe.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        pipe.events.clear()
        pipe.call("Page.navigate", session, url=url)
        pipe.wait_for("Page.loadEventFired", LOAD_TIMEOUT)
        yield Tab(pipe, session)


@contextlib.contextmanager
def _browser() -> Iterator[_Pipe]:
    """Start headless Chromium on a DevTools pipe; end it afterwards."""
    command = chromium()
    if command is None:
        raise FileNotFoundError("chromium is not installed")
    to_read, to_browser = os.pipe()  # Chromium reads commands on fd 3 ...
    from_browser, to_write = os.pipe()  # ... and writes replies and events on fd 4.
    read_end, write_end = _high(to_read), _high(to_write)

    def wire() -> None:
        os.dup2(read_end, 3)
        os.dup2(write_end, 4)

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        proc = subprocess.Popen(
            [command, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire,  # before exec: pytest runs tests in one thread
            start_new_session=True,  # its helper processes can be ended with it
        )
        for fd in (to_read, to_write, read_end, write_end):
            os.close(fd)
        pipe = _Pipe(to_browser, from_browser)
        try:
            yield pipe
        finally:
            _close(pipe, proc)
            os.close(to_browser)
            os.close(from_browser)


def _close(pipe: _Pipe, proc: subprocess.Popen[bytes]) -> None:
    """Ask the browser to quit; end its process group if it does not within 10 s."""
    with contextlib.suppress(OSError, TimeoutError, ConnectionError, RuntimeError):
        pipe.call("Browser.close")
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def _visit(pipe: _Pipe, path: Path, width: int, height: int) -> Page:
    target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Runtime", "Log", "Network", "Page"):
        pipe.call(f"{domain}.enable", session)
    pipe.call(
        "Emulation.setDeviceMetricsOverride",
        session,
        width=width,
        height=height,
        deviceScaleFactor=1,
        mobile=False,
    )
    pipe.events.clear()  # about:blank's
    pipe.call("Page.navigate", session, url=path.resolve().as_uri())
    pipe.wait_for("Page.loadEventFired", LOAD_TIMEOUT)
    pipe.call("Runtime.evaluate", session, expression="document.fonts.ready", awaitPromise=True)
    pipe.drain(SETTLE)
    facts = pipe.call("Runtime.evaluate", session, expression=FACTS, returnByValue=True)
    shot = pipe.call("Page.captureScreenshot", session, format="png")
    return Page(
        problems=_problems(pipe.events),
        facts=json.loads(facts["result"]["value"]),
        screenshot=base64.b64decode(shot["data"]),
    )

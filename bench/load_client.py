"""The simulated annotator of bench/load.py: an HTTP connection with the session cookie, the prompt socket and the
scene's events socket, each request recorded with its outcome and time."""

from __future__ import annotations

import asyncio
import http.client
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

PASSWORD = "load-drill-password-1"  # throwaway users of a throwaway database
RESOLUTIONS = (0.125, 0.25)  # ground metres per screen pixel of the simulated map views
SOCKET_TIMEOUT_S = 30.0
HTTP_TIMEOUT_S = 30.0


class Http:
    """One keep-alive connection (reopened after an error) with the cookies the server set."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        if method not in ("GET", "HEAD") and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(2):  # a keep-alive connection the server closed meanwhile: one retry on a new one
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=HTTP_TIMEOUT_S)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt:
                    raise
                continue
            except Exception:
                self.close()
                raise
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if response.headers.get("Connection", "").lower() == "close":
                self.close()
            return response.status, payload
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def login(client: Http, username: str, password: str) -> None:
    """Log in as the SPA does: get the CSRF cookie first (an endpoint for it, if the app has one), then post the
    credentials with X-CSRFToken; the session cookie (and a fresh csrftoken) come back as cookies."""
    client.request("GET", "/api/auth/csrf/")  # 404 where the app sets the cookie only at login
    status, body = client.request("POST", "/api/auth/login/", {"username": username, "password": password})
    if status != 200 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login as {username} failed: {status} {body[:200]!r}")


def socket_failure(exc: Exception) -> str:
    """A refused handshake counts as its HTTP status; a drop as its close code (1006: no close frame)."""
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status_code", None):
        return str(response.status_code)
    code = getattr(getattr(exc, "rcvd", None), "code", None)
    if code is not None:
        return f"closed:{code}"
    return f"exc:{type(exc).__name__}"


class Recorder:
    def __init__(self, t0: float):
        self.t0 = t0
        self.samples: list[tuple[float, str, str, float]] = []  # (t, endpoint, outcome, ms)

    def add(self, endpoint: str, outcome: str, started: float) -> None:
        now = time.monotonic()
        self.samples.append((round(started - self.t0, 3), endpoint, outcome, (now - started) * 1000))


def is_ok(outcome: str) -> bool:
    return outcome in {"200", "201", "204", "304", "mask", "prefetch", "open"}


class Annotator:
    """One simulated annotator: an HTTP connection, the prompt socket and the scene's events socket."""

    def __init__(self, i: int, base: str, data: dict, rec: Recorder, pool: ThreadPoolExecutor, deadline: float):
        self.i, self.base, self.data, self.rec, self.pool, self.deadline = i, base, data, rec, pool, deadline
        self.http = Http(base)
        self.rng = random.Random(i)
        self.prompt = None
        self.n = 0
        self.last_mask = None
        self.socket_timeout = SOCKET_TIMEOUT_S
        self.events_at: list[float] = []  # when events arrived on the scene's events socket (s into the run)

    async def call(self, endpoint: str, method: str, path: str, body=None) -> tuple[str, bytes]:
        started = time.monotonic()
        try:
            status, payload = await asyncio.get_running_loop().run_in_executor(
                self.pool, lambda: self.http.request(method, path, body))
            outcome = str(status)
        except Exception as exc:  # noqa: BLE001 - a refused or dropped connection is an outcome to count
            outcome, payload = f"exc:{type(exc).__name__}", b""
        self.rec.add(endpoint, outcome, started)
        return outcome, payload

    def ws_url(self, path: str) -> str:
        return self.base.replace("http://", "ws://") + path

    async def connect(self, path: str):
        from websockets.asyncio.client import connect

        return await connect(self.ws_url(path), origin=self.base, open_timeout=SOCKET_TIMEOUT_S, max_size=None,
                             additional_headers={"Cookie": self.http.cookie_header()})

    async def ask(self, socket, message: dict, want: str) -> str:
        """Send one message, wait for the answer with its request_id; the outcome is the answer's type or code."""
        await socket.send(json.dumps(message))
        while True:
            answer = json.loads(await asyncio.wait_for(socket.recv(), self.socket_timeout))
            if answer.get("request_id") != message["request_id"] or answer.get("type") == "encoding":
                continue
            if answer.get("type") == "mask":
                self.last_mask = answer.get("geometry")
            return want if answer.get("type") == want else f"{answer.get('type')}:{answer.get('code')}"

    async def socket_call(self, endpoint: str, message: dict, want: str) -> None:
        started = time.monotonic()
        try:
            if self.prompt is None:
                self.prompt = await self.connect(f"/ws/annotate/{self.data['scene_id']}/")
            outcome = await self.ask(self.prompt, message, want)
        except Exception as exc:  # noqa: BLE001 - dropped, refused, timed out: counted, reconnected next time
            outcome = socket_failure(exc)
            if self.prompt is not None:
                await self.prompt.close()
            self.prompt = None
        self.rec.add(endpoint, outcome, started)

    async def events(self) -> None:
        """Hold the scene's events socket as the SPA does; a drop is counted and the socket reopened."""
        while time.monotonic() < self.deadline:
            started = time.monotonic()
            try:
                sock = await self.connect(f"/ws/scenes/{self.data['scene_id']}/events/")
            except Exception as exc:  # noqa: BLE001
                self.rec.add("ws_events", socket_failure(exc), started)
                await asyncio.sleep(1)
                continue
            self.rec.add("ws_events", "open", started)
            try:
                while time.monotonic() < self.deadline:
                    try:
                        await asyncio.wait_for(sock.recv(), max(0.1, self.deadline - time.monotonic()))
                        self.events_at.append(time.monotonic() - self.rec.t0)
                    except TimeoutError:
                        break
            except Exception as exc:  # noqa: BLE001 - the server dropped the socket
                self.rec.add("ws_events", socket_failure(exc), time.monotonic())
            finally:
                await sock.close()

    async def run(self, think: float, max_actions: int) -> None:
        login(self.http, self.data["users"][self.i], PASSWORD)
        events = asyncio.create_task(self.events())
        scene, tiles = self.data["scene_id"], self.data["tiles"]
        try:
            for _ in range(max_actions):
                if time.monotonic() >= self.deadline:
                    break
                action = self.rng.choices(("click", "raster", "vector", "save", "viewport"), (4, 4, 2, 1, 1))[0]
                if action == "click":
                    self.n += 1
                    lon, lat = self.rng.choice(self.data["clicks"])
                    await self.socket_call("ws_click", {
                        "type": "prompt", "request_id": self.n, "points": [[lon, lat]], "labels": [1], "box": None,
                        "map_resolution": self.rng.choice(RESOLUTIONS), "previous_proposal_id": None}, "mask")
                elif action == "viewport":
                    self.n += 1
                    lon, lat = self.rng.choice(self.data["clicks"])
                    res = self.rng.choice(RESOLUTIONS)
                    dlon, dlat = 1280 * res / 2 / 92_700, 800 * res / 2 / 111_000
                    await self.socket_call("ws_viewport", {
                        "type": "viewport", "request_id": self.n, "map_resolution": res,
                        "bbox": [lon - dlon, lat - dlat, lon + dlon, lat + dlat]}, "prefetch")
                elif action in ("raster", "vector"):
                    z, x, y = self.rng.choice(tiles)
                    path = (f"/api/scenes/{scene}/tiles/{z}/{x}/{y}.png" if action == "raster"
                            else f"/api/scenes/{scene}/annotations/{z}/{x}/{y}.mvt")
                    await self.call(f"{action}_tile", "GET", path)
                else:
                    lon, lat = self.rng.choice(self.data["clicks"])
                    d = 0.00003
                    geometry = self.last_mask or {"type": "Polygon", "coordinates": [[
                        [lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d],
                        [lon - d, lat - d]]]}
                    await self.call("annotation_save", "POST", f"/api/scenes/{scene}/annotations/",
                                    {"geometry": geometry, "label_class": self.data["label_class"]})
                await asyncio.sleep(think * self.rng.uniform(0.5, 1.5))
        finally:
            self.deadline = min(self.deadline, time.monotonic())
            if self.prompt is not None:
                await self.prompt.close()
            await asyncio.wait_for(events, 10)
            self.http.close()

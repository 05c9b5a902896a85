"""What tests know about a running app server (uvicorn started by a fixture)."""

from __future__ import annotations

import http.client
import json
import subprocess
import urllib.error
import urllib.request


class AppServer:
    def __init__(self, url: str, proc: subprocess.Popen):
        self.url = url.rstrip("/")
        self.ws_url = self.url.replace("http://", "ws://")
        self.proc = proc

    def ws(self, path: str, token: str | None = None) -> str:
        """The WebSocket URL of `path`, carrying a single-use ticket bought with the API token `token`. Without a
        token, or when the server refuses it (401/403), the URL has no ticket and the socket connects anonymously."""
        url = f"{self.ws_url}{path}"
        if not token:
            return url
        request = urllib.request.Request(f"{self.url}/api/auth/ws-ticket/", method="POST",
                                         headers={"Authorization": f"Token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                ticket = json.loads(response.read())["ticket"]
        except urllib.error.HTTPError as refused:
            if refused.code in (401, 403):
                return url
            raise
        return f"{url}{'&' if '?' in path else '?'}ticket={ticket}"

    def call(self, token: str | None, method: str, path: str, body=None, timeout: float = 120) -> tuple[int, dict]:
        """One HTTP request (JSON body, API token when given) on a connection of its own: (status, JSON answer)."""
        host, port = self.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        status, data = resp.status, resp.read()
        conn.close()
        return status, json.loads(data) if data else {}

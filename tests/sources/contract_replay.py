"""Replays the documented responses of tests/sources/contracts/<platform>.json to a connector and records
what it asked for, per the platform's transport (a requests transport adapter: no sockets, no sleeps)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests
from sources_fakes import FakeAdapter

CONTRACTS = Path(__file__).resolve().parent / "contracts"
BASE = "http://contract.test"


def contract(channel: str) -> dict:
    return json.loads((CONTRACTS / f"{channel}.json").read_text(encoding="utf-8"))


class Replay:
    """Every request is parsed into (endpoint, system params, business params, where they travelled); the
    answer is the documented response of that endpoint, or the next scripted error body."""

    def __init__(self, channel: str):
        self.channel, self.calls = channel, contract(channel)
        self.requests: list[dict] = []
        self.script: list[dict] = []  # bodies to answer before the documented ones (error envelopes)

    def session_factory(self) -> requests.Session:
        session = requests.Session()
        session.mount(BASE, FakeAdapter(self.handle))
        return session

    def parse(self, request: requests.PreparedRequest) -> dict:
        url = urlsplit(request.url)
        body = request.body.decode("utf-8") if isinstance(request.body, bytes) else (request.body or "")
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        if self.channel == "douyin":  # system params in the URL, business params as the JSON body
            return {
                "endpoint": url.path.removeprefix("/douyin/").replace("/", "."),
                "system": query,
                "business": json.loads(body or "{}"),
                "body_is_json": True,
                "content_type": request.headers.get("Content-Type", ""),
            }
        form = dict(parse_qsl(body, keep_blank_values=True)) if request.method == "POST" else query
        if self.channel == "jd":
            business = json.loads(form.get("360buy_param_json") or "{}")
            return {"endpoint": form.get("method"), "system": form, "business": business}
        key = "type" if self.channel == "pdd" else "method"
        return {"endpoint": form.get(key), "system": form, "business": form}

    def handle(self, request: requests.PreparedRequest) -> tuple[int, dict, str]:
        parsed = self.parse(request)
        self.requests.append(parsed)
        body = self.script.pop(0) if self.script else self.calls[parsed["endpoint"]]["response"]
        return 200, {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=False)

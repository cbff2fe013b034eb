"""A tiny in-process WMS / logistics / CS server with scripted faults, and a fake channel client."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from resources.channels import ChannelApi


class FakeState:
    def __init__(self) -> None:
        self.stock: list[dict] = []
        self.events: list[dict] = []
        self.tickets: list[dict] = []
        self.waybills: dict[str, str] = {}  # idempotency_key -> waybill_no
        self.waybill_requests = 0
        self.shipments: dict[str, dict] = {}  # idempotency_key -> task
        self.insufficient: set[str] = set()  # order_ids the WMS refuses with 409
        self.faults: dict[str, list[int]] = {}  # path -> statuses to answer first (then normal)
        self.lose_response_after_commit: set[str] = set()  # paths answering 503 after doing the work once
        self.lock = threading.Lock()


def _handler(state: FakeState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)

        def _fault(self, path: str) -> bool:
            with state.lock:
                queue = state.faults.get(path) or []
                if queue:
                    self._send(queue.pop(0), {"error": "injected"})
                    return True
            return False

        def do_GET(self) -> None:
            url = urlparse(self.path)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if self._fault(url.path):
                return
            if url.path == "/wms/stock":
                page, size = int(q.get("page", 1)), int(q.get("page_size", 100))
                items = state.stock[(page - 1) * size : page * size]
                return self._send(200, {"items": items, "page": page, "total": len(state.stock)})
            if url.path == "/wms/events":
                after, limit = int(q.get("after", 0)), int(q.get("limit", 100))
                batch = [e for e in state.events if e["event_id"] > after][:limit]
                return self._send(200, {"events": batch, "next_after": batch[-1]["event_id"] if batch else after})
            if url.path == "/cs/tickets":
                after, limit = q.get("updated_after", ""), int(q.get("limit", 100))
                batch = sorted((t for t in state.tickets if t["updated_at"] > after), key=lambda t: t["updated_at"])
                return self._send(200, {"tickets": batch[:limit]})
            self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:
            url = urlparse(self.path)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            if self._fault(url.path):
                return
            if self.headers.get("X-Api-Key") not in ("wms-key", "lg-key"):
                return self._send(401, {"error": "bad_key"})
            if url.path == "/logistics/waybills":
                with state.lock:
                    state.waybill_requests += 1
                    key = body["idempotency_key"]
                    no = state.waybills.setdefault(key, f"SF{len(state.waybills) + 1:013d}")
                    lose = url.path in state.lose_response_after_commit
                    state.lose_response_after_commit.discard(url.path)
                if lose:
                    return self._send(503, {"error": "gateway timeout after commit"})
                return self._send(200, {"waybill_no": no, "carrier": "SF", "created_at": "2026-11-20T12:00:00Z"})
            if url.path == "/wms/shipments":
                if body["order_id"] in state.insufficient:
                    return self._send(409, {"error": "insufficient_stock"})
                with state.lock:
                    key = body["idempotency_key"]
                    dup = key in state.shipments
                    task = state.shipments.setdefault(key, {"task_id": f"T{len(state.shipments) + 1}", **body})
                return self._send(
                    200,
                    {
                        "task_id": task["task_id"],
                        "status": "accepted",
                        "duplicate": dup,
                        "created_at": "2026-11-20T12:00:00Z",
                    },
                )
            self._send(404, {"error": "not_found"})

    return Handler


class FakeServer:
    def __init__(self) -> None:
        self.state = FakeState()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Fake marketplace client: state lives in class-level dicts keyed by channel (resources are frozen models).
LISTED: dict[str, dict[str, int]] = {}
PUSH_FAIL: dict[str, set[str]] = {}
PUSHED: dict[str, list[dict]] = {}
CONFIRMED: dict[str, list[tuple]] = {}
CONFIRM_FAIL: dict[str, int] = {}
AFTER_SALES: dict[str, list[dict]] = {}
AFTER_SALES_FAIL: set[str] = set()


def reset_channels() -> None:
    for d in (LISTED, PUSH_FAIL, PUSHED, CONFIRMED, CONFIRM_FAIL, AFTER_SALES, AFTER_SALES_FAIL):
        d.clear()


class FakeChannel(ChannelApi):
    def list_stock(self, calls) -> list[dict]:
        return [{"channel_sku": k, "quantity": v} for k, v in LISTED.get(self.channel, {}).items()]

    def push_stock(self, items, calls) -> list[dict]:
        out = []
        for item in items:
            PUSHED.setdefault(self.channel, []).append(item)
            if item["channel_sku"] in PUSH_FAIL.get(self.channel, set()):
                out.append({**item, "ok": False, "error": "HTTP 500 after retries"})
            else:
                LISTED.setdefault(self.channel, {})[item["channel_sku"]] = item["quantity"]
                out.append({**item, "ok": True, "error": None})
        return out

    def confirm_shipment(self, channel_order_id, tracking_no, carrier, calls) -> None:
        from orderhub.http import ApiError

        if CONFIRM_FAIL.get(self.channel, 0) > 0:
            CONFIRM_FAIL[self.channel] -= 1
            raise ApiError(self.channel, "confirm", "HTTP 502 after retries", 502)
        CONFIRMED.setdefault(self.channel, []).append((channel_order_id, tracking_no, carrier))

    def fetch_after_sales(self, start, end, calls) -> list[dict]:
        from orderhub.http import ApiError

        if self.channel in AFTER_SALES_FAIL:
            raise ApiError(self.channel, "after_sales", "HTTP 503 after retries", 503)
        return list(AFTER_SALES.get(self.channel, []))


def fake_channels() -> dict[str, FakeChannel]:
    return {
        f"{c}_api": FakeChannel(channel=c, shop_id=c, base_url="http://unused", app_key="k", app_secret="s")
        for c in ("taobao", "douyin", "pdd", "jd")
    }

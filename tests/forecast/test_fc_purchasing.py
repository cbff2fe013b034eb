"""The purchasing client talks the simulator contract and never raises: failures become results."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from orderhub.calllog import CallLog
from resources.purchasing import PurchasingApi


class _Handler(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Handler.received.append((self.path, self.headers.get("X-Api-Key"), body))
        payload = {"accepted": len(body["lines"]), "batch_id": "PB-1"} if self.status == 200 else {"error": "down"}
        data = json.dumps(payload).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    _Handler.received, _Handler.status = [], 200
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_post_follows_the_contract_and_is_logged(server):
    calls = CallLog("run-1")
    api = PurchasingApi(base_url=server, api_key="sim-wms-key", retries=0)
    res = api.post_suggestions("2026-11-20", [{"sku_id": "SKU-00001", "quantity": 12, "reason": "r"}], calls)
    assert res.ok and res.batch_id == "PB-1" and res.accepted == 1
    path, key, body = _Handler.received[0]
    assert (path, key) == ("/erp/purchase_suggestions", "sim-wms-key")
    assert body == {"suggestion_date": "2026-11-20", "lines": [{"sku_id": "SKU-00001", "quantity": 12, "reason": "r"}]}
    assert [(r.channel, r.http_status, r.ok) for r in calls.records] == [("purchasing", 200, True)]


def test_server_error_and_unreachable_endpoint_are_results_not_exceptions(server):
    _Handler.status = 503
    calls = CallLog()
    res = PurchasingApi(base_url=server, retries=0).post_suggestions("2026-11-20", [], calls)
    assert not res.ok and "503" in res.error
    res = PurchasingApi(base_url="http://127.0.0.1:9", retries=0, timeout_seconds=1).post_suggestions(
        "2026-11-20", [], calls
    )
    assert not res.ok and res.error
    assert [r.ok for r in calls.records] == [False, False]

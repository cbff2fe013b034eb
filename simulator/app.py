"""The simulator process: world + services + routing. `simulator.start()` wraps this for tests/demo."""

from __future__ import annotations

import threading
import time
from collections import Counter

from simulator import admin, cs, exports_pair, logistics, wms
from simulator.auth import Tokens
from simulator.channels import common as c
from simulator.channels import douyin, jd, pdd, taobao
from simulator.erp import Erp
from simulator.faults import Faults
from simulator.server import Request, Response, Server
from simulator.stock import ChannelStock
from simulator.world import World

DEFAULT_CREDS = {
    "taobao": ("sim-tb-key", "sim-tb-secret"),
    "douyin": ("sim-dy-key", "sim-dy-secret"),
    "pdd": ("sim-pdd-id", "sim-pdd-secret"),
    "jd": ("sim-jd-key", "sim-jd-secret"),
}
API_KEYS = {"wms": "sim-wms-key", "logistics": "sim-lg-key"}
# the marketplaces' own HTTP-200 throttle bodies (a float fault = the ban in seconds)
THROTTLED = {"taobao": taobao.throttled, "douyin": douyin.throttled, "pdd": pdd.throttled, "jd": jd.throttled}
# path prefix → (fault/stat channel, handler)
ROUTES = [
    ("/taobao/router/rest", "taobao", taobao.handle),
    ("/douyin/", "douyin", douyin.handle),
    ("/pdd/api/router", "pdd", pdd.handle),
    ("/jd/routerjson", "jd", jd.handle),
    ("/jd/oauth2/", "jd", jd.handle),
    ("/wms/", "wms", wms.handle),
    ("/logistics/", "logistics", logistics.handle),
    ("/cs/", "cs", cs.handle),
    ("/erp/", "erp", wms.handle_purchase),
    ("/admin/exports/", "exports", exports_pair.handle),  # the pair, else the combined file
    ("/admin/", "admin", admin.handle),
]


class Simulator:
    def __init__(
        self,
        seed: int = 7,
        days: int = 90,
        now: float | None = None,
        erp_db=None,
        golive_days_ago: int = 30,
        live_rate: float = 0.0,
        speed: float = 1.0,
        faults: dict | None = None,
        creds: dict | None = None,
        rate_limit_per_s: float = 200.0,
        strict: bool = True,
    ):
        self.world = World(
            seed=seed, days=days, now=now, golive_days_ago=golive_days_ago, live_rate=live_rate, speed=speed
        )
        self.faults = Faults(seed, faults, rate_per_s=rate_limit_per_s)
        self.creds = {**DEFAULT_CREDS, **(creds or {})}
        # strict: reject what the real platforms reject (missing token or required parameter, old transport)
        self.strict = bool(strict)
        self.tokens = Tokens()
        self.api_keys = dict(API_KEYS)
        self.stats: Counter = Counter()  # requests per "METHOD path"
        self.counters: Counter = Counter()  # waybills_created, shipments_received, stock_updates_<channel>
        self.stock = ChannelStock(self)
        self.wms = wms.Wms(self)
        self.logistics = logistics.Logistics(self)
        self.cs = cs.Tickets(self)
        self.erp = Erp(self.world, erp_db)
        self.erp.sync()
        self.shipping_confirmations: dict[tuple[str, str], dict] = {}
        self._stop = threading.Event()
        self._live_thread: threading.Thread | None = None
        self.server: Server | None = None

    # ---- routing ---------------------------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        for prefix, channel, fn in ROUTES:
            if req.path == prefix.rstrip("/") or req.path.startswith(prefix):
                self.stats[f"{req.method} {req.path}"] += 1
                if channel != "admin":
                    fault = self.faults.request_fault(channel)
                    if isinstance(fault, float):
                        return THROTTLED[channel](fault)
                    if fault is not None:
                        status, headers, body = fault
                        return Response(status, body, headers)
                return fn(self, req)
        return Response(404, {"error": "not_found", "path": req.path})

    def confirm_shipment(self, channel: str, order_id: str, tracking: str, carrier: str) -> bool:
        """Seller marks an order shipped on the platform (the world's own lifecycle is unaffected)."""
        key = c.key_from_channel_id(channel, order_id)
        if key is None or key not in self.world.key_index.index or not tracking:
            return False
        self.shipping_confirmations[(channel, str(order_id))] = {
            "tracking": tracking,
            "carrier": carrier,
            "at": self.world.now(),
        }
        return True

    def advance(self, seconds: float) -> float:
        now = self.world.clock.advance(seconds)
        self.world.ensure(now)
        self.erp.sync(now)
        return now

    # ---- lifecycle -------------------------------------------------------------------------------------
    def serve(self, port: int = 0, host: str = "127.0.0.1") -> Simulator:
        self.server = Server(self.dispatch, host, port).start()
        if self.world.clock.live:
            self._live_thread = threading.Thread(target=self._live_loop, name="simulator-live", daemon=True)
            self._live_thread.start()
        return self

    def _live_loop(self) -> None:
        # the ERP "keeps inserting rows": flush newly visible wholesale orders every second
        while not self._stop.wait(1.0):
            try:
                self.erp.sync()
            except Exception:  # noqa: BLE001 - a locked SQLite file must not kill the live loop; retried next tick
                time.sleep(0.5)

    @property
    def url(self) -> str:
        return self.server.url if self.server else ""

    def stop(self) -> None:
        self._stop.set()
        if self.server:
            self.server.stop()

"""Fault injection. Request-level decisions come from a seeded stream per channel (same request sequence to
a channel → same faults, whatever other channels were asked); record-level corruption is a pure function of (seed,
record key), so a re-fetched record is corrupted the same way every time.

`max_fault_streak` bounds how many drawn faults a channel answers in a row. A storm meant to be survived by a
client's retries must not depend on the exact request sequence: one extra request (a reply that timed out on a
loaded machine) shifts the stream, and with hundreds of pages some page then meets four faults in a row."""

from __future__ import annotations

import threading
import time
import zlib

import numpy as np

from simulator.hashing import unit

DEFAULTS = {
    "error_rate": 0.0,
    "rate_limit_rate": 0.0,
    "retry_after": 1,
    "slow_rate": 0.0,
    "slow_seconds": 5.0,
    "malformed_rate": 0.0,
    "schema_drift": False,
    "duplicate_rate": 0.0,
    "mutate_while_paging": False,
    "unmapped_sku_rate": 0.0,
    "max_fault_streak": 0,  # 0 = unbounded (an outage is a streak without end)
    "channels": [],
}
BAD_AMOUNTS = ["12.3.4", "abc", "", "-"]
# The marketplaces never answer 429: they throttle with HTTP 200 and their own error body (API.md, "Errors").
PLATFORMS = frozenset({"taobao", "douyin", "pdd", "jd"})
BAD_TIMES = ["2026-13-45 25:61:00", "not-a-time", "0000-00-00 00:00:00"]


_LIMITED = {"error": "rate_limited"}


def parse_flag(text: str) -> dict:
    """'error_rate=0.1,schema_drift=true,channels=taobao+pdd' → dict for Faults.update."""
    out: dict = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        k, _, v = part.partition("=")
        out[k.strip()] = v.strip()
    return out


class Faults:
    def __init__(self, seed: int, config: dict | None = None, rate_per_s: float = 200.0):
        self.seed = seed
        self.cfg = dict(DEFAULTS)
        self._rngs: dict[str, np.random.Generator] = {}
        self._lock = threading.Lock()
        self.injected: dict[str, int] = {}
        self._bucket = {"tokens": rate_per_s * 2, "at": time.monotonic(), "rate": rate_per_s}
        self._banned_until: dict[str, float] = {}  # channel -> monotonic end of a TOP-style ban
        self._streak: dict[str, int] = {}  # channel -> drawn faults answered in a row
        self.update(config or {})

    def update(self, values: dict) -> dict:
        with self._lock:
            self._banned_until.clear()  # new fault settings start without a ban in force
            self._streak.clear()
        for k, v in values.items():
            if k not in DEFAULTS:
                raise ValueError(f"unknown fault setting {k!r}")
            d = DEFAULTS[k]
            if k == "channels":
                v = list(v.replace("+", " ").replace(";", " ").split() if isinstance(v, str) else v)
            elif isinstance(d, bool):
                v = v if isinstance(v, bool) else str(v).lower() in ("1", "true", "yes", "on")
            else:
                v = float(v)
            self.cfg[k] = v
        return dict(self.cfg)

    def applies(self, channel: str) -> bool:
        return not self.cfg["channels"] or channel in self.cfg["channels"]

    def _count(self, kind: str) -> None:
        self.injected[kind] = self.injected.get(kind, 0) + 1

    def _draw(self, channel: str = "") -> float:
        with self._lock:
            rng = self._rngs.get(channel)
            if rng is None:
                rng = self._rngs[channel] = np.random.default_rng([self.seed, 99, zlib.crc32(channel.encode())])
            return float(rng.random())

    def request_fault(self, channel: str) -> tuple[int, dict, dict] | float | None:
        """Maybe answer with an HTTP error (500/502/503, or 429 + Retry-After) or sleep first. A marketplace
        channel is throttled the platform's way instead: the answer is a float, the ban in seconds, for the
        platform's own HTTP-200 throttle body; the channel stays banned that long (TOP says so)."""
        banned = self._ban_left(channel)
        if banned is not None:
            self._count("rate_limit_ban")
            return banned
        if not self._take_token():
            self._count("rate_limit_bucket")
            return self._throttle(channel, 1.0) if channel in PLATFORMS else (429, {"Retry-After": "1"}, _LIMITED)
        if not self.applies(channel):
            return None
        c = self.cfg
        r_err, r_429, r_slow = self._draw(channel), self._draw(channel), self._draw(channel)
        faulty = r_429 < c["rate_limit_rate"] or r_err < c["error_rate"] or r_slow < c["slow_rate"]
        if not self._fault_allowed(channel, faulty):
            return None
        if r_429 < c["rate_limit_rate"]:
            self._count("rate_limit")
            if channel in PLATFORMS:
                return self._throttle(channel, float(c["retry_after"]))
            return 429, {"Retry-After": str(int(c["retry_after"]))}, _LIMITED
        if r_err < c["error_rate"]:
            self._count("error")
            status = (500, 502, 503)[int(r_err * 1e6) % 3]
            return status, {}, {"error": "internal_error", "status": status}
        if r_slow < c["slow_rate"]:
            self._count("slow")
            time.sleep(c["slow_seconds"])
        return None

    def _fault_allowed(self, channel: str, faulty: bool) -> bool:
        """Record this request in the channel's streak; False when a drawn fault would exceed the bound (the
        request is then answered normally). A slow reply counts: it may time out at the client."""
        bound = int(self.cfg["max_fault_streak"])
        with self._lock:
            streak = self._streak.get(channel, 0) + 1 if faulty else 0
            if faulty and 0 < bound < streak:
                self._count("streak_bounded")
                streak = 0
            self._streak[channel] = streak
            return streak > 0

    def ban(self, channel: str, seconds: float) -> None:
        """Throttle a marketplace channel from now on for `seconds` (tests: a TOP-style ban in force)."""
        with self._lock:
            self._banned_until[channel] = time.monotonic() + float(seconds)

    def _throttle(self, channel: str, seconds: float) -> float:
        if channel == "taobao":  # TOP bans the app for the time it names; the others document no ban
            with self._lock:
                self._banned_until[channel] = time.monotonic() + seconds
        return seconds

    def _ban_left(self, channel: str) -> float | None:
        with self._lock:
            until = self._banned_until.get(channel)
            left = None if until is None else until - time.monotonic()
            if left is not None and left <= 0:
                del self._banned_until[channel]
                return None
            return left

    def _take_token(self) -> bool:
        with self._lock:
            b = self._bucket
            now = time.monotonic()
            b["tokens"] = min(b["rate"] * 2, b["tokens"] + (now - b["at"]) * b["rate"])
            b["at"] = now
            if b["tokens"] < 1:
                return False
            b["tokens"] -= 1
            return True

    # ---- record level --------------------------------------------------------------------------------
    def malformed(self, channel: str, key: int) -> int | None:
        """None, or which corruption (0 missing field, 1 bad amount, 2 bad timestamp) this record gets."""
        rate = self.cfg["malformed_rate"]
        if rate <= 0 or not self.applies(channel):
            return None
        k = np.array([key], dtype=np.uint64)
        if unit(k, self.seed + 501)[0] >= rate:
            return None
        return int(unit(k, self.seed + 502)[0] * 3)

    def corrupt(
        self, channel: str, key: int, record: dict, amount_field: str, time_field: str, required_field: str
    ) -> dict:
        kind = self.malformed(channel, key)
        if kind is None:
            return record
        self._count("malformed")
        pick = int(key) % 3
        if kind == 0:
            record.pop(required_field, None)
        elif kind == 1:
            record[amount_field] = BAD_AMOUNTS[pick]
        else:
            record[time_field] = BAD_TIMES[pick] if isinstance(record.get(time_field), str) else -1
        return record

    def drift(self, channel: str, record: dict) -> dict:
        if self.cfg["schema_drift"] and self.applies(channel):
            record["x_ext_field"] = {"source": "v2", "flags": [1, 2]}
            record["risk_level"] = "LOW"
        return record

    def unmapped_rate(self, channel: str) -> float:
        """Share of consumer order lines sold under a listing code missing from erp_channel_skus."""
        return float(self.cfg["unmapped_sku_rate"]) if self.applies(channel) else 0.0

    def duplicate(self, channel: str) -> bool:
        if self.cfg["duplicate_rate"] <= 0 or not self.applies(channel):
            return False
        hit = self._draw(channel) < self.cfg["duplicate_rate"]
        if hit:
            self._count("duplicate")
        return hit

    def mutate(self, channel: str) -> bool:
        return bool(self.cfg["mutate_while_paging"]) and self.applies(channel)

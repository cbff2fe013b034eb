"""The platforms' seller authorization: access tokens with expiry, refresh tokens, authorization codes.

Tokens live on the wall clock (a token is about real time, not the simulated order world). Each channel has
a demo token `sim-<ch>-token` that never expires, so the demo and most tests need no setup; tokens issued
through the platforms' own token APIs (code exchange, refresh) carry the platform's lifetimes, and
`/admin/tokens` expires or revokes any of them for tests. See API.md, "Authorization".
"""

from __future__ import annotations

import secrets
import threading
import time

DAY = 86400
DEMO_TOKENS = {"taobao": "sim-tb-token", "douyin": "sim-dy-token", "pdd": "sim-pdd-token", "jd": "sim-jd-token"}
# (access token, refresh token) lifetimes in seconds. Douyin's are documented (7 and 14 days); Taobao's sample
# token says 90 days; PDD and JD return per-token lifetimes tied to the app's subscription: the simulator's
# own choice (30 / 60 days) stands in for them.
LIFETIMES = {
    "taobao": (90 * DAY, 90 * DAY),
    "douyin": (7 * DAY, 14 * DAY),
    "pdd": (30 * DAY, 60 * DAY),
    "jd": (30 * DAY, 60 * DAY),
}
CODE_TTL = 600  # an authorization code is valid 10 minutes (Douyin token.create docs)


class Tokens:
    def __init__(self):
        self._lock = threading.Lock()
        self.access: dict[tuple[str, str], dict] = {}
        self.refresh: dict[tuple[str, str], dict] = {}
        self.codes: dict[tuple[str, str], float] = {}
        for channel, token in DEMO_TOKENS.items():
            self.access[(channel, token)] = {"expires": None, "revoked": False}

    def check(self, channel: str, token: str | None) -> str:
        """ok | missing | unknown | expired | revoked."""
        if not token:
            return "missing"
        with self._lock:
            entry = self.access.get((channel, token))
        if entry is None:
            return "unknown"
        if entry["revoked"]:
            return "revoked"
        if entry["expires"] is not None and time.time() >= entry["expires"]:
            return "expired"
        return "ok"

    def _issue(self, channel: str, life: float | None = None) -> dict:
        now, (default_life, r_life) = time.time(), LIFETIMES[channel]
        life = int(life or default_life)
        access, refresh = f"{channel}-at-{secrets.token_hex(12)}", f"{channel}-rt-{secrets.token_hex(12)}"
        self.access[(channel, access)] = {"expires": now + life, "revoked": False}
        self.refresh[(channel, refresh)] = {"expires": now + r_life, "access": access}
        return {
            "access_token": access,
            "expires_at": int(now + life),
            "expires_in": life,
            "refresh_token": refresh,
            "refresh_expires_at": int(now + r_life),
            "refresh_expires_in": r_life,
        }

    def issue(self, channel: str, life: float | None = None) -> dict:
        """A fresh token pair (a self-use app's token.create, or the admin endpoint)."""
        with self._lock:
            return self._issue(channel, life)

    def new_code(self, channel: str) -> str:
        code = f"{channel}-code-{secrets.token_hex(8)}"
        with self._lock:
            self.codes[(channel, code)] = time.time() + CODE_TTL
        return code

    def exchange(self, channel: str, code: str) -> dict | str:
        """Tokens for a valid code (used once), else 'code-expired' / 'code-invalid'."""
        with self._lock:
            expires = self.codes.pop((channel, code), None)
            if expires is None:
                return "code-invalid"
            if time.time() >= expires:
                return "code-expired"
            return self._issue(channel)

    def renew(self, channel: str, refresh_token: str, same_if_early: float | None = None) -> dict | str:
        """A refresh: new pair, the old access token stays valid one more hour (Douyin's rule). With
        `same_if_early` (seconds), a refresh earlier than that before expiry returns the same pair."""
        with self._lock:
            entry = self.refresh.get((channel, refresh_token))
            if entry is None:
                return "token-invalid"
            now = time.time()
            if now >= entry["expires"]:
                return "token-expired"
            old = self.access.get((channel, entry["access"]))
            if same_if_early is not None and old and old["expires"] and now < old["expires"] - same_if_early:
                return {
                    "access_token": entry["access"],
                    "expires_at": int(old["expires"]),
                    "expires_in": int(old["expires"] - now),
                    "refresh_token": refresh_token,
                    "refresh_expires_at": int(entry["expires"]),
                    "refresh_expires_in": int(entry["expires"] - now),
                }
            if old and not old["revoked"]:
                old["expires"] = min(old["expires"] or now + 3600, now + 3600)
            del self.refresh[(channel, refresh_token)]
            return self._issue(channel)

    def summary(self) -> list[dict]:
        """Every access token's state (tokens shortened: they are secrets even here)."""
        with self._lock:
            items = list(self.access.items())
        return [
            {"channel": ch, "token": tok[:10] + "…", "state": self.check(ch, tok), "expires": e["expires"]}
            for (ch, tok), e in items
        ]

    # ---- admin (tests) ---------------------------------------------------------------------------
    def admin(self, body: dict) -> dict:
        """{"channel", "action": expire | revoke | restore | issue | code, "token": optional (default: the
        demo token), "expires_in": for issue} -> what happened."""
        channel, action = body.get("channel", ""), body.get("action", "")
        if channel not in DEMO_TOKENS:
            raise ValueError(f"unknown channel {channel!r}")
        if action == "issue":  # a fresh pair, optionally with a short life ("expires_in" seconds)
            return self.issue(channel, body.get("expires_in"))
        if action == "code":
            return {"code": self.new_code(channel)}
        token = body.get("token") or DEMO_TOKENS[channel]
        with self._lock:
            entry = self.access.get((channel, token))
            if entry is None:
                raise ValueError(f"unknown token for {channel}")
            if action == "expire":
                entry["expires"] = time.time() - 1
            elif action == "revoke":
                entry["revoked"] = True
            elif action == "restore":
                entry.update(
                    expires=None if token == DEMO_TOKENS[channel] else time.time() + LIFETIMES[channel][0],
                    revoked=False,
                )
            else:
                raise ValueError(f"unknown action {action!r}")
            return {"channel": channel, "token": token, **entry}

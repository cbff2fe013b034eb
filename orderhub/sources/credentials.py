"""Per-shop authorization tokens, as a seller holds them: access token with expiry, refresh token with expiry.

Two places hold them, both outside the code and the warehouse:

- the environment (`ORDERHUB_<CH>_ACCESS_TOKEN`, `..._TOKEN_EXPIRES_AT`, `..._REFRESH_TOKEN`,
  `..._REFRESH_TOKEN_EXPIRES_AT`), read by the channel resources through resources/env.py;
- the secrets file (`ORDERHUB_SECRETS_FILE`, default `$ORDERHUB_HOME/secrets/shops.json`, mode 0600), keyed
  `<channel>:<shop_id>`. `orderhub shops authorize|set-token` write it, and a refresh writes the new pair
  there, because the environment of a running process cannot be updated.

Which wins: a stored entry remembers (`origin`, a hash) the configured token it descends from. While the
configured token is unchanged the stored one (its refreshed successor) wins; when the seller configures a
new token (re-authorized), the stale stored entry is ignored. A token error marks the entry invalid
(`invalid_at`, `invalid_reason`) so `orderhub shops` can say "re-authorize" without opening the warehouse.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orderhub import settings

SECRETS_ENV = "ORDERHUB_SECRETS_FILE"
log = logging.getLogger(__name__)


def default_path() -> Path:
    return settings.home() / "secrets" / "shops.json"


def secrets_path(configured: str = "") -> Path:
    """The secrets file: the resource's setting, else ORDERHUB_SECRETS_FILE, else under ORDERHUB_HOME."""
    return Path(configured or os.environ.get(SECRETS_ENV) or default_path()).expanduser()


def parse_time(value: object) -> datetime | None:
    """ISO-8601 text, or epoch seconds / milliseconds (the platforms use both); '' / 0 / None = unknown."""
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).strip()
    if text.isdigit():
        n = int(text)
        return datetime.fromtimestamp(n / 1000 if n > 10**11 else n, UTC)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def fingerprint(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16] if token else ""


@dataclass(frozen=True)
class ShopToken:
    access_token: str = ""
    expires_at: datetime | None = None
    refresh_token: str = ""
    refresh_expires_at: datetime | None = None
    source: str = ""  # environment | secrets file | simulator default (not stored)
    origin: str = ""  # fingerprint of the configured token this entry was refreshed from
    updated_at: datetime | None = None
    invalid_at: datetime | None = None
    invalid_reason: str = ""

    def refresh_due(self, now: datetime, margin: timedelta) -> bool:
        return self.expires_at is not None and now >= self.expires_at - margin

    def can_refresh(self, now: datetime) -> bool:
        return bool(self.refresh_token) and (self.refresh_expires_at is None or now < self.refresh_expires_at)

    def state(self, now: datetime, margin: timedelta) -> str:
        """missing | re-authorize | expired | refresh due | ok (what `orderhub shops` prints)."""
        if not self.access_token:
            return "missing"
        if self.invalid_at is not None:
            return "re-authorize"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired" if not self.can_refresh(now) else "expired, refresh possible"
        if self.refresh_due(now, margin):
            return "refresh due" if self.can_refresh(now) else "expires soon: re-authorize"
        return "ok"

    def to_json(self) -> dict:
        out = {}
        for k, v in asdict(self).items():
            if k == "source":
                continue
            out[k] = v.isoformat() if isinstance(v, datetime) else v
        return out

    @classmethod
    def from_json(cls, data: dict, source: str = "secrets file") -> ShopToken:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for k in ("expires_at", "refresh_expires_at", "updated_at", "invalid_at"):
            values[k] = parse_time(values.get(k))
        return cls(**{**values, "source": source})


def effective(configured: ShopToken, stored: ShopToken | None) -> ShopToken:
    """The token to use: the stored successor of the configured token, else the configured one."""
    if stored is None:
        return configured
    if configured.access_token and stored.origin != fingerprint(configured.access_token):
        return configured  # the seller configured a new token since: the stored chain is stale
    if not stored.access_token:  # an entry holding only the invalid mark of the configured token
        return replace(configured, invalid_at=stored.invalid_at, invalid_reason=stored.invalid_reason)
    return stored


class TokenStore:
    """The secrets file: one JSON object {"shops": {"<channel>:<shop>": token}}; written atomically, 0600."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @staticmethod
    def key(channel: str, shop_id: str) -> str:
        return f"{channel}:{shop_id}"

    def read_all(self) -> dict[str, ShopToken]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ValueError(f"cannot read the secrets file {self.path}: {exc}") from exc
        shops = data.get("shops") if isinstance(data, dict) else None
        if not isinstance(shops, dict):
            raise ValueError(f'the secrets file {self.path} must hold {{"shops": {{...}}}}')
        return {k: ShopToken.from_json(v) for k, v in shops.items() if isinstance(v, dict)}

    def get(self, channel: str, shop_id: str) -> ShopToken | None:
        return self.read_all().get(self.key(channel, shop_id))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialize refreshes between processes: a refresh token may be single-use."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def put(self, channel: str, shop_id: str, token: ShopToken | None) -> None:
        """Write (or, with None, delete) one shop's entry; the others are kept as they are."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        shops = data.setdefault("shops", {})
        if token is None:
            shops.pop(self.key(channel, shop_id), None)
        else:
            shops[self.key(channel, shop_id)] = replace(token, updated_at=datetime.now(UTC)).to_json()
        fd, tmp = tempfile.mkstemp(prefix=".shops.", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def mark_invalid(self, channel: str, shop_id: str, token: ShopToken, reason: str) -> None:
        """Remember that the platform refused this token (best effort: a read-only file only logs)."""
        origin = token.origin or fingerprint(token.access_token)
        mark = replace(token, origin=origin, invalid_at=datetime.now(UTC), invalid_reason=reason[:300])
        if token.source != "secrets file":  # keep the configured secret out of the file: only the mark
            mark = replace(mark, access_token="", refresh_token="", expires_at=None, refresh_expires_at=None)
        self._best_effort(channel, shop_id, mark)

    def clear_invalid(self, channel: str, shop_id: str, token: ShopToken) -> None:
        if token.source == "secrets file":
            self._best_effort(channel, shop_id, replace(token, invalid_at=None, invalid_reason=""))
        else:
            self._best_effort(channel, shop_id, None)

    def _best_effort(self, channel: str, shop_id: str, token: ShopToken | None) -> None:
        try:
            with self.locked():
                self.put(channel, shop_id, token)
        except OSError as exc:
            log.warning("cannot update the secrets file %s: %s", self.path, exc)

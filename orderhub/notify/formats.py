"""Webhook payload formats people here use: DingTalk robot, WeCom (企业微信) robot, Slack incoming webhook.

Pure functions (no I/O) so signing and payloads are tested byte-for-byte.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus, urlsplit

KINDS = ("dingtalk", "wecom", "slack")
_ICON = {"error": "🔴", "warning": "🟠", "info": "🟢"}


@dataclass(frozen=True)
class AlertMessage:
    alert_id: str
    kind: str
    severity: str
    message: str
    asset: str | None = None
    created_at: datetime | None = None

    @property
    def title(self) -> str:
        icon = "✅" if self.kind == "recovered" else _ICON.get(self.severity, "")
        where = f" · {self.asset}" if self.asset else ""
        return f"{icon} OrderHub {self.kind}{where}".strip()

    def markdown(self) -> str:
        when = f"\n\n_{self.created_at:%Y-%m-%d %H:%M:%S} UTC · {self.severity}_" if self.created_at else ""
        return f"### {self.title}\n\n{self.message}{when}"


def detect_kind(url: str) -> str:
    """Guess the webhook flavour from its host (used when the resource's kind is 'auto')."""
    host = urlsplit(url).hostname or ""
    if "dingtalk" in host:
        return "dingtalk"
    if "weixin.qq.com" in host or "wecom" in host:
        return "wecom"
    return "slack"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={quote_plus(dingtalk_sign(secret, timestamp_ms))}"


def payload(kind: str, msg: AlertMessage) -> dict:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": msg.title, "text": msg.markdown()}}
    if kind == "wecom":
        # WeCom rejects markdown content over 4096 UTF-8 bytes (a Chinese character is 3 bytes).
        content = msg.markdown().encode("utf-8")[:4000].decode("utf-8", errors="ignore")
        return {"msgtype": "markdown", "markdown": {"content": content}}
    if kind == "slack":
        return {"text": f"*{msg.title}*\n{msg.message}"}
    raise ValueError(f"unknown webhook kind {kind!r}; expected one of {KINDS}")


def response_error(kind: str, status: int, body: str) -> str | None:
    """None when the platform accepted the message. DingTalk/WeCom answer HTTP 200 with errcode != 0 on errors."""
    if status >= 400:
        return f"HTTP {status}: {body[:300]}"
    if kind in ("dingtalk", "wecom"):
        try:
            errcode = json.loads(body).get("errcode", 0)
        except (ValueError, AttributeError):
            return f"unreadable {kind} response: {body[:300]}"
        return None if errcode == 0 else f"{kind} errcode {errcode}: {body[:300]}"
    return None

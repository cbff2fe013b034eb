"""Where alerts go: one webhook (DingTalk robot, WeCom robot or Slack incoming webhook), or only the log.

Settings (bound in resources/bindings.py; a set variable is a dg.EnvVar, resolved at run time):
  ORDERHUB_ALERT_WEBHOOK_URL     the robot/webhook URL (unset = alerts only go to ops.alerts and the log)
  ORDERHUB_ALERT_WEBHOOK_SECRET  DingTalk 加签 secret (SEC...); ignored by WeCom/Slack
  ORDERHUB_ALERT_WEBHOOK_KIND    dingtalk | wecom | slack | auto (default auto: guessed from the URL host)
"""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from orderhub.notify.formats import KINDS, detect_kind
from orderhub.notify.webhook import WebhookTarget

URL_ENV = "ORDERHUB_ALERT_WEBHOOK_URL"
SECRET_ENV = "ORDERHUB_ALERT_WEBHOOK_SECRET"
KIND_ENV = "ORDERHUB_ALERT_WEBHOOK_KIND"


class Notifier(dg.ConfigurableResource):
    """Alert webhook. Pass it to `orderhub.notify.deliver_pending(con, notifier)`."""

    webhook_url: str = Field(default="", description="Webhook URL; empty = not configured (table + log only).")
    secret: str = Field(default="", description="DingTalk signing secret (加签).")
    kind: str = Field(default="auto", description="dingtalk | wecom | slack | auto")
    timeout_seconds: float = 5.0
    retries: int = Field(default=2, description="Retries per delivery pass (on 5xx/429/timeouts).")
    backoff_base_seconds: float = 0.5

    def webhook_target(self) -> WebhookTarget | None:
        if not self.webhook_url:
            return None
        kind = detect_kind(self.webhook_url) if self.kind == "auto" else self.kind
        if kind not in KINDS:
            raise ValueError(f"notifier kind must be one of {KINDS} or 'auto', got {self.kind!r}")
        return WebhookTarget(
            kind=kind,
            url=self.webhook_url,
            secret=self.secret,
            timeout=self.timeout_seconds,
            retries=self.retries,
            backoff_base=self.backoff_base_seconds,
            backoff_cap=max(4.0, self.backoff_base_seconds * 4),
        )

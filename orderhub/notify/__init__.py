"""Alert delivery: webhook formats (DingTalk/WeCom/Slack), delivery passes over ops.alerts, and a spool for
alerts raised while the warehouse is locked.

Other domains: `raise_alert(...)` / `resolve_alert(...)` from `orderhub.alerts`, then
`deliver_pending(con, notifier)` at the end of the asset (notifier = the `notifier` resource).
"""

from orderhub.notify.delivery import DeliveryReport, deliver_pending
from orderhub.notify.formats import AlertMessage, dingtalk_sign, dingtalk_signed_url, payload
from orderhub.notify.outbox import daemon_alert
from orderhub.notify.webhook import DeliveryError, WebhookTarget, post_alert

__all__ = [
    "AlertMessage",
    "DeliveryError",
    "DeliveryReport",
    "WebhookTarget",
    "deliver_pending",
    "dingtalk_sign",
    "dingtalk_signed_url",
    "payload",
    "post_alert",
    "daemon_alert",
]

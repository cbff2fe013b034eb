"""Customer-service form tickets (WeChat / e-mail intake).

Environment (optional): ``ORDERHUB_CS_URL`` (default the simulator root), ``ORDERHUB_CS_API_KEY``
(default empty: the simulator's form endpoint needs no key).
"""

from __future__ import annotations

from typing import ClassVar

from orderhub.calllog import CallLog
from resources.wms import ApiKeyClient


class CsApi(ApiKeyClient):
    """Reads tickets customers filed through the service form, oldest update first."""

    call_channel: ClassVar[str] = "cs"
    page_limit: int = 500
    max_pages: int = 1000

    def fetch_tickets(self, updated_after: str, calls: CallLog) -> list[dict]:
        """Every ticket with updated_at after `updated_after` (ISO UTC). Pages by the last updated_at seen;
        ties at a page edge are re-read (the caller de-duplicates on ticket_code)."""
        tickets: dict[str, dict] = {}
        cursor = updated_after
        for _ in range(self.max_pages):
            _, body = self.call(
                "GET", "/cs/tickets", "cs/tickets", calls, params={"updated_after": cursor, "limit": self.page_limit}
            )
            batch = body.get("tickets") or []
            for t in batch:
                tickets[t["ticket_code"]] = t
            if len(batch) < self.page_limit:
                break
            last = max(t["updated_at"] for t in batch)
            if last == cursor:  # a whole page with one timestamp: step past it rather than loop forever
                break
            cursor = last
        return list(tickets.values())

"""Paging a newest-first listing without missing records that change while we page.

The platforms list a time window newest-modified first. When an order in the window is modified during
paging and its new `modified` is after the window's end, it *leaves* the window and every record behind it
moves one position towards the front: reading front to back would skip the record that slid onto an
already-read page, while reading back to front (last page first, as Taobao and Pinduoduo advise) only
re-reads. So each pass asks for the count, then reads the last page first.

When the window reaches "now", a modified order instead *moves to the front*, pushing records back onto
pages already read, which no page order can survive. So a pass that saw the window change at all (the count
moved, page 1 changed between its two readings, or an order showed up in two versions) is "unstable", and
`stable_window` re-fetches that window in halves until each part reads cleanly: parts in the past only
ever lose records, and the newest part shrinks until it fits on one page, which the platform serves
atomically. (Windows should still end a little before the platform's clock: an order entering *and*
leaving the window within one pass cannot be seen by any client.)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_SPLIT_DEPTH = 10  # a 7-day window splits down to ~10-minute parts at most
_ONE_SECOND = timedelta(seconds=1)


@dataclass
class Page:
    records: list[dict] = field(default_factory=list)
    total: int | None = None  # None when the platform did not report a count
    has_next: bool | None = None


@dataclass
class Listing:
    records: list[dict]
    unstable: bool = False  # the window changed under us in a way that may have hidden records


def back_to_front(
    fetch: Callable[[int], Page], page_size: int, first_page: int = 1, identity: Callable[[dict], object] | None = None
) -> Listing:
    """One pass over a window, pages last-to-first after a count request for the first page.

    The first page is read again at the end of the pass; its first reading is kept too (a duplicate costs
    nothing: raw landing dedupes by content hash). `identity` (record -> order id) lets the pass notice an
    order that moved to the front while it was paging."""
    first = fetch(first_page)
    if first.total is None:
        return Listing(_front_to_back(fetch, first, first_page))
    records = list(first.records)
    last = first
    n_pages = math.ceil(first.total / page_size)
    if n_pages > 1 or first.total > len(first.records):
        for page_no in range(first_page + max(n_pages, 1) - 1, first_page - 1, -1):
            last = fetch(page_no)
            records.extend(last.records)
    changed = (last.total != first.total) or (last is not first and _canon(last.records) != _canon(first.records))
    return Listing(records, changed or (identity is not None and _seen_in_two_versions(records, identity)))


def stable_window(
    list_window: Callable[[datetime, datetime], Listing], start: datetime, end: datetime, depth: int = 0
) -> list[dict]:
    """All records of [start, end): one pass, and if it was unstable, both halves again (recursively).
    Records of an unstable pass are kept as well, so splitting can only add, never lose."""
    listing = list_window(start, end)
    if not listing.unstable or end - start <= _ONE_SECOND or depth >= MAX_SPLIT_DEPTH:
        return listing.records
    mid = (start + (end - start) / 2).replace(microsecond=0)
    return (
        listing.records
        + stable_window(list_window, start, mid, depth + 1)
        + stable_window(list_window, mid, end, depth + 1)
    )


def _canon(records: list[dict]) -> list[str]:
    return [json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in records]


def _seen_in_two_versions(records: list[dict], identity: Callable[[dict], object]) -> bool:
    versions: dict[object, str] = {}
    for record in records:
        key = identity(record)
        if key is None:
            continue
        body = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
        if versions.setdefault(key, body) != body:
            return True
    return False


def _front_to_back(fetch: Callable[[int], Page], first: Page, first_page: int, max_pages: int = 100_000) -> list[dict]:
    # Fallback when no count is returned: follow has_next (or stop at an empty page).
    collected = list(first.records)
    page, page_no = first, first_page
    while page.records and (page.has_next if page.has_next is not None else True) and page_no - first_page < max_pages:
        page_no += 1
        page = fetch(page_no)
        collected.extend(page.records)
    return collected

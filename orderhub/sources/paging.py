"""Paging a newest-first listing without missing records that change while we page.

The platforms list a window newest-modified first. When an order in the window is modified during paging,
it leaves the window (its new `modified` is after the window's end), so every record behind it moves one
position towards the front. Reading front to back would then skip the record that slid onto an
already-read page; reading back to front (last page first, as Taobao and Pinduoduo advise) only ever
re-reads, never skips. So: ask for the count, then read the last page first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Page:
    records: list[dict] = field(default_factory=list)
    total: int | None = None       # None when the platform did not report a count
    has_next: bool | None = None


def back_to_front(fetch: Callable[[int], Page], page_size: int, first_page: int = 1, max_passes: int = 3) -> list[dict]:
    """All records of a window, reading pages last-to-first.

    The count comes from the first page; that page is read again at the end of the pass (its records are
    kept too: a duplicate costs nothing, raw landing dedupes by content hash). If the count *grew* during a
    pass (records inserted at the front, possible only when the window reaches "now"), records may have been
    pushed onto pages already read, so the pass is repeated, at most `max_passes` times.
    """
    first = fetch(first_page)
    if first.total is None:
        return _front_to_back(fetch, first, first_page)
    collected = list(first.records)
    total = first.total
    for _ in range(max_passes):
        n_pages = math.ceil(total / page_size)
        if n_pages <= 1 and total <= len(first.records):
            break
        last = first
        for page_no in range(first_page + max(n_pages, 1) - 1, first_page - 1, -1):
            last = fetch(page_no)
            collected.extend(last.records)
        if last.total is None or last.total <= total:
            break
        total = last.total
        first = last
    return collected


def _front_to_back(fetch: Callable[[int], Page], first: Page, first_page: int, max_pages: int = 100_000) -> list[dict]:
    # Fallback when no count is returned: follow has_next (or stop at a short/empty page).
    collected = list(first.records)
    page, page_no = first, first_page
    while page.records and (page.has_next if page.has_next is not None else True) and page_no - first_page < max_pages:
        page_no += 1
        page = fetch(page_no)
        collected.extend(page.records)
    return collected

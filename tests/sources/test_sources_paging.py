"""Back-to-front paging and window re-splitting, on an in-memory newest-first listing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from orderhub.sources.paging import Page, back_to_front, stable_window

T = datetime(2026, 11, 11, tzinfo=UTC)


class Listing:
    """Orders id -> modified (distinct seconds); before serving any page after the first, the next planned
    mutation happens: an order either leaves the range (modified after it) or is modified "now" (inside the
    range, near its end: it moves towards the front)."""

    def __init__(self, n: int, span_s: int, plan: list[tuple[int, bool]]):
        self.end = T + timedelta(seconds=span_s)
        self.orders = {f"o{i:03d}": T + timedelta(seconds=(i * span_s) // max(n, 1)) for i in range(n)}
        self.version = dict.fromkeys(self.orders, 0)
        self.plan, self.mutated = list(plan), set()
        self.requests = 0
        self.clock, self.left = self.end - timedelta(seconds=8), False  # at most 2 orders share a second

    def fetch_factory(self, s: datetime, e: datetime, page_size: int):
        def fetch(page_no: int) -> Page:
            self.requests += 1
            if page_no > 1 and self.plan and self.orders:
                pick, leave = self.plan.pop(0)
                oid = sorted(self.orders)[pick % len(self.orders)]
                # platform time only moves forward: "now" is inside the window near its end until it
                # passes the end, after which every modified order leaves the window
                self.left = self.left or leave
                self.clock += timedelta(seconds=1)
                self.orders[oid] = self.end + timedelta(hours=1) if self.left else self.clock
                self.version[oid] += 1
                self.mutated.add(oid)
            hits = sorted(
                (o for o, m in self.orders.items() if s <= m < e), key=lambda o: (-self.orders[o].timestamp(), o)
            )
            page = hits[(page_no - 1) * page_size : page_no * page_size]
            return Page([{"id": o, "v": self.version[o]} for o in page], total=len(hits))

        return fetch


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(0, 80),
    extra_s=st.integers(0, 4000),
    page_size=st.integers(2, 9),
    plan=st.lists(st.tuples(st.integers(0, 1000), st.booleans()), max_size=6),
)
def test_property_no_order_is_missed_whatever_moves_while_paging(n, extra_s, page_size, plan):
    # (a window is never split below one second, so more orders than a page in one second stay a limit)
    world = Listing(n, n + 8 + extra_s, plan)
    original = set(world.orders)

    def list_window(s, e):
        return back_to_front(world.fetch_factory(s, e, page_size), page_size, identity=lambda r: r["id"])

    got = {r["id"] for r in stable_window(list_window, T, world.end)}
    still_in_range = {o for o, m in world.orders.items() if T <= m < world.end}
    # every order whose current version is in the range is delivered, and so is every order never touched
    assert got >= still_in_range | (original - world.mutated)


def test_a_quiet_window_is_read_in_one_pass_last_page_first():
    world = Listing(45, 900, [])
    pages: list[int] = []
    fetch = world.fetch_factory(T, world.end, 10)
    listing = back_to_front(lambda p: pages.append(p) or fetch(p), 10, identity=lambda r: r["id"])
    assert not listing.unstable and pages == [1, 5, 4, 3, 2, 1]  # count, then the last page first
    assert {r["id"] for r in stable_window(lambda s, e: listing, T, world.end)} == set(world.orders)


def test_orders_leaving_the_window_lose_nothing_even_in_one_pass():
    world = Listing(45, 900, [(15, True)] * 3)
    listing = back_to_front(world.fetch_factory(T, world.end, 10), 10, identity=lambda r: r["id"])
    assert {r["id"] for r in listing.records} >= set(world.orders) - world.mutated
    assert listing.unstable  # the count changed: re-read to be safe


def test_an_order_moving_to_the_front_makes_the_pass_unstable():
    world = Listing(45, 900, [(40, False)])  # o040 is on page 1, read by the count request
    listing = back_to_front(world.fetch_factory(T, world.end, 10), 10, identity=lambda r: r["id"])
    assert listing.unstable


def test_a_changing_count_makes_the_pass_unstable():
    calls = iter([Page([{"id": 1}], total=2), Page([{"id": 2}], total=2), Page([{"id": 3}, {"id": 1}], total=3)])
    assert back_to_front(lambda p: next(calls), 1).unstable


def test_without_a_count_pages_follow_has_next():
    pages = {1: Page([{"id": 1}], has_next=True), 2: Page([{"id": 2}], has_next=False)}
    assert back_to_front(pages.__getitem__, 1).records == [{"id": 1}, {"id": 2}]

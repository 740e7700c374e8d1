"""Auto-pagination of the list operations, as openai-python's ``SyncPage`` / ``AsyncPage`` do it.

A list operation (``offset``/``limit`` query parameters, one array in its answer) returns the first
page; iterating the page yields its items and then those of every later page, each fetched when
the iteration reaches it. The page keeps the first answer's other fields (``page.response``, e.g.
``task_count``). The next page starts at ``offset + len(items)``; there is none when a page comes
back empty, when the documented total (``task_count``, a number or a string of digits) is reached,
or when a page is shorter than the ``limit`` asked for.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Generic, TypeVar

M = TypeVar("M")  # the operation's answer (one page)
T = TypeVar("T")  # one listed item

ItemsOf = Callable[[M], Sequence[T] | None]
TotalOf = Callable[[M], int | str | None]


class _Page(Generic[M, T]):
    """What both page kinds share: one answer, its items and where the next page starts."""

    def __init__(
        self, response: M, offset: int | None, limit: int | None, items: ItemsOf[M, T], total: TotalOf[M] | None
    ) -> None:
        self.response = response
        self.offset = offset or 0
        self.limit = limit
        self._items_of = items
        self._total_of = total
        self.data: list[T] = list(items(response) or [])

    @property
    def total(self) -> int | None:
        """The number of items over all pages, as the service reported it (None when it did not)."""
        value = self._total_of(self.response) if self._total_of is not None else None
        if isinstance(value, str):
            return int(value) if value.isdigit() else None
        return value

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.data)

    def has_next_page(self) -> bool:
        if not self.data:
            return False
        total = self.total
        if total is not None:
            return self.next_offset < total
        return self.limit is None or len(self.data) >= self.limit

    def __repr__(self) -> str:
        return f"<{type(self).__name__} offset={self.offset} items={len(self.data)} total={self.total}>"


class SyncPage(_Page[M, T]):
    """One page of a list operation; ``for item in page`` goes on through the later pages."""

    def __init__(
        self,
        fetch: Callable[[int | None], M],
        offset: int | None,
        limit: int | None,
        *,
        items: ItemsOf[M, T],
        total: TotalOf[M] | None = None,
    ) -> None:
        # The first page is fetched now, so a bad argument or an error status raises at the call.
        super().__init__(fetch(offset), offset, limit, items, total)
        self._fetch = fetch

    def get_next_page(self) -> SyncPage[M, T]:
        if not self.has_next_page():
            raise StopIteration("no next page")
        return SyncPage(self._fetch, self.next_offset, self.limit, items=self._items_of, total=self._total_of)

    def iter_pages(self) -> Iterator[SyncPage[M, T]]:
        page: SyncPage[M, T] = self
        yield page
        while page.has_next_page():
            page = page.get_next_page()
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_Page[M, T]):
    """The async twin of ``SyncPage``: ``page = await client.list_…(…)``, then ``async for item in page``."""

    def __init__(
        self,
        response: M,
        fetch: Callable[[int | None], Awaitable[M]],
        offset: int | None,
        limit: int | None,
        *,
        items: ItemsOf[M, T],
        total: TotalOf[M] | None = None,
    ) -> None:
        super().__init__(response, offset, limit, items, total)
        self._fetch = fetch

    @classmethod
    async def first(
        cls,
        fetch: Callable[[int | None], Awaitable[M]],
        offset: int | None,
        limit: int | None,
        *,
        items: ItemsOf[M, T],
        total: TotalOf[M] | None = None,
    ) -> AsyncPage[M, T]:
        return cls(await fetch(offset), fetch, offset, limit, items=items, total=total)

    async def get_next_page(self) -> AsyncPage[M, T]:
        if not self.has_next_page():
            raise StopAsyncIteration("no next page")
        return await AsyncPage.first(
            self._fetch, self.next_offset, self.limit, items=self._items_of, total=self._total_of
        )

    async def iter_pages(self) -> AsyncIterator[AsyncPage[M, T]]:
        page: AsyncPage[M, T] = self
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item

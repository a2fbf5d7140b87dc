"""The thread pool that fetches pages and child lists a few at a time, handed on in order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_order(
    task: Callable[[Item], Result], items: Iterable[Item], workers: int
) -> Generator[Result, None, None]:
    """``task`` of each item, run ``workers`` at a time, yielded in the items' order.

    A sliding window of twice the workers' tasks is submitted ahead, so a long run of items
    holds only that many results in memory. A task's error is raised when its result is
    reached. Closing the iterator (or an error) cancels the tasks not yet started and waits
    for the running ones, so no request outlives the reading of its list.

    Args:
        task: What to run for one item, on a worker thread.
        items: The items, read lazily as the window moves on.
        workers: Threads of the pool (at least 1).
    """
    remaining = iter(items)
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        pending: deque[Future[Result]] = deque(
            pool.submit(task, item) for item in islice(remaining, workers * 2)
        )
        while pending:
            head = pending.popleft()
            for following in islice(remaining, 1):  # the window moves on by one item
                pending.append(pool.submit(task, following))
            yield head.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

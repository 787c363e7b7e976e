"""Completed windows of many streams, handed to one worker that classifies them in one batch.

One ONNX Runtime call on a batch of N windows costs far less than N calls (fixed per-call
overhead, better vectorised GAF), which is what lets one node serve many wearers. Each stream
keeps at most ``depth`` pending windows: when the worker falls behind, a stream's oldest
window is dropped and counted, so a label is never stale by more than ``depth`` hops.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class WindowMailbox(Generic[T]):
    """Thread-safe: producers ``put`` per stream, one consumer ``take``s everything pending."""

    def __init__(self, n_streams: int, depth: int = 2):
        if n_streams < 1 or depth < 1:
            raise ValueError(f"n_streams, depth: expected >= 1, got {n_streams}, {depth}")
        self._pending: list[deque[T]] = [deque() for _ in range(n_streams)]
        self._depth = depth
        self._count = 0
        self._next = 0  # round-robin start
        self._closed = False
        self._ready = threading.Condition()
        self.skipped = [0] * n_streams

    def put(self, stream: int, item: T) -> None:
        """Queue ``item`` for ``stream``; a full stream drops its oldest pending window."""
        with self._ready:
            pending = self._pending[stream]
            if len(pending) >= self._depth:
                pending.popleft()
                self.skipped[stream] += 1
            else:
                self._count += 1
            pending.append(item)
            self._ready.notify()

    def take(self, max_items: int = 0, timeout: float | None = None) -> list[tuple[int, T]] | None:
        """Block until something is pending; return up to ``max_items`` (0 = all) as (stream, item).

        Streams are served round-robin, starting after the last stream served, so under a
        ``max_items`` limit no stream starves. Returns None once closed and drained, [] on timeout.
        """
        with self._ready:
            if not self._ready.wait_for(lambda: self._count or self._closed, timeout):
                return []
            if not self._count:
                return None
            batch: list[tuple[int, T]] = []
            limit = min(max_items, self._count) if max_items else self._count
            n = len(self._pending)
            while len(batch) < limit:
                stream = self._next
                self._next = (self._next + 1) % n
                if self._pending[stream]:
                    batch.append((stream, self._pending[stream].popleft()))
                    self._count -= 1
            return batch

    def close(self) -> None:
        """Wake the consumer; it gets what is still pending, then None."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def __len__(self) -> int:
        with self._ready:
            return self._count

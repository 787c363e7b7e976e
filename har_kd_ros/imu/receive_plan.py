"""When the IMU receiver must be awake: shortly before a window completes, not at every sample.

Waking a Python thread for one DDS message costs more CPU (docs/benchmarks.md) than
everything the node then does with the sample, and most samples only go into a buffer: a label is
due once per hop. So the receiver sleeps while the queues fill and takes what arrived in one go,
and waits on DDS message by message only when some stream's next window is about to complete,
so the sample that completes it is handled as soon as it arrives.

For that each stream learns from its own samples how its stamps map to this machine's clock
(:class:`ArrivalClock`: the stamp rate, 1 for a live sensor and 2 for a bag replayed at 2x, and
the message rate), and :func:`plan_wakeup` turns the predicted arrivals into how long the
receiver may wait and which streams' messages must wake it. A stream whose messages wake the
receiver costs nothing while it is silent, so a node whose streams are all silent sleeps until
a message comes. Pure functions of stamps and clock readings, so they are tested without DDS.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# the receiver wakes this long before a window's completing sample is expected (covers the
# delivery jitter and the lag of a batch), and never sleeps longer than MAX_SLEEP_S while a stream
# is live: a stream that changes pace is noticed within that time
WAKE_MARGIN_S = 0.015
MAX_SLEEP_S = 0.5
MIN_SLEEP_S = 0.002  # less slack than this (or than its message interval): wait for its next message
# Rates are measured between samples read as they arrived ("prompt": the ones that woke the
# receiver), this far apart, so how long the receiver slept in between does not bias them. The
# first estimate comes sooner: until then every sample is prompt.
_SPAN_S = 2.0
_FIRST_SPAN_S = 0.5
# Prompt samples come once per window (its completing sample is waited for), but a stream whose
# pace changed may be predicted so late that it is never waited for: after this long without a
# new estimate its next sample is read as it arrives, so the rate is measured again.
_STALE_S = 2 * _SPAN_S
_IDLE_S = 1.0  # a stream silent this long is not about to complete anything
_BATCH_S = 0.001  # messages taken closer together than this came out of one wake-up


@dataclass
class ArrivalClock:
    """One stream's stamps against the receiver's monotonic clock, learned from its samples."""

    stamp_rate: float = math.nan  # stamp seconds per wall second (NaN until a span is seen)
    message_rate: float = math.nan  # messages per wall second
    last_wall: float = -math.inf
    last_stamp: float = math.nan
    last_prompt: bool = False  # the newest sample was taken as it arrived
    _ref: tuple[float, float, int] | None = None  # wall, stamp, messages at the start of a span
    _messages: int = 0
    _batch_wall: float = -math.inf  # when the current batch's first message was taken
    _prev_batch_wall: float = -math.inf
    _batch_n: int = 0

    def observe(self, wall: float, stamp: float, prompt: bool = True, count: int = 1) -> None:
        """``count`` samples taken from the queue at ``wall``, the newest stamped ``stamp``, and
        whether they were taken as they arrived (``prompt``) rather than after waiting for a batch."""
        self._messages += count
        if wall - self.last_wall > _BATCH_S:  # the first of a new batch
            self._prev_batch_wall, self._batch_wall, self._batch_n = self._batch_wall, wall, 0
        self._batch_n += count
        self.last_wall, self.last_stamp, self.last_prompt = wall, stamp, prompt
        if not prompt:  # when it arrived is only known to within the batch's wait
            return
        if self._ref is None:
            self._ref = (wall, stamp, self._messages)
            return
        ref_wall, ref_stamp, ref_messages = self._ref
        if wall - ref_wall < (_FIRST_SPAN_S if math.isnan(self.stamp_rate) else _SPAN_S):
            return
        rate = (stamp - ref_stamp) / (wall - ref_wall)
        # a clock that jumped (a restarted driver, a looping bag) gives no estimate: start again
        self.stamp_rate = rate if 0.05 <= rate <= 50.0 else math.nan
        self.message_rate = (self._messages - ref_messages) / (wall - ref_wall)
        self._ref = (wall, stamp, self._messages)

    def missed(self) -> None:
        """A window completed in a batch the plan let wait: the prediction was wrong (the pace
        changed, or the rates were learned from a stream gone wild). Forget the rates, so the
        stream is read message by message until its samples have taught them again."""
        self.stamp_rate = self.message_rate = math.nan
        self._ref = None

    def due_in(self, now: float, stamp: float) -> float:
        """Wall seconds from ``now`` until the sample stamped ``stamp`` should be taken; 0 (take
        each message as it arrives) when that cannot be predicted: no rate yet, no window yet, the
        rate is stale, or the stream is silent (its next message then costs one wake, and its
        silence nothing)."""
        if not math.isfinite(stamp) or now - self.last_wall > _IDLE_S or math.isnan(self.stamp_rate):
            return 0.0
        if self._ref is not None and now - self._ref[0] > _STALE_S:  # no estimate for a while
            return 0.0
        # the newest sample of a batch may have waited up to one interval in the queue
        waited = 0.0 if self.last_prompt else self.interval
        return self.last_wall - waited + (stamp - self.last_stamp) / self.stamp_rate - now

    @property
    def interval(self) -> float:
        """Seconds between messages (0 before the rate is known)."""
        return 1.0 / self.message_rate if self.message_rate > 0 else 0.0

    def fills_in(self, depth: int) -> float:
        """Wall seconds until a queue of ``depth`` messages is full at the message rate: the last
        span's, or the last batch's if higher (a burst counts at once); 0 before any rate is
        known, so an unknown stream is never left to overflow its queue."""
        if math.isnan(self.message_rate):
            return 0.0
        # the newest batch holds what arrived since the batch before it was taken
        gap = self._batch_wall - self._prev_batch_wall
        rate = max(self.message_rate, self._batch_n / gap if 0 < gap < math.inf else 0.0)
        return depth / rate if rate > 0 else math.inf


def plan_wakeup(
    due: Sequence[float], fill: Sequence[float], interval: Sequence[float] | None = None
) -> tuple[float, list[int]]:
    """When the receiver must wake: (the longest it may wait, the streams whose next message must
    wake it at once). A stream is urgent when its next window completes within WAKE_MARGIN_S,
    when its arrivals cannot be predicted (no rate yet, or silent), or when half its queue could
    fill sooner; the others bound the wait (their earliest completion less the margin, half their
    queue's fill time, at most MAX_SLEEP_S). A sleep shorter than the stream's message
    ``interval`` saves no wake (its next message comes later), so that stream is urgent too.
    With no bound the wait is unbounded (inf): only a message (or stopping) ends it, and a silent
    stream that is urgent costs nothing."""
    timeout, urgent = math.inf, []
    for index, (d, f) in enumerate(zip(due, fill, strict=True)):
        slack = min(d - WAKE_MARGIN_S, 0.5 * f)
        if slack < max(MIN_SLEEP_S, interval[index] if interval else 0.0):
            urgent.append(index)
        else:
            timeout = min(timeout, slack, MAX_SLEEP_S)
    return timeout, urgent

"""One IMU stream's serialized messages in, completed windows out: read, check, stamp, window.

imu_har's receive path without ROS: whatever thread takes the messages (the deadline receiver or
the executor) hands them here, a batch at a time, and gets back the windows they completed. It
never raises: a message that cannot be read, from another frame, or without the gyroscope a
6-axis model reads is counted and dropped, and the first of each kind is reported once, so a bad
publisher is one line in the log and a number in /diagnostics, never a dead node.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from har_kd_ros.imu.receive_plan import ArrivalClock
from har_kd_ros.imu.window import StreamingWindow, Window
from har_kd_ros.inference.smoothing import UNKNOWN
from har_kd_ros.messages.cdr import ImuCdrReader, MissingGyroscopeError, read_classification, read_string


@dataclass
class IngestCounts:
    """What the stream dropped before its window saw it (the window counts the rest)."""

    malformed: int = 0
    wrong_frame: int = 0
    no_gyro: int = 0  # samples without the angular velocity a 6-axis model reads
    unstamped: int = 0  # stamped 0 by the driver: timed on receipt instead


@dataclass
class StreamIngest:
    """A stream's reader, window and arrival clock, and what it dropped.

    ``now`` gives ROS time in seconds (an unstamped sample's best estimate); ``report(level, text)``
    is told the first problem of each kind (``level`` 'warning' or 'error').
    """

    topic: str
    reader: ImuCdrReader
    window: StreamingWindow
    now: Callable[[], float]
    report: Callable[[str, str], None]
    frame_id: str = ""  # only samples of this frame, if set
    channels_hint: str = ""  # what the model reads, for the missing-gyroscope line
    counts: IngestCounts = field(default_factory=IngestCounts)
    arrival: ArrivalClock = field(default_factory=ArrivalClock)

    def take(self, messages: Sequence[bytes], prompt: bool) -> list[tuple[Window, str, float]]:
        """The windows ``messages`` (oldest first) complete, each with its frame_id and the
        ``perf_counter`` time its batch was windowed. ``prompt``: taken as they arrived (the
        arrival clock learns from those only)."""
        stamps, samples, frames = [], [], []
        for data in messages:
            try:
                t, frame, values = self.reader.read(data)
            except MissingGyroscopeError as exc:
                self.counts.no_gyro += 1
                if self.counts.no_gyro == 1:
                    self.report("error", f"dropping Imu messages on {self.topic}: {exc}; {self.channels_hint}")
                continue
            except Exception as exc:  # a running node never dies on a bad message
                self._malformed(exc)
                continue
            if self.frame_id and frame != self.frame_id:
                self.counts.wrong_frame += 1
                continue
            if t == 0.0:  # an unstamped driver: the receive time is the best estimate there is
                self.counts.unstamped += 1
                t = self.now()
            stamps.append(t)
            samples.append(values)
            frames.append(frame)
        if not stamps:
            return []
        self.arrival.observe(time.monotonic(), stamps[-1], prompt, len(stamps))
        taken = time.perf_counter()
        try:
            completed = self.window.push_many(stamps, samples)
        except Exception as exc:  # not expected (the window counts what it drops): never the caller's end
            self._malformed(exc)
            return []
        if completed and not prompt:  # a window completed while the receiver let the queue wait
            self.arrival.missed()
        return [(window, frames[i], taken) for i, window in completed]

    @property
    def dropped(self) -> int:
        """Every sample dropped here or by the window."""
        c = self.counts
        return self.window.stats.dropped + c.malformed + c.wrong_frame + c.no_gyro

    def _malformed(self, exc: Exception) -> None:
        self.counts.malformed += 1
        if self.counts.malformed == 1:
            self.report("warning", f"dropping malformed Imu message on {self.topic} ({type(exc).__name__}: {exc})")


def read_teacher_label(data: bytes, is_string: bool) -> tuple[float | None, str] | None:
    """A serialized teacher label as (stamp, label): a Classification's top result, stamped with
    the end of the teacher's window; a String label with no stamp (None: timed on arrival). None
    for a label that says nothing (no result, empty, ``unknown``); ValueError for bad bytes."""
    if is_string:
        label = read_string(data)
        return None if not label or label == UNKNOWN else (None, label)
    msg = read_classification(data)
    return (msg.header.stamp, msg.results[0][0]) if msg.results else None

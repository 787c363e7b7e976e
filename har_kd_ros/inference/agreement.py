"""Student-teacher agreement over a sliding window: is the watch model drifting?

The camera teacher and the watch student label the same person on different clocks and at
different moments (the teacher waits for camera frames, the student for IMU samples). Each
student label is paired with the teacher label whose window ends nearest to it, within a
tolerance, once the teacher stream has moved past it (so a late teacher label still counts).
Students with no teacher label in reach are counted as unpaired, not as disagreements.

Either clock may jump back (a replayed bag, a restarted driver, a corrupted stamp that came
first): a step back by more than ``max_wait_s`` starts that stream's timeline again, so one
label from the far future cannot make every later one look out of order.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class AgreementStats:
    agreement: float  # fraction of the last ``window`` pairs whose labels agree (NaN without pairs)
    pairs: int  # pairs in the sliding window
    paired_total: int
    unpaired_total: int  # student labels with no teacher label within the tolerance
    teacher_label_unknown: int  # teacher labels the student cannot produce (not compared)


class AgreementTracker:
    def __init__(
        self,
        student_labels: tuple[str, ...],
        window: int = 60,
        tolerance_s: float = 0.5,
        max_wait_s: float = 5.0,
    ):
        if window < 1:
            raise ValueError(f"window: expected >= 1 pairs, got {window}")
        if not tolerance_s > 0 or not max_wait_s >= tolerance_s:
            raise ValueError(
                f"tolerance_s/max_wait_s: expected 0 < tolerance <= max_wait, got {tolerance_s}/{max_wait_s}"
            )
        self.student_labels = frozenset(student_labels)
        self.tolerance_s = tolerance_s
        self.max_wait_s = max_wait_s
        self._pairs: deque[bool] = deque(maxlen=window)
        self._pending: deque[tuple[float, str]] = deque()
        self._teacher_t: list[float] = []
        self._teacher_label: list[str] = []
        self.paired_total = 0
        self.unpaired_total = 0
        self.teacher_label_unknown = 0

    def add_teacher(self, t: float, label: str) -> None:
        if self._teacher_t and t <= self._teacher_t[-1]:
            if self._teacher_t[-1] - t <= self.max_wait_s:
                return  # out of order or repeated: the stream is monotonic per teacher
            self._teacher_t.clear()  # the teacher's clock restarted: its old labels match nothing now
            self._teacher_label.clear()
        if label not in self.student_labels:
            self.teacher_label_unknown += 1
            return
        self._teacher_t.append(t)
        self._teacher_label.append(label)
        self._resolve()

    def add_student(self, t: float, label: str) -> None:
        if self._pending and self._pending[-1][0] - t > self.max_wait_s:
            # the student's clock restarted: what waits for a teacher label from the old timeline
            # would wait forever (and the queue grow); count it unpaired
            self.unpaired_total += len(self._pending)
            self._pending.clear()
        self._pending.append((t, label))
        self._resolve()

    def _resolve(self) -> None:
        latest_teacher = self._teacher_t[-1] if self._teacher_t else float("-inf")
        latest_student = self._pending[-1][0] if self._pending else float("-inf")
        while self._pending:
            t, label = self._pending[0]
            if latest_teacher >= t + self.tolerance_s:  # every teacher label that could match is in
                match = self._nearest(t)
                if match is None:
                    self.unpaired_total += 1
                else:
                    self._pairs.append(match == label)
                    self.paired_total += 1
            elif latest_student - t > self.max_wait_s:  # the teacher went quiet: stop waiting
                self.unpaired_total += 1
            else:
                break
            self._pending.popleft()
        # teacher labels older than anything still pending can never match again
        horizon = (self._pending[0][0] if self._pending else latest_teacher) - self.tolerance_s
        cut = bisect.bisect_left(self._teacher_t, horizon)
        if cut > 1:
            del self._teacher_t[: cut - 1], self._teacher_label[: cut - 1]

    def _nearest(self, t: float) -> str | None:
        i = bisect.bisect_left(self._teacher_t, t)
        best, best_dt = None, self.tolerance_s
        for j in (i - 1, i):
            if 0 <= j < len(self._teacher_t) and abs(self._teacher_t[j] - t) <= best_dt:
                best, best_dt = self._teacher_label[j], abs(self._teacher_t[j] - t)
        return best

    def stats(self) -> AgreementStats:
        pairs = len(self._pairs)
        return AgreementStats(
            agreement=sum(self._pairs) / pairs if pairs else float("nan"),
            pairs=pairs,
            paired_total=self.paired_total,
            unpaired_total=self.unpaired_total,
            teacher_label_unknown=self.teacher_label_unknown,
        )

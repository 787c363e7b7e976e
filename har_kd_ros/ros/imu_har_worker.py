"""imu_har's worker thread: GAF + ONNX + publishing, every pending window of every wearer in one batch.

The receive path only windows samples; this thread does everything that costs, so a slow
inference never holds an IMU sample back. Windows wait in a per-wearer mailbox of depth 2 (a
window the worker could not take in time is counted as skipped, a stale label helps nobody).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np
from std_msgs.msg import String

from har_kd_ros.imu.batching import WindowMailbox
from har_kd_ros.imu.window import Window
from har_kd_ros.inference.classifier import StudentClassifier
from har_kd_ros.ros import convert
from har_kd_ros.ros.process import name_os_thread

NAME = "imu_har_infer"


class InferenceWorker:
    """Takes batches of ``(window, frame_id, windowed_at)`` from ``mailbox`` (one slot per stream of
    ``streams``) until the mailbox closes; publishes each stream's smoothed label.

    ``now`` is ROS time in seconds (a String teacher's labels carry no stamp: both sides of the
    agreement are then timed when sent); ``log_error`` is told what failed, the worker goes on.
    """

    def __init__(
        self,
        classifier: StudentClassifier,
        mailbox: WindowMailbox[tuple[Window, str, float]],
        streams: Sequence,
        max_batch: int,
        stamped_teacher: bool,
        now: Callable[[], float],
        agreement_lock: threading.Lock,
        log_error: Callable[[str], None],
        busy_s: dict[str, float],
    ) -> None:
        self.classifier, self.mailbox, self.streams = classifier, mailbox, streams
        self.max_batch, self.stamped_teacher, self.now = max_batch, stamped_teacher, now
        self.agreement_lock, self.log_error = agreement_lock, log_error
        self.busy_s = busy_s  # gaf, onnx, publish: seconds spent, read by /diagnostics
        self.latencies_ms: deque[float] = deque(maxlen=1000)
        self.batch_sizes: deque[int] = deque(maxlen=200)
        self._thread = threading.Thread(target=self._loop, name=NAME, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self.mailbox.close()
        self._thread.join(timeout=timeout)

    def _loop(self) -> None:
        name_os_thread(NAME)
        while True:
            batch = self.mailbox.take(self.max_batch)
            if batch is None:
                return
            try:
                t0 = time.perf_counter()
                windows = np.stack([w.data for _, (w, _, _) in batch])
                images = self.classifier.encode(self.classifier.check_windows(windows))
                t1 = time.perf_counter()
                probabilities = self.classifier.classify_images(images)
                t2 = time.perf_counter()
            except Exception as exc:  # keep serving: one failed batch must not stop the worker
                self.log_error(f"inference failed: {type(exc).__name__}: {exc}")
                continue
            self.batch_sizes.append(len(batch))
            self.busy_s["gaf"] += t1 - t0
            self.busy_s["onnx"] += t2 - t1
            for (index, (window, frame, windowed_at)), p in zip(batch, probabilities, strict=True):
                if self._publish(self.streams[index], window, frame, p):
                    # from the take that completed the window to the label being out
                    latency = 1e3 * (time.perf_counter() - windowed_at)
                    self.streams[index].latencies_ms.append(latency)
                    self.latencies_ms.append(latency)
            self.busy_s["publish"] += time.perf_counter() - t2

    def _publish(self, stream, window: Window, frame: str, p: np.ndarray) -> bool:
        labels = self.classifier.labels
        try:
            smoothed = stream.smoother.update(p)
            if stream.classification_pub is not None:  # first: the label's details arrive before it
                stream.classification_pub.publish(
                    convert.classification_msg(smoothed.probabilities, labels, window.t_end, frame)
                )
            stream.activity_pub.publish(String(data=smoothed.label))
            stream.published += 1
            if stream.agreement is not None:
                top = labels[int(np.argmax(smoothed.probabilities))]
                t = window.t_end if self.stamped_teacher else self.now()
                with self.agreement_lock:
                    stream.agreement.add_student(t, top)
        except Exception as exc:
            self.log_error(f"publishing failed: {type(exc).__name__}: {exc}")
            return False
        return True

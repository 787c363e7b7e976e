"""imu_har: sensor_msgs/Imu in, activity labels out, in real time.

A receiver thread (har_kd_ros.ros.imu_receiver) takes the Imu messages as serialized bytes
(rclpy's message objects cost more CPU than the rest of the node, and its deserializer crashes on
hostile bytes), in batches while windows fill and message by message just before one completes
(waking a thread per message costs more than the rest of the node too); it reads the stamp, frame
and channels and pushes the sample into the streaming window (microseconds). Completed windows go
to a worker thread that GAF-encodes them, runs the ONNX student and publishes. Inference
therefore never delays or drops IMU samples, and if the worker falls behind only the newest
windows are kept (a stale label helps nobody).

One node serves one or many wearers (``imu_topics``): each stream has its own window, smoother
and output topics under the wearer's namespace, and the worker classifies the windows of all
streams that are pending in one batched ONNX call.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import rclpy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from rcl_interfaces.msg import SetParametersResult
from rclpy.parameter import Parameter
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Imu
from std_msgs.msg import String

from har_kd_ros.agreement import AgreementTracker
from har_kd_ros.batching import WindowMailbox
from har_kd_ros.cdr import ImuCdrReader, MissingGyroscopeError, RawDiagnosticStatus, read_classification, read_string
from har_kd_ros.classifier import ModelLoadError, StudentClassifier
from har_kd_ros.model_card import ModelCardError
from har_kd_ros.receive_plan import ArrivalClock, plan_wakeup
from har_kd_ros.ros import convert
from har_kd_ros.ros.imu_har_diagnostics import agreement_level, agreement_values, classifier_level
from har_kd_ros.ros.imu_har_params import declare_parameters
from har_kd_ros.ros.imu_receiver import ImuReceiver, start_receiver
from har_kd_ros.ros.managed import ManagedNode, autostarted
from har_kd_ros.ros.process import name_os_thread, run_node, spin_executor
from har_kd_ros.smoothing import UNKNOWN, LabelSmoother
from har_kd_ros.wearers import Wearer, plan_wearers
from har_kd_ros.window import StreamingWindow, Window


@dataclass
class WearerStream:
    """One wearer's state: its window and smoother, its publishers, and what it dropped."""

    wearer: Wearer
    window: StreamingWindow
    smoother: LabelSmoother
    activity_pub: object
    classification_pub: object | None = None
    label_info_pub: object | None = None
    agreement: AgreementTracker | None = None
    malformed: int = 0
    teacher_malformed: int = 0
    wrong_frame: int = 0
    no_gyro: int = 0  # samples without the angular velocity a 6-axis model reads
    unstamped: int = 0
    published: int = 0
    arrival: ArrivalClock = field(default_factory=ArrivalClock)
    last_accepted: tuple[int, float] = (0, 0.0)
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=200))


class ImuHarNode(ManagedNode):
    expected_errors = (ModelCardError, ModelLoadError, ValueError)

    def __init__(self, **kwargs: object) -> None:
        super().__init__("imu_har", **kwargs)
        self.config = declare_parameters(self)
        self.classifier: StudentClassifier | None = None
        self.streams: list[WearerStream] = []
        self.receiver: ImuReceiver | None = None
        self._worker: threading.Thread | None = None
        self.add_on_set_parameters_callback(self._validate_parameters)
        self.add_post_set_parameters_callback(self._apply_parameters)

    def configure(self) -> None:
        """The wearers and the model, checked against each other."""
        self.wearers = plan_wearers(self.config.imu_topics, self.config.wearers)
        if len(self.wearers) > 1 and self.config.teacher_topic.startswith(("/", "~")):
            raise ValueError("teacher_topic: expected a relative name with several wearers (one teacher per wearer)")
        self.classifier = StudentClassifier(self.config.model, threads=self.config.inference_threads)
        self._imu_reader = ImuCdrReader(self.classifier.card.channels)
        self.vision_msgs = convert.vision_msgs_available()
        if not self.vision_msgs:
            self.get_logger().warning("vision_msgs is not installed: publishing 'activity' (std_msgs/String) only")

    def cleanup(self) -> None:
        self.classifier = None

    def activate(self) -> None:
        """Publishers and teacher subscriptions per wearer, the worker, then the IMU subscriptions."""
        card = self.classifier.card
        reliability = (
            ReliabilityPolicy.RELIABLE if self.config.imu_reliability == "reliable" else ReliabilityPolicy.BEST_EFFORT
        )
        imu_qos = QoSProfile(
            depth=self.config.imu_queue_depth, reliability=reliability, durability=qos_profile_sensor_data.durability
        )
        self.streams = [self._make_stream(w) for w in self.wearers]
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self._agreement_lock = threading.Lock()

        # latency and batch sizes are owned by the worker; per-stream counters by the subscription thread
        self.latencies_ms: deque[float] = deque(maxlen=1000)
        self.batch_sizes: deque[int] = deque(maxlen=200)
        # where the time goes (seconds since start): IMU callbacks, and the worker's GAF, ONNX and publishing
        self.busy_s = {"imu_callback": 0.0, "gaf": 0.0, "onnx": 0.0, "publish": 0.0}
        self._mailbox: WindowMailbox[tuple[Window, str, float]] = WindowMailbox(len(self.streams), depth=2)
        self._worker = threading.Thread(target=self._infer_loop, name="imu_har_infer", daemon=True)
        self._worker.start()
        self.create_timer(1.0, self._publish_diagnostics)
        # last: the deadline receiver's thread calls _on_imu at once, which needs all of the above
        self.receiver = self._subscribe_imu(imu_qos)
        who = (
            ""
            if len(self.wearers) == 1
            else f"; {len(self.wearers)} wearers: {', '.join(w.name for w in self.wearers)}"
        )
        self.get_logger().info(
            f"model {card.model_id}: {len(card.labels)} labels, {card.sample_rate_hz:g} Hz, window {card.window_s:.2f} s, "
            f"hop {card.hop_s:.2f} s, GAF {card.gaf_method} {card.image_size}px, trained on IMUs worn at "
            f"{card.sensor_location or 'an unstated place'} (gravity {card.gravity or 'unstated'}); vision_msgs "
            f"{'on' if self.vision_msgs else 'off'}{who}"
        )
        if self.config.teacher_topic and not self.vision_msgs:
            self.get_logger().info(
                f"agreement: teacher String labels on '{string_teacher_topic(self.config.teacher_topic)}', "
                "both sides timed on arrival (vision_msgs is not installed)"
            )

    def deactivate(self) -> None:
        """The receiver and the worker end; what they fed is dropped with the streams."""
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None
        self._mailbox.close()
        self._worker.join(timeout=2.0)
        self.streams = []

    def _make_stream(self, wearer: Wearer) -> WearerStream:
        card, config = self.classifier.card, self.config
        stream = WearerStream(
            wearer,
            StreamingWindow(
                card.sample_rate_hz, card.window_samples, card.hop_samples, len(card.channels), config.max_gap
            ),
            LabelSmoother(card.labels, config.smoothing_alpha, config.min_confidence, config.hysteresis),
            self.create_publisher(String, wearer.topic("activity"), 10),
            last_accepted=(0, time.monotonic()),
        )
        if self.vision_msgs:
            latched = QoSProfile(
                depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL, reliability=ReliabilityPolicy.RELIABLE
            )
            stream.classification_pub = self.create_publisher(
                convert.Classification, wearer.topic("activity/classification"), 10
            )
            stream.label_info_pub = self.create_publisher(
                convert.LabelInfo, wearer.topic("activity/label_info"), latched
            )
            self._publish_label_info(stream, config.min_confidence)
        if config.teacher_topic:
            stream.agreement = AgreementTracker(
                card.labels,
                config.agreement_window,
                config.agreement_tolerance,
                max_wait_s=max(5.0, config.agreement_tolerance),
            )
            # without the Classification type: the teacher's String labels, timed on arrival
            msg_type, topic = (
                (convert.Classification, config.teacher_topic)
                if self.vision_msgs
                else (String, string_teacher_topic(config.teacher_topic))
            )
            # raw, like the IMU: rclpy's deserializer crashes on hostile bytes (har_kd_ros.cdr)
            on_teacher = partial(self._on_teacher, stream, msg_type is String)
            self.create_subscription(msg_type, wearer.topic(topic), on_teacher, 10, raw=True)
        return stream

    def _subscribe_imu(self, qos: QoSProfile) -> ImuReceiver | None:
        """The IMU topics, read raw by the deadline receiver or, failing that, by the executor."""
        if self.config.imu_receive == "deadline":
            topics = [stream.wearer.imu_topic for stream in self.streams]
            receiver = start_receiver(self, topics, qos, self._on_imu_batch, self._plan_wakeup)
            if isinstance(receiver, ImuReceiver):
                return receiver
            self.get_logger().info(f"imu_receive: deadline is not available in this rclpy ({receiver}): executor")
        for index, stream in enumerate(self.streams):
            self.create_subscription(Imu, stream.wearer.imu_topic, partial(self._on_imu, index, stream), qos, raw=True)
        return None

    def _plan_wakeup(self, now: float) -> tuple[float, list[int]]:
        """How long the receiver may let DDS queue IMU messages, and whose message ends the wait."""
        depth = self.config.imu_queue_depth
        return plan_wakeup(
            [s.arrival.due_in(now, s.window.next_end) for s in self.streams],
            [s.arrival.fills_in(depth) for s in self.streams],
            [s.arrival.interval for s in self.streams],
        )

    # -- parameters -------------------------------------------------------------------------
    def _validate_parameters(self, params: list[Parameter]) -> SetParametersResult:
        """No side effects here (ROS convention); ranges are enforced by the descriptors."""
        for p in params:
            if p.name in ("min_confidence", "smoothing_alpha", "hysteresis", "min_agreement") and not isinstance(
                p.value, float
            ):
                return SetParametersResult(successful=False, reason=f"{p.name}: expected a float")
        return SetParametersResult(successful=True)

    def _apply_parameters(self, params: list[Parameter]) -> None:
        for p in params:
            for stream in self.streams:
                if p.name == "min_confidence":
                    stream.smoother.min_confidence = p.value
                    self._publish_label_info(stream, p.value)  # LabelInfo carries the threshold
                elif p.name == "smoothing_alpha":
                    stream.smoother.alpha = p.value
                elif p.name == "hysteresis":
                    stream.smoother.hysteresis = p.value
            if p.name == "min_agreement":
                self.config = replace(self.config, min_agreement=p.value)

    def _publish_label_info(self, stream: WearerStream, threshold: float) -> None:
        if stream.label_info_pub is not None:
            now = self.get_clock().now().nanoseconds * 1e-9
            stream.label_info_pub.publish(convert.label_info_msg(self.classifier.labels, threshold, now, ""))

    # -- hot path: serialized IMU messages --------------------------------------------------------
    def _on_imu_batch(self, index: int, messages: list[bytes], prompt: bool) -> None:
        """The deadline receiver's take: every queued message of one stream, oldest first."""
        self._take_imu(index, self.streams[index], messages, prompt)

    def _on_imu(self, index: int, stream: WearerStream, data: bytes) -> None:
        """The executor's callback: one message, as it arrives."""
        self._take_imu(index, stream, (data,), True)

    def _take_imu(self, index: int, stream: WearerStream, messages: Sequence[bytes], prompt: bool) -> None:
        """Read and window serialized Imu messages, a batch at a time (one numpy pass for a clean
        run: StreamingWindow.push_many). Never raises: a bad message is counted and dropped."""
        start = time.perf_counter()
        stamps, samples, frames = [], [], []
        for data in messages:
            try:
                t, frame, values = self._imu_reader.read(data)
            except MissingGyroscopeError as exc:
                stream.no_gyro += 1
                if stream.no_gyro == 1:
                    self.get_logger().error(
                        f"dropping Imu messages on {stream.wearer.imu_topic}: {exc}; the model "
                        f"{self.classifier.card.model_id} reads {', '.join(self.classifier.card.channels)}"
                    )
                continue
            except Exception as exc:  # a running node never dies on a bad message
                self._count_malformed(stream, exc)
                continue
            if self.config.frame_id and frame != self.config.frame_id:
                stream.wrong_frame += 1
                continue
            if t == 0.0:  # an unstamped driver: the receive time is the best estimate we have
                stream.unstamped += 1
                t = self.get_clock().now().nanoseconds * 1e-9
            stamps.append(t)
            samples.append(values)
            frames.append(frame)
        if stamps:
            stream.arrival.observe(time.monotonic(), stamps[-1], prompt, len(stamps))
            taken = time.perf_counter()
            try:
                completed = stream.window.push_many(stamps, samples)
            except Exception as exc:  # not expected (the window counts what it drops): never the thread's end
                self._count_malformed(stream, exc)
                completed = []
            if completed and not prompt:  # a window completed while the receiver let the queue wait
                stream.arrival.missed()
            for i, window in completed:
                self._mailbox.put(index, (window, frames[i], taken))
        self.busy_s["imu_callback"] += time.perf_counter() - start

    def _count_malformed(self, stream: WearerStream, exc: Exception) -> None:
        stream.malformed += 1
        if stream.malformed == 1:
            self.get_logger().warning(
                f"dropping malformed Imu message on {stream.wearer.imu_topic} ({type(exc).__name__}: {exc})"
            )

    def _on_teacher(self, stream: WearerStream, is_string: bool, data: bytes) -> None:
        """A serialized teacher label: a Classification's top result, stamped with the end of the
        teacher's window; without vision_msgs a String label (not 'unknown'), timed on arrival."""
        try:
            if is_string:
                label = read_string(data)
                if not label or label == UNKNOWN:
                    return
                t = self.get_clock().now().nanoseconds * 1e-9
            else:
                msg = read_classification(data)
                if not msg.results:
                    return
                t, label = msg.header.stamp, msg.results[0][0]
            with self._agreement_lock:
                stream.agreement.add_teacher(t, label)
        except Exception as exc:  # a running node never dies on a bad message
            stream.teacher_malformed += 1
            self.get_logger().warning(f"dropping malformed teacher label ({type(exc).__name__}: {exc})", once=True)

    # -- worker: GAF + ONNX + publish, every pending window of every stream in one batch -----------
    def _infer_loop(self) -> None:
        name_os_thread("imu_har_infer")
        labels = self.classifier.labels
        while True:
            batch = self._mailbox.take(self.config.max_batch)
            if batch is None:
                return
            try:
                t0 = time.perf_counter()
                images = self.classifier.encode(
                    self.classifier.check_windows(np.stack([w.data for _, (w, _, _) in batch]))
                )
                t1 = time.perf_counter()
                probabilities = self.classifier.classify_images(images)
                t2 = time.perf_counter()
            except Exception as exc:  # keep serving: one failed batch must not stop the worker
                if rclpy.ok():
                    self.get_logger().error(f"inference failed: {type(exc).__name__}: {exc}")
                continue
            self.batch_sizes.append(len(batch))
            self.busy_s["gaf"] += t1 - t0
            self.busy_s["onnx"] += t2 - t1
            for (index, (window, frame, completed)), p in zip(batch, probabilities, strict=True):
                stream = self.streams[index]
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
                        # String teacher labels carry no stamp: both sides are then timed when sent
                        t = window.t_end if self.vision_msgs else self.get_clock().now().nanoseconds * 1e-9
                        with self._agreement_lock:
                            stream.agreement.add_student(t, top)
                except Exception as exc:
                    if rclpy.ok():
                        self.get_logger().error(f"publishing failed: {type(exc).__name__}: {exc}")
                    continue
                # from the callback that completed the window to the label being out
                latency = 1e3 * (time.perf_counter() - completed)
                stream.latencies_ms.append(latency)
                self.latencies_ms.append(latency)
            self.busy_s["publish"] += time.perf_counter() - t2

    # -- diagnostics ------------------------------------------------------------------------------
    def diagnostics_values(self, index: int = 0) -> dict[str, object]:
        stream = self.streams[index]
        s = stream.window.stats
        now = time.monotonic()
        accepted, since = stream.last_accepted
        rate = (s.accepted - accepted) / max(now - since, 1e-6)
        stream.last_accepted = (s.accepted, now)
        values = {
            "model_id": self.classifier.card.model_id,
            "imu_topic": self.resolve_topic_name(stream.wearer.imu_topic),
            "input_rate_hz": f"{rate:.1f}",
            "samples_accepted": s.accepted,
            "samples_dropped": s.dropped + stream.malformed + stream.wrong_frame + stream.no_gyro,
            "dropped_non_finite": s.non_finite,
            "dropped_duplicate": s.duplicate,
            "dropped_out_of_order": s.out_of_order,
            "dropped_wrong_shape": s.wrong_shape,
            "dropped_malformed": stream.malformed,
            "dropped_wrong_frame": stream.wrong_frame,
            "dropped_no_gyroscope": stream.no_gyro,
            "unstamped": stream.unstamped,
            "gaps_reset": s.gaps,
            "time_jumps_reset": s.time_jumps,
            "windows": s.windows,
            "windows_skipped": self._mailbox.skipped[index],
            "classifications_published": stream.published,
            **convert.latency_values("processing_latency_ms", stream.latencies_ms),
        }
        if stream.wearer.name:
            values["wearer"] = stream.wearer.name
        return values

    def node_values(self) -> dict[str, object]:
        """The shared worker: how big its batches are and how long windows wait for a label."""
        sizes = list(self.batch_sizes) or [0]  # one atomic copy; the worker appends
        return {
            "wearers": len(self.streams),
            "imu_receive": "executor" if self.receiver is None else "deadline",
            "receiver_wakeups": 0 if self.receiver is None else self.receiver.wakeups,
            "batch_size_mean": f"{sum(sizes) / len(sizes):.2f}",
            "batch_size_max": max(sizes),
            "pending_windows": len(self._mailbox),
            **convert.latency_values("processing_latency_ms", self.latencies_ms, ("p50", "p99")),
            **{f"busy_s_{k}": f"{v:.3f}" for k, v in self.busy_s.items()},
        }

    def _status_name(self, stream: WearerStream, what: str) -> str:
        name = f"{self.get_name()}: {what}"
        return f"{name} ({stream.wearer.name})" if stream.wearer.name else name

    def _publish_diagnostics(self) -> None:
        statuses = []
        model_id = self.classifier.card.model_id
        idle_after = max(2.0, 2 * self.classifier.card.hop_s)
        for index, stream in enumerate(self.streams):
            values = self.diagnostics_values(index)
            idle = time.monotonic() - stream.arrival.last_wall > idle_after
            level, message = classifier_level(idle, stream.no_gyro, values["samples_accepted"])
            name = self._status_name(stream, "activity classifier")
            statuses.append(convert.diagnostic_status(name, model_id, level, message, values))
            if stream.agreement is not None:
                statuses.append(self._agreement_status(stream, model_id))
        name = f"{self.get_name()}: batched inference"
        statuses.append(convert.diagnostic_status(name, model_id, DiagnosticStatus.OK, "", self.node_values()))
        self.diagnostics_pub.publish(convert.diagnostic_array(self.get_clock().now(), statuses))

    def _agreement_status(self, stream: WearerStream, model_id: str) -> RawDiagnosticStatus:
        """Student vs camera teacher over the last pairs: a WARN tells the user the watch model drifts."""
        with self._agreement_lock:
            a = stream.agreement.stats()
        level, message = agreement_level(a, self.config.agreement_window, self.config.min_agreement)
        values = agreement_values(a, self.config.agreement_window, stream.teacher_malformed)
        return convert.diagnostic_status(
            self._status_name(stream, "teacher agreement"), model_id, level, message, values
        )


def string_teacher_topic(topic: str) -> str:
    """Where the teacher's String labels are: ``teacher/activity/classification`` -> ``teacher/activity``."""
    return topic.removesuffix("/classification")


def _spin(node: ImuHarNode) -> None:
    spin_executor(node, node.config.executor)


def main(args: list[str] | None = None) -> int:
    # The subscription thread and the inference worker share the GIL; the default 5 ms switch
    # interval would let one inference hold IMU callbacks back by up to 5 ms (5 samples at 1 kHz).
    sys.setswitchinterval(0.0005)
    return run_node("imu_har", autostarted(ImuHarNode), _spin, ImuHarNode.expected_errors, args)


if __name__ == "__main__":
    sys.exit(main())

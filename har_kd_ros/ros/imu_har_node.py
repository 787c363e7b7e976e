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
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

import rclpy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from rcl_interfaces.msg import SetParametersResult
from rclpy.parameter import Parameter
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Imu

from har_kd_ros.imu.axes import AxisMap
from har_kd_ros.imu.batching import WindowMailbox
from har_kd_ros.imu.ingest import read_teacher_label
from har_kd_ros.imu.receive_plan import plan_wakeup
from har_kd_ros.imu.wearers import plan_wearers
from har_kd_ros.imu.window import Window
from har_kd_ros.inference.classifier import ModelLoadError, StudentClassifier
from har_kd_ros.inference.model_card import ModelCardError
from har_kd_ros.messages.cdr import ImuCdrReader, RawDiagnosticStatus
from har_kd_ros.ros import convert
from har_kd_ros.ros.imu_har_diagnostics import (
    agreement_level,
    agreement_values,
    classifier_level,
    stream_values,
    worker_values,
)
from har_kd_ros.ros.imu_har_params import declare_parameters, tunable_problem
from har_kd_ros.ros.imu_har_streams import WearerStream, make_stream, publish_label_info, string_teacher_topic
from har_kd_ros.ros.imu_har_worker import InferenceWorker
from har_kd_ros.ros.imu_receiver import ImuReceiver, start_receiver
from har_kd_ros.ros.managed import ManagedNode, autostarted
from har_kd_ros.ros.process import run_node, spin_executor


class ImuHarNode(ManagedNode):
    expected_errors = (ModelCardError, ModelLoadError, ValueError)

    def __init__(self, **kwargs: object) -> None:
        super().__init__("imu_har", **kwargs)
        self.config = declare_parameters(self)
        self.classifier: StudentClassifier | None = None
        self.streams: list[WearerStream] = []
        self.receiver: ImuReceiver | None = None
        self.worker: InferenceWorker | None = None
        self.add_on_set_parameters_callback(self._validate_parameters)
        self.add_post_set_parameters_callback(self._apply_parameters)

    def configure(self) -> None:
        """The wearers and the model, checked against each other."""
        axes = AxisMap.parse(self.config.imu_axes)
        self.wearers = plan_wearers(self.config.imu_topics, self.config.wearers)
        if len(self.wearers) > 1 and self.config.teacher_topic.startswith(("/", "~")):
            raise ValueError("teacher_topic: expected a relative name with several wearers (one teacher per wearer)")
        self.classifier = StudentClassifier(self.config.model, threads=self.config.inference_threads)
        self._imu_reader = ImuCdrReader(self.classifier.card.channels, axes)
        if not axes.identity:
            self.get_logger().info(f"imu_axes: the watch frame's x y z read the IMU's {axes}")
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
        self.streams = [make_stream(self, w, self._imu_reader, self.vision_msgs) for w in self.wearers]
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self._agreement_lock = threading.Lock()
        # where the time goes (seconds since start): the receive path, and the worker's GAF, ONNX and publishing
        self.busy_s = {"imu_callback": 0.0, "gaf": 0.0, "onnx": 0.0, "publish": 0.0}
        self._mailbox: WindowMailbox[tuple[Window, str, float]] = WindowMailbox(len(self.streams), depth=2)
        self.worker = InferenceWorker(
            self.classifier,
            self._mailbox,
            self.streams,
            self.config.max_batch,
            stamped_teacher=self.vision_msgs,
            now=self.ros_time_s,
            agreement_lock=self._agreement_lock,
            log_error=self._log_error,
            busy_s=self.busy_s,
        )
        self.worker.start()
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
        self.worker.stop()
        self.streams = []

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
            [s.ingest.arrival.due_in(now, s.ingest.window.next_end) for s in self.streams],
            [s.ingest.arrival.fills_in(depth) for s in self.streams],
            [s.ingest.arrival.interval for s in self.streams],
        )

    # -- parameters -------------------------------------------------------------------------
    def _validate_parameters(self, params: list[Parameter]) -> SetParametersResult:
        """No side effects here (ROS convention); ranges are enforced by the descriptors."""
        problem = tunable_problem([(p.name, p.value) for p in params])
        return SetParametersResult(successful=problem is None, reason=problem or "")

    def _apply_parameters(self, params: list[Parameter]) -> None:
        for p in params:
            for stream in self.streams:
                if p.name == "min_confidence":
                    stream.smoother.min_confidence = p.value
                    publish_label_info(self, stream, p.value)  # LabelInfo carries the threshold
                elif p.name == "smoothing_alpha":
                    stream.smoother.alpha = p.value
                elif p.name == "hysteresis":
                    stream.smoother.hysteresis = p.value
            if p.name == "min_agreement":
                self.config = replace(self.config, min_agreement=p.value)

    # -- hot path: serialized IMU messages --------------------------------------------------------
    def _on_imu_batch(self, index: int, messages: list[bytes], prompt: bool) -> None:
        """The deadline receiver's take: every queued message of one stream, oldest first."""
        self._take_imu(index, self.streams[index], messages, prompt)

    def _on_imu(self, index: int, stream: WearerStream, data: bytes) -> None:
        """The executor's callback: one message, as it arrives."""
        self._take_imu(index, stream, (data,), True)

    def _take_imu(self, index: int, stream: WearerStream, messages: Sequence[bytes], prompt: bool) -> None:
        """Window the messages (har_kd_ros.imu.ingest: never raises) and hand what completed to the worker."""
        start = time.perf_counter()
        for item in stream.ingest.take(messages, prompt):
            self._mailbox.put(index, item)
        self.busy_s["imu_callback"] += time.perf_counter() - start

    def ros_time_s(self) -> float:
        """Now on the node's clock (sim time under a bag replay), in seconds."""
        return self.get_clock().now().nanoseconds * 1e-9

    def log_problem(self, level: str, text: str) -> None:
        """A stream's first problem of a kind (har_kd_ros.imu.ingest), at ``level`` error or warning."""
        (self.get_logger().error if level == "error" else self.get_logger().warning)(text)

    def _log_error(self, text: str) -> None:
        if rclpy.ok():  # after a stop signal, failures on the context it shut down are part of the stop
            self.get_logger().error(text)

    def on_teacher_label(self, stream: WearerStream, is_string: bool, data: bytes) -> None:
        """A serialized teacher label (har_kd_ros.imu.ingest.read_teacher_label); a String label is
        timed on arrival. A bad one is counted, never the node's end."""
        try:
            read = read_teacher_label(data, is_string)
        except Exception as exc:  # a running node never dies on a bad message
            stream.teacher_malformed += 1
            self.get_logger().warning(f"dropping malformed teacher label ({type(exc).__name__}: {exc})", once=True)
            return
        if read is not None:
            t, label = read
            with self._agreement_lock:
                stream.agreement.add_teacher(self.ros_time_s() if t is None else t, label)

    # -- diagnostics ------------------------------------------------------------------------------
    def diagnostics_values(self, index: int = 0) -> dict[str, object]:
        stream = self.streams[index]
        topic = self.resolve_topic_name(stream.wearer.imu_topic)
        model_id = self.classifier.card.model_id
        return stream_values(stream, model_id, topic, self._mailbox.skipped[index], time.monotonic())

    def node_values(self) -> dict[str, object]:
        r = self.receiver
        w = self.worker
        return worker_values(
            len(self.streams),
            "executor" if r is None else "deadline",
            0 if r is None else r.wakeups,
            w.batch_sizes,
            len(self._mailbox),
            w.latencies_ms,
            self.busy_s,
        )

    def _status_name(self, stream: WearerStream, what: str) -> str:
        name = f"{self.get_name()}: {what}"
        return f"{name} ({stream.wearer.name})" if stream.wearer.name else name

    def _publish_diagnostics(self) -> None:
        statuses = []
        model_id = self.classifier.card.model_id
        idle_after = max(2.0, 2 * self.classifier.card.hop_s)
        for index, stream in enumerate(self.streams):
            values = self.diagnostics_values(index)
            idle = time.monotonic() - stream.ingest.arrival.last_wall > idle_after
            level, message = classifier_level(idle, stream.ingest.counts.no_gyro, values["samples_accepted"])
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


def _spin(node: ImuHarNode) -> None:
    spin_executor(node, node.config.executor)


def main(args: list[str] | None = None) -> int:
    # The subscription thread and the inference worker share the GIL; the default 5 ms switch
    # interval would let one inference hold IMU callbacks back by up to 5 ms (5 samples at 1 kHz).
    sys.setswitchinterval(0.0005)
    return run_node("imu_har", autostarted(ImuHarNode), _spin, ImuHarNode.expected_errors, args)


if __name__ == "__main__":
    sys.exit(main())

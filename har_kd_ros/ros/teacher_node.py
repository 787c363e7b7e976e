"""teacher: camera skeletons in, online teacher labels out.

Subscribes ``skeleton`` (sensor_msgs/PointCloud2, one point per landmark in the source
topology's order, fields x, y, z, visibility), maps the landmarks to the teacher's canonical
joints, windows them in time exactly as training paired them (har_kd_ros.skeleton.window, the
teacher's card), runs the skeleton teacher with ONNX Runtime and publishes ``teacher/activity``
(std_msgs/String) and ``teacher/activity/classification`` (vision_msgs/Classification, stamped
with the end of the window). The teacher costs well under a millisecond per window and runs
twice a second, so it runs in the callback; a frame that cannot be read is counted and dropped.
"""

from __future__ import annotations

import sys
import time
from collections import deque

import rclpy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import PointCloud2
from std_msgs.msg import String

from har_kd_ros.inference.classifier import DEFAULT_TEACHER, ModelLoadError, TeacherClassifier
from har_kd_ros.inference.model_card import ModelCardError
from har_kd_ros.inference.smoothing import LabelSmoother
from har_kd_ros.messages.pointcloud import read_skeleton_cloud
from har_kd_ros.ros import convert
from har_kd_ros.ros.managed import ManagedNode, autostarted
from har_kd_ros.ros.params import declare
from har_kd_ros.ros.process import run_node
from har_kd_ros.skeleton.topology import TOPOLOGIES
from har_kd_ros.skeleton.window import SkeletonWindow, StreamingSkeletonWindow

TOPOLOGIES_3D = tuple(name for name, t in TOPOLOGIES.items() if t.dims == 3)


class TeacherNode(ManagedNode):
    expected_errors = (ModelCardError, ModelLoadError, ValueError)

    def __init__(self, **kwargs: object) -> None:
        super().__init__("teacher", **kwargs)
        self.params = declare(
            self,
            [
                ("model", "", "Skeleton teacher .onnx (its .json card beside it); empty = the bundled default", {"read_only": True}),
                ("topology", "mediapipe_pose", f"Joint order of the skeleton clouds: one of {TOPOLOGIES_3D}", {"choices": TOPOLOGIES_3D, "read_only": True}),
                ("min_visibility", 0.5, "Landmarks below this visibility count as untracked", {"range": (0.0, 1.0), "read_only": True}),
                ("max_gap", 1.0, "Seconds without skeletons after which the window restarts", {"range": (0.05, 60.0), "read_only": True}),
                ("min_confidence", 0.5, "Below this smoothed probability the label is 'unknown'", {"range": (0.0, 1.0), "read_only": True}),
                ("smoothing_alpha", 0.6, "EMA weight of the newest window (1 = no smoothing)", {"range": (0.01, 1.0), "read_only": True}),
                ("hysteresis", 0.1, "A new label must beat the current one by this margin", {"range": (0.0, 0.9), "read_only": True}),
                ("skeleton_queue_depth", 30, "Skeleton subscription depth (every frame feeds a window)", {"range": (1, 1000), "read_only": True}),
            ],
        )  # fmt: skip
        self.teacher: TeacherClassifier | None = None

    def configure(self) -> None:
        """The teacher, and the window and smoother its card and the parameters make."""
        p = self.params
        self.teacher = TeacherClassifier(p["model"] or str(DEFAULT_TEACHER))
        card = self.teacher.card
        self.window = StreamingSkeletonWindow.for_card(
            card, max_gap_s=p["max_gap"], topology=p["topology"], min_visibility=p["min_visibility"]
        )
        self.smoother = LabelSmoother(card.labels, p["smoothing_alpha"], p["min_confidence"], p["hysteresis"])

    def cleanup(self) -> None:
        self.teacher = None

    def activate(self) -> None:
        p, card = self.params, self.teacher.card
        self.activity_pub = self.create_publisher(String, "teacher/activity", 10)
        self.classification_pub = None
        if convert.vision_msgs_available():
            self.classification_pub = self.create_publisher(
                convert.Classification, "teacher/activity/classification", 10
            )
        else:
            self.get_logger().warning("vision_msgs is not installed: publishing 'teacher/activity' (String) only")
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        qos = QoSProfile(
            depth=p["skeleton_queue_depth"],
            reliability=ReliabilityPolicy.BEST_EFFORT,
            durability=qos_profile_sensor_data.durability,
        )
        # raw: read by har_kd_ros.messages.cdr, because rclpy's deserializer crashes on hostile bytes
        self.create_subscription(PointCloud2, "skeleton", self._on_skeleton, qos, raw=True)
        self.malformed = 0
        self.published = 0
        self.latencies_ms: deque[float] = deque(maxlen=200)
        self._last_frame_wall = 0.0
        self.create_timer(1.0, self._publish_diagnostics)
        self.get_logger().info(
            f"teacher {card.model_id}: {len(card.labels)} labels, window {card.window_s:.2f} s, hop {card.hop_s:.2f} s, "
            f"{card.skeleton_frames} frames, skeletons as {p['topology']}"
        )

    def _on_skeleton(self, data: bytes) -> None:
        """Window one serialized skeleton frame; label every completed window. Never raises."""
        started = time.perf_counter()
        try:
            t, frame_id, xyz, visibility = read_skeleton_cloud(data)
            self._last_frame_wall = time.monotonic()
            windows = self.window.push(t, xyz, visibility)
        except Exception as exc:  # a running node never dies on a bad message
            self.malformed += 1
            if self.malformed == 1:
                self.get_logger().warning(f"dropping malformed skeleton ({type(exc).__name__}: {exc})")
            return
        for window in windows:
            if window is not None:
                self._label(window, frame_id)
        if any(w is not None for w in windows):
            self.latencies_ms.append(1e3 * (time.perf_counter() - started))

    def _label(self, window: SkeletonWindow, frame_id: str) -> None:
        smoothed = self.smoother.update(self.teacher.probabilities(window.data))
        if self.classification_pub is not None:
            self.classification_pub.publish(
                convert.classification_msg(smoothed.probabilities, self.teacher.labels, window.t_end, frame_id)
            )
        self.activity_pub.publish(String(data=smoothed.label))
        self.published += 1

    def diagnostics_values(self) -> dict[str, object]:
        s = self.window.stats
        return {
            "model_id": self.teacher.card.model_id,
            "frames_accepted": s.accepted,
            "frames_untracked": s.untracked,
            "dropped_malformed": self.malformed,
            "dropped_wrong_shape": s.wrong_shape,
            "dropped_duplicate": s.duplicate,
            "dropped_out_of_order": s.out_of_order,
            "dropped_non_finite_stamp": s.non_finite_stamp,
            "gaps_reset": s.resets,
            "windows": s.windows,
            "windows_without_skeleton": s.windows_uncovered,
            "labels_published": self.published,
            **convert.latency_values("latency_ms", self.latencies_ms),
        }

    def _publish_diagnostics(self) -> None:
        values = self.diagnostics_values()
        idle = time.monotonic() - self._last_frame_wall > max(2.0, 2 * self.teacher.card.hop_s)
        level, message = (DiagnosticStatus.WARN, "no skeletons") if idle else (DiagnosticStatus.OK, "labelling")
        status = convert.diagnostic_status(
            f"{self.get_name()}: skeleton teacher", values["model_id"], level, message, values
        )
        self.diagnostics_pub.publish(convert.diagnostic_array(self.get_clock().now(), [status]))


def _spin(node: Node) -> None:
    rclpy.spin(node)


def main(args: list[str] | None = None) -> int:
    return run_node("teacher", autostarted(TeacherNode), _spin, TeacherNode.expected_errors, args)


if __name__ == "__main__":
    sys.exit(main())

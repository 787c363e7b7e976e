"""skeleton: camera images in, MediaPipe Pose skeletons out.

Pose estimation takes ~30 ms per frame on a CPU, longer than a 30 Hz camera's period, so the
node never queues images: the subscription keeps only the newest frame (a one-slot mailbox;
the frames it replaces are counted as skipped) and a worker thread estimates the pose of
whatever is newest when it is free. A stale skeleton would only teach the teacher the past.

Publishes ``skeleton`` (sensor_msgs/PointCloud2: one point per landmark in MediaPipe order,
fields x, y, z, visibility; header = the image's stamp and frame) and ``skeleton/markers``
(visualization_msgs/MarkerArray). ``landmarks:=world`` (default) gives metres with the origin
between the hips and the camera's optical axes (x right, y down, z away from the camera);
``landmarks:=image`` gives x, y as fractions of the image width/height and z as relative depth.
No person in the frame: nothing is published, and /diagnostics counts it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import deque

import rclpy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CompressedImage, Image, PointCloud2
from visualization_msgs.msg import MarkerArray

from har_kd_ros.messages.cdr import RawCompressedImage, read_compressed_image, read_image
from har_kd_ros.messages.image import compressed_to_rgb, image_to_rgb
from har_kd_ros.ros import convert
from har_kd_ros.ros.managed import ManagedNode, autostarted
from har_kd_ros.ros.params import declare
from har_kd_ros.ros.process import name_os_thread, run_node
from har_kd_ros.ros.qos_match import matching_reliability
from har_kd_ros.skeleton.pose import BACKENDS, PoseError, make_pose_estimator
from har_kd_ros.skeleton.topology import MEDIAPIPE_POSE

MATCH_PERIOD_S = 0.25  # how often auto reliability looks at the image publishers (a graph query)
IMAGE_QUEUE_DEPTH = 2  # DDS may hold a second frame while the callback takes one; the slot keeps the newest
BONES = tuple((MEDIAPIPE_POSE.index(a), MEDIAPIPE_POSE.index(b)) for a, b in MEDIAPIPE_POSE.bones)


class SkeletonNode(ManagedNode):
    expected_errors = (PoseError, ValueError)

    def __init__(self, **kwargs: object) -> None:
        super().__init__("skeleton", **kwargs)
        self.params = p = declare(
            self,
            [
                ("backend", "auto", f"MediaPipe API: one of {BACKENDS} (auto = tasks if model_asset_path is set)", {"read_only": True}),
                ("model_asset_path", "", "PoseLandmarker .task file for the Tasks API (empty = the legacy bundled model)", {"read_only": True}),
                ("landmarks", "world", "world (metres, hip-centred) or image (normalised image coordinates)", {"choices": ("world", "image"), "read_only": True}),
                ("compressed", False, "Subscribe to '<image>/compressed' (sensor_msgs/CompressedImage) instead", {"read_only": True}),
                ("static_image_mode", False, "Detect in every frame instead of tracking (unrelated photos)", {"read_only": True}),
                ("min_detection_confidence", 0.5, "MediaPipe person detection threshold", {"range": (0.0, 1.0), "read_only": True}),
                ("min_tracking_confidence", 0.5, "MediaPipe tracking threshold", {"range": (0.0, 1.0), "read_only": True}),
                ("image_reliability", "auto", "Image subscription QoS: auto (reliable while every image publisher is reliable, else best_effort), best_effort or reliable", {"choices": ("auto", "best_effort", "reliable"), "read_only": True}),
                ("max_rate_hz", 0.0, "Cap on poses per second, to leave CPU to the IMU path (0 = every frame the worker can take)", {"range": (0.0, 240.0), "read_only": True}),
                ("marker_min_visibility", 0.5, "Landmarks below this visibility are not drawn", {"range": (0.0, 1.0)}),
            ],
        )  # fmt: skip
        self.world = p["landmarks"] == "world"
        self.min_period = 1.0 / p["max_rate_hz"] if p["max_rate_hz"] > 0 else 0.0
        self.estimator = None
        self.image_subscription = None
        self._worker: threading.Thread | None = None

    def configure(self) -> None:
        p = self.params
        self.estimator = make_pose_estimator(
            p["backend"],
            p["model_asset_path"],
            p["static_image_mode"],
            p["min_detection_confidence"],
            p["min_tracking_confidence"],
        )

    def cleanup(self) -> None:
        if self.estimator is not None:
            self.estimator.close()
            self.estimator = None

    def activate(self) -> None:
        p = self.params
        self.skeleton_pub = self.create_publisher(PointCloud2, "skeleton", qos_profile_sensor_data)
        self.markers_pub = self.create_publisher(MarkerArray, "skeleton/markers", 10)
        self.diagnostics_pub = self.create_publisher(DiagnosticArray, "/diagnostics", 10)
        self._image_type, self._image_topic = (
            (CompressedImage, "image/compressed") if p["compressed"] else (Image, "image")
        )
        fixed = {"reliable": ReliabilityPolicy.RELIABLE, "best_effort": ReliabilityPolicy.BEST_EFFORT}
        self._subscribe_images(fixed.get(p["image_reliability"], ReliabilityPolicy.BEST_EFFORT))
        if p["image_reliability"] == "auto":
            self._match_publishers()
            self.create_timer(MATCH_PERIOD_S, self._match_publishers)  # publishers come and go
        # raw: the worker reads the bytes (har_kd_ros.messages.cdr), so neither a frame's copy into a Python
        # message nor rclpy's deserializer (which crashes on hostile bytes) is on the way
        self._read = read_compressed_image if p["compressed"] else read_image

        self.received = self.processed = self.skipped = self.no_person = self.malformed = self.published = 0
        self.latencies_ms: deque[float] = deque(maxlen=200)
        self._slot: tuple[object, float] | None = None
        self._slot_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = False
        self._last_image_wall = 0.0
        self._worker = threading.Thread(target=self._pose_loop, name="skeleton_pose", daemon=True)
        self._worker.start()
        self.create_timer(1.0, self._publish_diagnostics)
        self.get_logger().info(
            f"pose backend {self.estimator.name}, {p['landmarks']} landmarks, images on "
            f"'{self.image_subscription.topic_name}' ({p['image_reliability']} reliability)"
        )

    def _subscribe_images(self, reliability: ReliabilityPolicy) -> None:
        if self.image_subscription is not None:
            self.destroy_subscription(self.image_subscription)
        qos = QoSProfile(
            depth=IMAGE_QUEUE_DEPTH, reliability=reliability, durability=qos_profile_sensor_data.durability
        )
        # raw: the worker reads the bytes (har_kd_ros.messages.cdr)
        self.image_subscription = self.create_subscription(
            self._image_type, self._image_topic, self._on_image, qos, raw=True
        )
        self.image_reliability = reliability

    def _match_publishers(self) -> None:
        """Follow what the image publishers offer (har_kd_ros.ros.qos_match)."""
        infos = self.get_publishers_info_by_topic(self.image_subscription.topic_name)
        wanted = matching_reliability(info.qos_profile.reliability for info in infos)
        if wanted != self.image_reliability:
            self._subscribe_images(wanted)
            self.get_logger().info(
                f"image publishers offer {', '.join(sorted({i.qos_profile.reliability.name.lower() for i in infos}))}: "
                f"subscribing {wanted.name.lower()}"
            )

    def _on_image(self, msg: bytes) -> None:
        """Keep only the newest frame (still serialized); the worker takes it when free."""
        with self._slot_lock:
            if self._slot is not None:
                self.skipped += 1
            self._slot = (msg, time.perf_counter())
            self.received += 1
        self._last_image_wall = time.monotonic()
        self._wake.set()

    def _pose_loop(self) -> None:
        name_os_thread("skeleton_pose")
        last_start = -float("inf")
        while not self._stop:
            self._wake.wait(timeout=0.5)
            self._wake.clear()
            if self._slot is None:
                continue
            pause = last_start + self.min_period - time.perf_counter()
            if pause > 0:  # rate cap: newer frames keep replacing the slot meanwhile
                time.sleep(pause)
            with self._slot_lock:
                item, self._slot = self._slot, None
            if item is None:
                continue
            last_start = time.perf_counter()
            msg, received = item
            try:
                self._process(msg, received)
            except Exception as exc:  # a bad image must not stop the worker
                self.malformed += 1
                if rclpy.ok():
                    self.get_logger().warning(
                        f"dropping image ({type(exc).__name__}: {exc})", throttle_duration_sec=5.0
                    )

    def _process(self, data: bytes, received: float) -> None:
        msg = self._read(data)
        if isinstance(msg, RawCompressedImage):
            rgb = compressed_to_rgb(msg.format, msg.data)
        else:
            rgb = image_to_rgb(msg.encoding, msg.height, msg.width, msg.step, msg.data)
        t = msg.header.stamp
        pose = self.estimator.estimate(rgb, int(t * 1000))
        self.processed += 1
        if pose is None:
            self.no_person += 1
            return
        points = pose.world if self.world else pose.image
        frame_id = msg.header.frame_id
        self.skeleton_pub.publish(convert.skeleton_cloud(points, pose.visibility, t, frame_id))
        self.published += 1
        self.latencies_ms.append(1e3 * (time.perf_counter() - received))
        if self.markers_pub.get_subscription_count() > 0:  # RViz is optional: build markers only for it
            threshold = self.get_parameter("marker_min_visibility").value
            self.markers_pub.publish(convert.skeleton_markers(points, pose.visibility, BONES, t, frame_id, threshold))

    def deactivate(self) -> None:
        self._stop = True
        self._wake.set()
        self._worker.join(timeout=2.0)
        self.image_subscription = None  # destroyed with the rest of what activation made

    def diagnostics_values(self) -> dict[str, object]:
        return {
            "backend": self.estimator.name,
            "image_reliability": self.image_reliability.name.lower(),
            "images_received": self.received,
            "images_processed": self.processed,
            "images_skipped_stale": self.skipped,
            "images_without_person": self.no_person,
            "images_malformed": self.malformed,
            "skeletons_published": self.published,
            **convert.latency_values("latency_ms", self.latencies_ms, digits=1),
        }

    def _publish_diagnostics(self) -> None:
        values = self.diagnostics_values()
        idle = time.monotonic() - self._last_image_wall > 2.0
        level, message = (DiagnosticStatus.WARN, "no images") if idle else (DiagnosticStatus.OK, "estimating poses")
        status = convert.diagnostic_status(
            f"{self.get_name()}: pose estimation", f"mediapipe-{values['backend']}", level, message, values
        )
        self.diagnostics_pub.publish(convert.diagnostic_array(self.get_clock().now(), [status]))


def _spin(node: Node) -> None:
    rclpy.spin(node)


def main(args: list[str] | None = None) -> int:
    return run_node("skeleton", autostarted(SkeletonNode), _spin, SkeletonNode.expected_errors, args)


if __name__ == "__main__":
    sys.exit(main())

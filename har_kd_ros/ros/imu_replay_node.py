"""imu_replay: publish a recorded IMU stream as sensor_msgs/Imu at the recording's own pace.

If the recording also holds a skeleton stream (the bundled demo holds MediaPipe-ordered world
landmarks), it is published on ``skeleton`` as skeleton_node would publish it, on the same
timeline: the camera path (teacher, agreement, recording) then works without a camera.

Sources: the bundled demo recording (default), a portable NPZ/CSV recording, or a rosbag2
(sqlite3/mcap). Each sample is stamped ``start + (t - t0)``, so the recording's jitter is
preserved and a looped replay keeps moving forward in time. ``rate_scale`` speeds up the
publishing (for tests and demos); stamps stay on the recording's timeline, so windows and
labels are unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import rclpy
from rcl_interfaces.msg import FloatingPointRange, ParameterDescriptor
from rclpy.node import Node
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Imu, PointCloud2

from har_kd_ros.recordings.bag import is_bag, read_imu
from har_kd_ros.recordings.recording import Recording, RecordingError, load_recording
from har_kd_ros.ros import convert
from har_kd_ros.ros.process import run_node

DEFAULT_RECORDING = Path(__file__).resolve().parents[1] / "data" / "demo_recording.npz"


def load_source(path: str, topic: str, rate_hz: float) -> Recording:
    if is_bag(path):
        return read_imu(path, topic or None)
    return load_recording(path, rate_hz=rate_hz if rate_hz > 0 else None)


WAIT_REPORT_S = 5.0  # how often a held start says what it still waits for


class ImuReplayNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("imu_replay", **kwargs)
        params = {
            "recording": ("", "NPZ/CSV recording or rosbag2 folder/file; empty = the bundled demo"),
            "bag_topic": ("", "Imu topic to read from a bag (empty = its only Imu topic)"),
            "csv_rate_hz": (0.0, "Sample rate for a CSV without a 't' column"),
            "frame_id": ("imu_link", "frame_id of the published messages"),
            "loop": (False, "Start again at the end instead of exiting"),
            "rate_scale": (1.0, "Publishing speed-up; stamps keep the recording's timeline"),
            "publish_skeleton": (True, "Also publish the recording's skeleton stream on 'skeleton' (if it has one)"),
            "skeleton_frame_id": ("camera_link", "frame_id of the published skeletons"),
            "wait_for_skeleton_subscribers": (0, "Also hold the start until this many skeleton subscribers matched"),
            "wait_for_subscribers": (
                0,
                "Hold the first sample until this many subscribers matched (0 = start at once)",
            ),
        }
        for name, (default, description) in params.items():
            descriptor = ParameterDescriptor(description=description, read_only=True)
            if name == "rate_scale":
                descriptor.floating_point_range = [FloatingPointRange(from_value=0.1, to_value=100.0, step=0.0)]
            self.declare_parameter(name, default, descriptor)
        get = self.get_parameter
        path = get("recording").value or str(DEFAULT_RECORDING)
        self.recording = load_source(path, get("bag_topic").value, get("csv_rate_hz").value)
        self.frame_id = get("frame_id").value
        self.loop = get("loop").value
        self.rate_scale = get("rate_scale").value
        self.wait_for_subscribers = get("wait_for_subscribers").value
        self.wait_for_skeleton_subscribers = get("wait_for_skeleton_subscribers").value
        self.has_gyro = self.recording.gyro is not None
        rec = self.recording
        self.skeleton_publisher = None
        if get("publish_skeleton").value and rec.skeleton is not None and rec.skeleton.shape[2] == 3:
            self.skeleton_frame_id = get("skeleton_frame_id").value
            self.skeleton_publisher = self.create_publisher(PointCloud2, "skeleton", 10)
        # REP 2003: a driver publishes with the default (reliable) QoS; sensor-data subscribers still receive it.
        self.publisher = self.create_publisher(Imu, "imu", QoSProfile(depth=50, reliability=ReliabilityPolicy.RELIABLE))
        self.finished = False
        self.started = False
        self._waiting_since = time.monotonic()
        self._wait_reported = 0.0  # seconds of waiting last reported
        period = max(0.002, 0.5 / (self.recording.acc_rate_hz * self.rate_scale))
        self.create_timer(period, self._tick)
        self.get_logger().info(
            f"replaying {path}: {self.recording.acc.shape[0]} samples, {self.recording.duration_s:.1f} s at "
            f"{self.recording.acc_rate_hz:.1f} Hz on '{self.publisher.topic_name}'{' (loop)' if self.loop else ''}"
        )

    def _start_pass(self, stamp_origin: float) -> None:
        self._index = 0
        self._skeleton_index = 0
        self._stamp_origin = stamp_origin
        self._wall_origin = time.monotonic()

    def _tick(self) -> None:
        if not self.started:
            # best-effort subscribers lose what is published before they match: optionally wait
            imu_matched = self.publisher.get_subscription_count()
            skeleton = self.skeleton_publisher
            skeleton_matched = skeleton.get_subscription_count() if skeleton is not None else 0
            if imu_matched < self.wait_for_subscribers or (
                skeleton is not None and skeleton_matched < self.wait_for_skeleton_subscribers
            ):
                self._report_wait(imu_matched, skeleton_matched)
                return
            self.started = True
            if self.wait_for_subscribers or self.wait_for_skeleton_subscribers:
                self.get_logger().info(
                    f"{imu_matched} IMU subscriber(s) matched after {time.monotonic() - self._waiting_since:.1f} s: "
                    "publishing"
                )
            self._start_pass(self.get_clock().now().nanoseconds * 1e-9)
        rec = self.recording
        elapsed = (time.monotonic() - self._wall_origin) * self.rate_scale
        t0 = rec.acc_t[0]
        while self._index < rec.acc_t.size and rec.acc_t[self._index] - t0 <= elapsed:
            i = self._index
            msg = convert.fill_imu(
                Imu(),
                self._stamp_origin + rec.acc_t[i] - t0,
                self.frame_id,
                rec.acc[i],
                rec.gyro[i] if self.has_gyro else None,
            )
            self.publisher.publish(msg)
            self._index += 1
        if self.skeleton_publisher is not None:
            self._publish_skeletons(elapsed)
        if self._index >= rec.acc_t.size:
            if self.loop:
                period = 1.0 / rec.acc_rate_hz
                self._start_pass(self._stamp_origin + rec.duration_s + period)
            elif not self.finished:
                self.finished = True
                self.get_logger().info("replay finished")

    def _report_wait(self, imu_matched: int, skeleton_matched: int) -> None:
        """Every 5 s of holding the start, say what is missing: a replay that waits silently for a
        subscriber that never comes looks like a hung process."""
        waited = time.monotonic() - self._waiting_since
        if waited - self._wait_reported < WAIT_REPORT_S:
            return
        self._wait_reported = waited
        wanted = f"{imu_matched}/{self.wait_for_subscribers} on '{self.publisher.topic_name}'"
        if self.skeleton_publisher is not None and self.wait_for_skeleton_subscribers:
            wanted += (
                f", {skeleton_matched}/{self.wait_for_skeleton_subscribers} on '{self.skeleton_publisher.topic_name}'"
            )
        self.get_logger().info(f"waiting {waited:.0f} s for subscribers: {wanted} matched")

    def _publish_skeletons(self, elapsed: float) -> None:
        rec = self.recording
        t0 = rec.acc_t[0]
        while self._skeleton_index < rec.skeleton_t.size and rec.skeleton_t[self._skeleton_index] - t0 <= elapsed:
            frame = rec.skeleton[self._skeleton_index]
            t = self._stamp_origin + rec.skeleton_t[self._skeleton_index] - t0
            self._skeleton_index += 1
            tracked = np.isfinite(frame).all(axis=1)
            if not tracked.any():  # nobody in view: skeleton_node publishes nothing either
                continue
            points = np.where(tracked[:, None], frame, 0.0)
            self.skeleton_publisher.publish(
                convert.skeleton_cloud(points, tracked.astype(np.float32), t, self.skeleton_frame_id)
            )


def _spin(node: ImuReplayNode) -> None:
    while rclpy.ok() and not node.finished:
        rclpy.spin_once(node, timeout_sec=0.1)
    # let late subscribers drain the last samples before the publisher disappears
    end = time.monotonic() + 0.5
    while rclpy.ok() and time.monotonic() < end:
        rclpy.spin_once(node, timeout_sec=0.05)


def main(args: list[str] | None = None) -> int:
    return run_node("imu_replay", ImuReplayNode, _spin, (RecordingError, ValueError), args)


if __name__ == "__main__":
    sys.exit(main())

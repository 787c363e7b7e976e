"""Messages <-> arrays. The only place that knows message field names; no numerics here."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from builtin_interfaces.msg import Duration, Time
from geometry_msgs.msg import Point
from rclpy.time import Time as RclpyTime
from sensor_msgs.msg import Imu, PointCloud2, PointField
from std_msgs.msg import ColorRGBA
from visualization_msgs.msg import Marker, MarkerArray

from har_kd_ros.messages.cdr import RawDiagnosticStatus, write_diagnostic_array
from har_kd_ros.messages.pointcloud import POINT_STEP, SKELETON_FIELDS, encode_skeleton

try:  # vision_msgs is a ROS package without a PyPI wheel: optional at run time
    from vision_msgs.msg import Classification, LabelInfo, ObjectHypothesis, VisionClass
except ImportError:  # pragma: no cover - exercised on machines without vision_msgs
    Classification = LabelInfo = ObjectHypothesis = VisionClass = None


def vision_msgs_available() -> bool:
    return Classification is not None


def stamp_seconds(stamp: Time) -> float:
    """builtin_interfaces/Time -> seconds."""
    return stamp.sec + stamp.nanosec * 1e-9


def seconds_to_stamp(t: float) -> Time:
    if not math.isfinite(t) or t < 0:
        t = 0.0
    sec = math.floor(t)
    nanosec = min(round((t - sec) * 1e9), 999_999_999)
    return Time(sec=int(sec), nanosec=int(nanosec))


def fill_imu(msg: Imu, t: float, frame_id: str, acc: Sequence[float], gyro: Sequence[float] | None = None) -> Imu:
    """Fill an Imu message; covariance[0] = -1 marks what the source does not provide (REP 145)."""
    msg.header.stamp = seconds_to_stamp(t)
    msg.header.frame_id = frame_id
    msg.linear_acceleration.x, msg.linear_acceleration.y, msg.linear_acceleration.z = (float(v) for v in acc)
    msg.orientation_covariance[0] = -1.0
    if gyro is None:
        msg.angular_velocity_covariance[0] = -1.0
    else:
        msg.angular_velocity_covariance[0] = 0.0  # a reused message may have said -1
        msg.angular_velocity.x, msg.angular_velocity.y, msg.angular_velocity.z = (float(v) for v in gyro)
    return msg


def classification_msg(probabilities: np.ndarray, labels: Sequence[str], t: float, frame_id: str):
    """vision_msgs/Classification with results sorted by descending score."""
    msg = Classification()
    msg.header.stamp = seconds_to_stamp(t)
    msg.header.frame_id = frame_id
    order = np.argsort(-np.asarray(probabilities), kind="stable")
    msg.results = [ObjectHypothesis(class_id=labels[i], score=float(probabilities[i])) for i in order]
    return msg


def label_info_msg(labels: Sequence[str], threshold: float, t: float, frame_id: str):
    msg = LabelInfo()
    msg.header.stamp = seconds_to_stamp(t)
    msg.header.frame_id = frame_id
    msg.class_map = [VisionClass(class_id=i, class_name=name) for i, name in enumerate(labels)]
    msg.threshold = float(threshold)
    return msg


def diagnostic_status(
    name: str, hardware_id: str, level: bytes, message: str, values: dict[str, object]
) -> RawDiagnosticStatus:
    """One status of a /diagnostics message; ``level`` is DiagnosticStatus.OK / WARN / ERROR (bytes)."""
    return RawDiagnosticStatus(level[0], name, message, hardware_id, {k: str(v) for k, v in values.items()})


def diagnostic_array(now: RclpyTime, statuses: Sequence[RawDiagnosticStatus]) -> bytes:
    """The serialized DiagnosticArray a node publishes once a second (Publisher.publish takes bytes)."""
    sec, nanosec = divmod(now.nanoseconds, 1_000_000_000)
    return write_diagnostic_array(sec, nanosec, statuses)


def latency_values(
    prefix: str, latencies_ms: Iterable[float], stats: tuple[str, ...] = ("p50", "max"), digits: int = 2
) -> dict[str, str]:
    """Recent latencies summarised for /diagnostics: ``{prefix}_p50``, ``_p99``, ``_max`` (0 before any).

    One sort in plain Python: numpy's percentile costs ~0.1 ms per call in Python overhead alone,
    paid cold once a second by every node: half of what imu_har's /diagnostics would then cost."""
    lat = sorted(latencies_ms) or [0.0]  # sorted(): one atomic copy of a deque another thread fills
    return {
        f"{prefix}_{stat}": f"{lat[-1] if stat == 'max' else percentile(lat, int(stat[1:])):.{digits}f}"
        for stat in stats
    }


def percentile(ordered: Sequence[float], q: float) -> float:
    """numpy's default (linear) percentile of an ascending, non-empty sequence."""
    position = (len(ordered) - 1) * q / 100.0
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# -- skeletons ---------------------------------------------------------------------------------


def skeleton_cloud(points: np.ndarray, visibility: np.ndarray, t: float, frame_id: str) -> PointCloud2:
    """(J, 3) landmarks + (J,) visibility -> PointCloud2, one point per landmark in source order."""
    msg = PointCloud2()
    msg.header.stamp = seconds_to_stamp(t)
    msg.header.frame_id = frame_id
    msg.height, msg.width = 1, int(points.shape[0])
    msg.fields = [PointField(name=n, offset=o, datatype=d, count=c) for n, o, d, c in SKELETON_FIELDS]
    msg.is_bigendian = False
    msg.point_step = POINT_STEP
    msg.row_step = POINT_STEP * msg.width
    msg.data = encode_skeleton(points, visibility)
    msg.is_dense = True
    return msg


def skeleton_markers(
    points: np.ndarray,
    visibility: np.ndarray,
    bones: Sequence[tuple[int, int]],
    t: float,
    frame_id: str,
    min_visibility: float,
    namespace: str = "skeleton",
) -> MarkerArray:
    """Joints (spheres) and bones (lines) of the visible landmarks, for RViz; short lifetime so
    a person who leaves the frame disappears from the display."""
    visible = np.asarray(visibility) >= min_visibility

    def marker(kind: int, marker_id: int, scale: float, color: tuple[float, float, float]) -> Marker:
        m = Marker(ns=namespace, id=marker_id, type=kind, action=Marker.ADD)
        m.header.stamp = seconds_to_stamp(t)
        m.header.frame_id = frame_id
        m.pose.orientation.w = 1.0
        m.scale.x = m.scale.y = m.scale.z = scale
        m.color = ColorRGBA(r=color[0], g=color[1], b=color[2], a=1.0)
        m.lifetime = Duration(sec=0, nanosec=500_000_000)
        return m

    def point(i: int) -> Point:
        return Point(x=float(points[i, 0]), y=float(points[i, 1]), z=float(points[i, 2]))

    joints = marker(Marker.SPHERE_LIST, 0, 0.04, (0.1, 0.8, 0.2))
    joints.points = [point(i) for i in np.flatnonzero(visible)]
    lines = marker(Marker.LINE_LIST, 1, 0.015, (0.9, 0.9, 0.9))
    lines.points = [point(i) for a, b in bones if visible[a] and visible[b] for i in (a, b)]
    return MarkerArray(markers=[joints, lines])

"""rosbag2 recordings made with this package: IMU + skeleton + labels, paired by timestamp.

A root folder holds one or more bags (folders with metadata.yaml; sqlite3 or mcap). From each:
the ``sensor_msgs/Imu`` topic (the only one, or ``imu_topic``), the skeleton as
``sensor_msgs/PointCloud2`` (``skeleton_topic``; one point per landmark, fields x, y, z,
visibility; landmarks below ``min_visibility`` become NaN, i.e. untracked), and labels as
``label_topic`` as ``std_msgs/String`` (timed by when it was recorded) or
``vision_msgs/Classification`` (timed by its header stamp, top result): each label holds from
its time until the next one (a label older than ``label_hold_s`` expires); these become the
recording's segments; ``imu_axes`` rotates the IMU onto the watch frame as imu_har's parameter
does live. One pass over the bag; the messages are read from their CDR bytes by the
readers the nodes use (har_kd_ros.recordings.bag), so no ROS install is needed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from har_kd_ros.imu.axes import IDENTITY, AxisMap
from har_kd_ros.inference.smoothing import UNKNOWN
from har_kd_ros.messages.cdr import read_classification, read_string
from har_kd_ros.messages.pointcloud import read_skeleton_cloud
from har_kd_ros.recordings.bag import CLASSIFICATION, POINTCLOUD2, STRING, read_imu
from har_kd_ros.recordings.recording import Recording, RecordingError, Segment
from har_kd_ros.skeleton.topology import get_topology
from training.data.loaders import DatasetError
from training.data.skeleton_check import check_skeleton
from training.data.span_check import check_session_spans


def find_bags(root: Path) -> list[Path]:
    if (root / "metadata.yaml").is_file():
        return [root]
    return sorted(p.parent for p in root.rglob("metadata.yaml"))


def load_rosbag(
    path: str | Path,
    imu_topic: str | None = None,
    skeleton_topic: str = "/skeleton",
    label_topic: str = "/teacher/activity",
    topology: str = "mediapipe_pose",
    min_visibility: float = 0.5,
    label_hold_s: float = 5.0,
    imu_axes: str = IDENTITY,
) -> Recording:
    """One bag as a Recording; ``imu_axes`` rotates the recorded IMU onto the watch frame as
    imu_har's parameter of that name does live (the same text)."""
    path = Path(path)
    if not label_hold_s > 0:
        raise DatasetError(f"label_hold_s: expected > 0 (seconds a label holds), got {label_hold_s}")
    try:
        axes = AxisMap.parse(imu_axes)
    except ValueError as exc:
        raise DatasetError(str(exc)) from None
    n_joints = len(get_topology(topology).joints)
    frames, frame_t, labels = [], [], []

    def on_cloud(received_ns: int, data: bytes) -> None:
        stamp, _, xyz, visibility = read_skeleton_cloud(data)
        if len(xyz) != n_joints:
            raise RecordingError(f"{path}: {skeleton_topic} has {len(xyz)} points, {topology} has {n_joints}")
        xyz[visibility < min_visibility] = np.nan
        frames.append(xyz)
        frame_t.append(stamp if stamp > 0 else received_ns * 1e-9)

    def on_string(received_ns: int, data: bytes) -> None:  # no stamp: the time it was recorded
        label = read_string(data)
        if label and label != UNKNOWN:  # 'unknown' = below the node's confidence: no label
            labels.append((received_ns * 1e-9, label))

    def on_classification(received_ns: int, data: bytes) -> None:  # stamped: the end of the window it labels
        msg = read_classification(data)
        if msg.results:
            labels.append((msg.header.stamp, msg.results[0][0]))

    handlers = {
        (skeleton_topic, POINTCLOUD2): on_cloud,
        (label_topic, STRING): on_string,
        (label_topic, CLASSIFICATION): on_classification,
    }
    try:
        rec = read_imu(path, imu_topic, also=handlers)
    except RecordingError as exc:
        raise DatasetError(str(exc)) from None
    if not axes.identity:
        rec = rec.with_(acc=axes.apply(rec.acc), gyro=None if rec.gyro is None else axes.apply(rec.gyro))
    skeleton = skeleton_t = None
    if frames:
        order = np.argsort(frame_t, kind="stable")
        t = np.asarray(frame_t)[order]
        keep = np.concatenate([[True], np.diff(t) > 0])
        skeleton, skeleton_t = np.stack(frames)[order][keep], t[keep]
    segments = []
    for i, (t0, label) in enumerate(labels):
        t1 = labels[i + 1][0] if i + 1 < len(labels) else t0 + label_hold_s
        segments.append(Segment(t0, min(t1, t0 + label_hold_s), label))
    rec = rec.with_(
        subject=path.name,
        trial=path.name,
        skeleton=skeleton,
        skeleton_t=skeleton_t,
        topology=topology if frames else None,
        source="rosbag2",
        segments=tuple(segments),
    ).validate(str(path))
    if skeleton is not None:  # the data checks itself: the topology option and the clocks
        check_skeleton(skeleton, topology, f"{path} {skeleton_topic}")
        check_session_spans(rec, f"{path} ({skeleton_topic} against the IMU)")
    return rec


def load_rosbags(root: str | Path, **options: object) -> list[Recording]:
    root = Path(root)
    if not root.exists():
        raise DatasetError(f"{root}: folder not found (expected rosbag2 folders)")
    bags = find_bags(root)
    if not bags:
        raise DatasetError(f"{root}: no rosbag2 folder (metadata.yaml) found")
    return [load_rosbag(b, **options) for b in bags]  # type: ignore[arg-type]

"""Skeletons as sensor_msgs/PointCloud2 payloads: one point per landmark, fields x, y, z, visibility.

sensor_msgs_py is not installable everywhere, and the layout is simple, so the payload is built
and parsed here with numpy. Functions take and return plain values (field tuples and bytes), so
the same code serves the skeleton node (building clouds), the teacher node (live clouds) and
training (clouds recorded in bags), the last two from the serialized message (read_skeleton_cloud).
"""

from __future__ import annotations

import numpy as np

from har_kd_ros.messages.cdr import read_pointcloud

FLOAT32 = 7  # sensor_msgs/PointField.FLOAT32
FLOAT64 = 8
_DTYPES = {7: np.float32, 8: np.float64}
SKELETON_FIELDS: tuple[tuple[str, int, int, int], ...] = (
    ("x", 0, FLOAT32, 1),
    ("y", 4, FLOAT32, 1),
    ("z", 8, FLOAT32, 1),
    ("visibility", 12, FLOAT32, 1),
)
POINT_STEP = 16


def encode_skeleton(points: np.ndarray, visibility: np.ndarray) -> bytes:
    """(J, 3) positions + (J,) visibility -> little-endian PointCloud2 data (point_step 16)."""
    points = np.asarray(points, dtype=np.float32)
    if points.ndim != 2 or points.shape[1] != 3 or np.shape(visibility) != (points.shape[0],):
        raise ValueError(f"points: expected (J, 3) with visibility (J,), got {points.shape} and {np.shape(visibility)}")
    packed = np.empty((points.shape[0], 4), dtype="<f4")
    packed[:, :3] = points
    packed[:, 3] = visibility
    return packed.tobytes()


def decode_skeleton(
    fields: list[tuple[str, int, int, int]], data: bytes, point_step: int, n_points: int, big_endian: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """PointCloud2 payload -> (J, 3) float64 positions and (J,) visibility (1 where the field is absent)."""
    by_name = {name: (offset, datatype) for name, offset, datatype, _ in fields}
    missing = [f for f in ("x", "y", "z") if f not in by_name]
    if missing:
        raise ValueError(f"fields: PointCloud2 lacks {missing} (expected x, y, z[, visibility])")
    for name in ("x", "y", "z", "visibility"):
        if name not in by_name:
            continue
        offset, datatype = by_name[name]
        if datatype not in _DTYPES:
            raise ValueError(f"fields: {name} has datatype {datatype}, expected FLOAT32 (7) or FLOAT64 (8)")
        if offset + np.dtype(_DTYPES[datatype]).itemsize > point_step:
            raise ValueError(f"fields: {name} at offset {offset} does not fit in a point of {point_step} bytes")
    if len(data) < point_step * n_points:
        raise ValueError(f"data: {len(data)} bytes for {n_points} points of {point_step} bytes")
    raw = np.frombuffer(data, dtype=np.uint8)[: point_step * n_points].reshape(n_points, point_step)

    def column(name: str) -> np.ndarray:
        offset, datatype = by_name[name]
        dtype = np.dtype(_DTYPES[datatype]).newbyteorder(">" if big_endian else "<")
        return raw[:, offset : offset + dtype.itemsize].copy().view(dtype)[:, 0].astype(np.float64)

    xyz = np.stack([column("x"), column("y"), column("z")], axis=1)
    visibility = column("visibility") if "visibility" in by_name else np.ones(n_points)
    return xyz, visibility


def read_skeleton_cloud(data: bytes) -> tuple[float, str, np.ndarray, np.ndarray]:
    """Serialized PointCloud2 -> (stamp, frame_id, (J, 3) positions, (J,) visibility), J = all its
    points; ValueError on a malformed cloud. From bytes: rclpy's deserializer crashes on hostile
    ones (har_kd_ros.messages.cdr), and a bag's messages need no ROS install this way."""
    cloud = read_pointcloud(data)
    n = cloud.width * cloud.height
    xyz, visibility = decode_skeleton(list(cloud.fields), cloud.data, cloud.point_step, n, cloud.is_bigendian)
    return cloud.header.stamp, cloud.header.frame_id, xyz, visibility

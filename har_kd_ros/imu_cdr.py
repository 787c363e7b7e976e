"""sensor_msgs/Imu read straight from its serialized (CDR) bytes.

At 100 Hz per wearer, building rclpy's Imu object (a header, a quaternion, two vectors and
three numpy covariance arrays) costs more CPU than everything the node then does with the
sample. The node subscribes with ``raw=True`` and reads the four things it needs (stamp,
frame_id and the card's channels) from fixed offsets instead. Pure Python, no ROS import, so
it is tested against rclpy's own serializer without DDS.

Layout (OMG XTypes 1.3, 7.4.3): a 4-byte encapsulation header, then ``stamp.sec`` (int32),
``stamp.nanosec`` (uint32), ``frame_id`` (uint32 length including the NUL, then the bytes),
then 37 doubles: orientation (4), its covariance (9), angular_velocity (3), its covariance (9),
linear_acceleration (3), its covariance (9). Doubles are aligned to 8 bytes in XCDR1 and to
4 in XCDR2, counted from the end of the encapsulation header. These are what ROS 2's RMWs send
for a final struct such as Imu; parameter-list and delimited encapsulations are refused.

Every length is checked against the buffer, so any bytes a publisher sends give a sample or a
ValueError. rclpy's own deserializer is no fallback: fed adversarial bytes (e.g. the 4 bytes
``00 0b 5a db``) it reads past the buffer and can crash the process.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

# encapsulation id -> (byte order, alignment of 8-byte primitives)
_ENCAPSULATIONS = {
    0x0000: (">", 8),  # CDR_BE (XCDR1)
    0x0001: ("<", 8),  # CDR_LE (XCDR1): what Fast DDS, Cyclone DDS and Zenoh send for ROS 2 types
    0x0006: (">", 4),  # PLAIN_CDR2_BE
    0x0007: ("<", 4),  # PLAIN_CDR2_LE
}
_DOUBLES = 37
# index of each channel among the 37 doubles (names as in the model card)
CHANNEL_INDEX = {"gyro_x": 13, "gyro_y": 14, "gyro_z": 15, "acc_x": 25, "acc_y": 26, "acc_z": 27}
_HEADER = 4 + 8 + 4  # encapsulation, stamp, frame_id length


class ImuCdrReader:
    """Reads (stamp seconds, frame_id, the card's channels) from one serialized Imu message."""

    def __init__(self, channels: Sequence[str]) -> None:
        unknown = [c for c in channels if c not in CHANNEL_INDEX]
        if unknown:
            raise ValueError(
                f"channels: {unknown} cannot be read from sensor_msgs/Imu (known: {sorted(CHANNEL_INDEX)})"
            )
        self._index = tuple(CHANNEL_INDEX[c] for c in channels)
        self._formats = {
            order: (struct.Struct(f"{order}iII"), struct.Struct(f"{order}{_DOUBLES}d"))
            for order, _ in _ENCAPSULATIONS.values()
        }

    def read(self, data: bytes) -> tuple[float, str, tuple[float, ...]]:
        """Stamp (s), frame_id and channel values; ValueError naming what is wrong otherwise."""
        if len(data) < _HEADER:
            raise ValueError(f"serialized Imu: expected at least {_HEADER} bytes, got {len(data)}")
        encapsulation = (data[0] << 8) | data[1]
        if encapsulation not in _ENCAPSULATIONS:
            raise ValueError(f"serialized Imu: encapsulation 0x{encapsulation:04x} is not plain CDR (XCDR1 or XCDR2)")
        order, align = _ENCAPSULATIONS[encapsulation]
        head, body = self._formats[order]
        sec, nanosec, length = head.unpack_from(data, 4)
        if length == 0 or _HEADER + length > len(data):
            raise ValueError(f"serialized Imu: frame_id length {length} does not fit in {len(data)} bytes")
        end = _HEADER + length
        if data[end - 1] != 0:
            raise ValueError("serialized Imu: frame_id is not NUL-terminated")
        frame_id = data[_HEADER : end - 1].decode()
        offset = end + (-(end - 4) % align)
        if offset + body.size > len(data):
            raise ValueError(f"serialized Imu: expected {offset + body.size} bytes, got {len(data)} (truncated)")
        doubles = body.unpack_from(data, offset)
        return sec + nanosec * 1e-9, frame_id, tuple(doubles[i] for i in self._index)

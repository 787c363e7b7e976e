"""Serialized messages in any plain-CDR layout, written by the XTypes rules for the tests:
sensor_msgs/Imu, and vision_msgs/Classification (no wheel, so rclpy cannot serialize it in-process).

Independent of har_kd_ros.messages.cdr (the reader under test) and of rclpy (the tests check it against
rclpy's bytes): big or little endian, XCDR1 (doubles aligned to 8) or XCDR2 (to 4).
"""

from __future__ import annotations

import struct

CDR_BE, CDR_LE, CDR2_BE, CDR2_LE = 0x0000, 0x0001, 0x0006, 0x0007


class _Writer:
    """Fields in order, each aligned to its size from the end of the encapsulation header."""

    def __init__(self, encapsulation: int) -> None:
        self.order = "<" if encapsulation & 1 else ">"
        self.align8 = 8 if encapsulation < CDR2_BE else 4
        self.out = bytearray([0, encapsulation, 0, 0])

    def pad(self, size: int) -> None:
        self.out += b"\0" * (-(len(self.out) - 4) % size)

    def pack(self, fmt: str, *values: object, align: int = 4) -> None:
        self.pad(align)
        self.out += struct.pack(self.order + fmt, *values)

    def string(self, text: bytes) -> None:
        self.pack("I", len(text) + 1)
        self.out += text + b"\0"

    def header(self, sec: int, nanosec: int, frame: bytes) -> None:
        self.pack("iI", sec, nanosec)
        self.string(frame)


def encode(sec: int, nanosec: int, frame: bytes, doubles: list[float], encapsulation: int) -> bytes:
    """``doubles``: the 37 of an Imu in field order (orientation, its covariance, angular
    velocity, its covariance, linear acceleration, its covariance)."""
    w = _Writer(encapsulation)
    w.header(sec, nanosec, frame)
    w.pack("37d", *doubles, align=w.align8)
    return bytes(w.out)


def encode_msg(msg: object, encapsulation: int) -> bytes:
    """An rclpy Imu message in the given layout."""
    o, a, g = msg.orientation, msg.angular_velocity, msg.linear_acceleration  # type: ignore[attr-defined]
    doubles = [
        o.x, o.y, o.z, o.w, *msg.orientation_covariance,  # type: ignore[attr-defined]
        a.x, a.y, a.z, *msg.angular_velocity_covariance,  # type: ignore[attr-defined]
        g.x, g.y, g.z, *msg.linear_acceleration_covariance,  # type: ignore[attr-defined]
    ]  # fmt: skip
    stamp = msg.header.stamp  # type: ignore[attr-defined]
    return encode(stamp.sec, stamp.nanosec, msg.header.frame_id.encode(), [float(d) for d in doubles], encapsulation)  # type: ignore[attr-defined]


def encode_classification(
    sec: int, nanosec: int, frame: str, results: list[tuple[str, float]], encapsulation: int
) -> bytes:
    """vision_msgs/Classification: a header, then a sequence of (class_id, score) hypotheses."""
    w = _Writer(encapsulation)
    w.header(sec, nanosec, frame.encode())
    w.pack("I", len(results))
    for class_id, score in results:
        w.string(class_id.encode())
        w.pack("d", score, align=w.align8)
    return bytes(w.out)

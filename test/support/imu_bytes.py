"""Serialized sensor_msgs/Imu in any plain-CDR layout, written by the XTypes rules for the tests.

Independent of har_kd_ros.cdr (the reader under test) and of rclpy (the test checks it
against rclpy's bytes): big or little endian, XCDR1 (doubles aligned to 8) or XCDR2 (to 4).
"""

from __future__ import annotations

import struct

CDR_BE, CDR_LE, CDR2_BE, CDR2_LE = 0x0000, 0x0001, 0x0006, 0x0007


def encode(sec: int, nanosec: int, frame: bytes, doubles: list[float], encapsulation: int) -> bytes:
    """``doubles``: the 37 of an Imu in field order (orientation, its covariance, angular
    velocity, its covariance, linear acceleration, its covariance)."""
    order = "<" if encapsulation & 1 else ">"
    align = 8 if encapsulation < CDR2_BE else 4
    out = bytes([0, encapsulation, 0, 0]) + struct.pack(f"{order}iII", sec, nanosec, len(frame) + 1) + frame + b"\0"
    out += b"\0" * (-(len(out) - 4) % align)
    return out + struct.pack(f"{order}37d", *doubles)


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

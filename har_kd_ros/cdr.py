"""The sensor messages the nodes subscribe to, read straight from their serialized (CDR) bytes.

Two reasons. Speed: at 100 Hz per wearer, building rclpy's Imu object (a header, a quaternion,
two vectors and three numpy covariance arrays) costs more CPU than everything the node then
does with the sample, and an Image's pixels are copied once more into a Python array. Safety:
rclpy's deserializer reads past the buffer on adversarial bytes; a typed Imu or Image
subscriber died with SIGSEGV here when another process published random payloads on its topic.
So the nodes subscribe with ``raw=True`` and read what they need here, where every length is
checked against the buffer: any bytes give a message or a one-line ValueError. Pure Python, no
ROS import, so it is tested against rclpy's own serializer without DDS.

Layout (OMG XTypes 1.3, 7.4.3): a 4-byte encapsulation header (its id says the byte order and
XCDR1 or XCDR2), then the fields in order, each aligned to its size counted from the end of the
encapsulation header, 8-byte primitives to 8 in XCDR1 and to 4 in XCDR2; a string is a uint32
length including the NUL, then the bytes; a sequence a uint32 count, then the elements. These
plain encapsulations are what ROS 2's RMWs send for final structs like these; parameter-list and
delimited ones are refused.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

# encapsulation id -> (byte order, alignment of 8-byte primitives)
_ENCAPSULATIONS = {
    0x0000: (">", 8),  # CDR_BE (XCDR1)
    0x0001: ("<", 8),  # CDR_LE (XCDR1): what Fast DDS, Cyclone DDS and Zenoh send for ROS 2 types
    0x0006: (">", 4),  # PLAIN_CDR2_BE
    0x0007: ("<", 4),  # PLAIN_CDR2_LE
}
_HEADER = 4 + 8 + 4  # encapsulation, stamp, frame_id length
_IMU_DOUBLES = 37
# index of each channel among the Imu's 37 doubles: orientation (4), its covariance (9),
# angular_velocity (3), its covariance (9), linear_acceleration (3), its covariance (9)
CHANNEL_INDEX = {"gyro_x": 13, "gyro_y": 14, "gyro_z": 15, "acc_x": 25, "acc_y": 26, "acc_z": 27}
_STAMP = {order: struct.Struct(f"{order}iI") for order in "<>"}
_U32 = {order: struct.Struct(f"{order}I") for order in "<>"}


@dataclass(frozen=True)
class Header:
    """std_msgs/Header, and where the fields after it start."""

    stamp: float
    frame_id: str
    order: str  # struct byte order of the message
    align8: int  # alignment of its 8-byte primitives
    end: int  # offset of the first byte after the header


def read_header(data: bytes, what: str) -> Header:
    """The encapsulation and std_msgs/Header that every stamped message starts with."""
    if len(data) < _HEADER:
        raise ValueError(f"serialized {what}: expected at least {_HEADER} bytes, got {len(data)}")
    encapsulation = (data[0] << 8) | data[1]
    if encapsulation not in _ENCAPSULATIONS:
        raise ValueError(f"serialized {what}: encapsulation 0x{encapsulation:04x} is not plain CDR (XCDR1 or XCDR2)")
    order, align8 = _ENCAPSULATIONS[encapsulation]
    sec, nanosec = _STAMP[order].unpack_from(data, 4)
    frame_id, end = _read_string(data, 12, order, what, "frame_id")
    return Header(sec + nanosec * 1e-9, frame_id, order, align8, end)


def _align(offset: int, size: int) -> int:
    return offset + (-(offset - 4) % size)


def _read_u32(data: bytes, offset: int, order: str, what: str, field: str) -> tuple[int, int]:
    offset = _align(offset, 4)
    if offset + 4 > len(data):
        raise ValueError(f"serialized {what}: truncated before {field} ({len(data)} bytes)")
    return _U32[order].unpack_from(data, offset)[0], offset + 4


def _read_string(data: bytes, offset: int, order: str, what: str, field: str) -> tuple[str, int]:
    length, start = _read_u32(data, offset, order, what, field)
    if length == 0 or start + length > len(data):
        raise ValueError(f"serialized {what}: {field} length {length} does not fit in {len(data)} bytes")
    end = start + length
    if data[end - 1] != 0:
        raise ValueError(f"serialized {what}: {field} is not NUL-terminated")
    return data[start : end - 1].decode(), end


def _read_octets(data: bytes, offset: int, order: str, what: str) -> memoryview:
    """A uint8[] field as a view (no copy): a frame's pixels go straight to numpy."""
    count, start = _read_u32(data, offset, order, what, "data")
    if start + count > len(data):
        raise ValueError(f"serialized {what}: data claims {count} bytes, {len(data) - start} follow")
    return memoryview(data)[start : start + count]


class ImuCdrReader:
    """Reads (stamp seconds, frame_id, the card's channels) from one serialized sensor_msgs/Imu."""

    def __init__(self, channels: Sequence[str]) -> None:
        unknown = [c for c in channels if c not in CHANNEL_INDEX]
        if unknown:
            raise ValueError(
                f"channels: {unknown} cannot be read from sensor_msgs/Imu (known: {sorted(CHANNEL_INDEX)})"
            )
        self._index = tuple(CHANNEL_INDEX[c] for c in channels)
        self._doubles = {order: struct.Struct(f"{order}{_IMU_DOUBLES}d") for order in "<>"}

    def read(self, data: bytes) -> tuple[float, str, tuple[float, ...]]:
        """Stamp (s), frame_id and channel values; ValueError naming what is wrong otherwise."""
        header = read_header(data, "Imu")
        body = self._doubles[header.order]
        offset = _align(header.end, header.align8)
        if offset + body.size > len(data):
            raise ValueError(f"serialized Imu: expected {offset + body.size} bytes, got {len(data)} (truncated)")
        doubles = body.unpack_from(data, offset)
        return header.stamp, header.frame_id, tuple(doubles[i] for i in self._index)


@dataclass(frozen=True)
class RawImage:
    """sensor_msgs/Image: the fields image.image_to_rgb needs, pixels as a view of the bytes."""

    header: Header
    height: int
    width: int
    encoding: str
    step: int
    data: memoryview


def read_image(data: bytes) -> RawImage:
    header = read_header(data, "Image")
    o = header.order
    height, offset = _read_u32(data, header.end, o, "Image", "height")
    width, offset = _read_u32(data, offset, o, "Image", "width")
    encoding, offset = _read_string(data, offset, o, "Image", "encoding")
    if offset + 1 > len(data):
        raise ValueError(f"serialized Image: truncated before is_bigendian ({len(data)} bytes)")
    step, offset = _read_u32(data, offset + 1, o, "Image", "step")
    return RawImage(header, height, width, encoding, step, _read_octets(data, offset, o, "Image"))


@dataclass(frozen=True)
class RawCompressedImage:
    """sensor_msgs/CompressedImage: format and the compressed bytes (a view)."""

    header: Header
    format: str
    data: memoryview


def read_compressed_image(data: bytes) -> RawCompressedImage:
    header = read_header(data, "CompressedImage")
    fmt, offset = _read_string(data, header.end, header.order, "CompressedImage", "format")
    return RawCompressedImage(header, fmt, _read_octets(data, offset, header.order, "CompressedImage"))

"""The sensor messages the nodes subscribe to, read straight from their serialized (CDR) bytes
(and the one message every node publishes once a second, /diagnostics, written as bytes).

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

from har_kd_ros.imu.axes import AxisMap

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
# REP 145: a covariance whose first element is -1 says the driver does not provide that vector
_GYRO_COVARIANCE = 16
_STAMP = {order: struct.Struct(f"{order}iI") for order in "<>"}
_U32 = {order: struct.Struct(f"{order}I") for order in "<>"}
_F64 = {order: struct.Struct(f"{order}d") for order in "<>"}


@dataclass(frozen=True)
class Header:
    """std_msgs/Header."""

    stamp: float
    frame_id: str


def _align(offset: int, size: int) -> int:
    return offset + (-(offset - 4) % size)


class _Cursor:
    """Reads a message's fields in order, each aligned and checked against the buffer, so that
    every error names the message and the field."""

    __slots__ = ("align8", "data", "offset", "order", "what")

    def __init__(self, data: bytes, what: str, offset: int, order: str, align8: int) -> None:
        self.data, self.what, self.offset, self.order, self.align8 = data, what, offset, order, align8

    def _take(self, size: int, align: int, field: str) -> int:
        start = _align(self.offset, align)
        if start + size > len(self.data):
            raise ValueError(f"serialized {self.what}: truncated before {field} ({len(self.data)} bytes)")
        self.offset = start + size
        return start

    def u8(self, field: str) -> int:
        return self.data[self._take(1, 1, field)]

    def u32(self, field: str) -> int:
        return _U32[self.order].unpack_from(self.data, self._take(4, 4, field))[0]

    def f64(self, field: str) -> float:
        return _F64[self.order].unpack_from(self.data, self._take(8, self.align8, field))[0]

    def string(self, field: str) -> str:
        length = self.u32(field)
        start = self.offset
        if length == 0 or start + length > len(self.data):
            raise ValueError(f"serialized {self.what}: {field} length {length} does not fit in {len(self.data)} bytes")
        self.offset = start + length
        if self.data[self.offset - 1] != 0:
            raise ValueError(f"serialized {self.what}: {field} is not NUL-terminated")
        try:
            return str(self.data[start : self.offset - 1], "utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"serialized {self.what}: {field} is not UTF-8") from None

    def octets(self, field: str) -> memoryview:
        """A uint8[] field as a view (no copy): a frame's pixels go straight to numpy."""
        count = self.u32(field)
        start = self.offset
        if start + count > len(self.data):
            raise ValueError(f"serialized {self.what}: {field} claims {count} bytes, {len(self.data) - start} follow")
        self.offset = start + count
        return memoryview(self.data)[start : self.offset]

    def count(self, field: str, min_size: int) -> int:
        """A sequence's length, refused up front when its elements of at least ``min_size``
        bytes each cannot fit: a lying count must not make a reader loop four billion times."""
        n = self.u32(field)
        if n * min_size > len(self.data) - self.offset:
            raise ValueError(
                f"serialized {self.what}: {field} claims {n} elements, {len(self.data) - self.offset} bytes follow"
            )
        return n


def _cursor(data: bytes, what: str) -> _Cursor:
    """The encapsulation header of any message: byte order and the alignment of 8-byte primitives."""
    if len(data) < 4:
        raise ValueError(f"serialized {what}: expected at least 4 bytes, got {len(data)}")
    encapsulation = (data[0] << 8) | data[1]
    if encapsulation not in _ENCAPSULATIONS:
        raise ValueError(f"serialized {what}: encapsulation 0x{encapsulation:04x} is not plain CDR (XCDR1 or XCDR2)")
    order, align8 = _ENCAPSULATIONS[encapsulation]
    return _Cursor(data, what, 4, order, align8)


def _stamped(data: bytes, what: str) -> tuple[Header, _Cursor]:
    """The encapsulation and std_msgs/Header that every stamped message starts with, and the
    cursor on the field after it."""
    if len(data) < _HEADER:
        raise ValueError(f"serialized {what}: expected at least {_HEADER} bytes, got {len(data)}")
    c = _cursor(data, what)
    sec, nanosec = _STAMP[c.order].unpack_from(data, 4)
    c.offset = 12
    frame_id = c.string("frame_id")
    return Header(sec + nanosec * 1e-9, frame_id), c


class MissingGyroscopeError(ValueError):
    """An Imu whose driver says it has no angular velocity, read for a model that needs it."""


class ImuCdrReader:
    """Reads (stamp seconds, frame_id, the card's channels) from one serialized sensor_msgs/Imu;
    ``axes`` maps the IMU's axes onto the watch frame the channels are named in (none: as sent)."""

    def __init__(self, channels: Sequence[str], axes: AxisMap | None = None) -> None:
        unknown = [c for c in channels if c not in CHANNEL_INDEX]
        if unknown:
            raise ValueError(
                f"channels: {unknown} cannot be read from sensor_msgs/Imu (known: {sorted(CHANNEL_INDEX)})"
            )
        sources = (axes or AxisMap()).channel_sources(channels)
        self._index = tuple(CHANNEL_INDEX[c] for c, _ in sources)
        self._sign = None if all(s > 0 for _, s in sources) else tuple(s for _, s in sources)
        self._needs_gyro = any(c.startswith("gyro_") for c in channels)
        self._doubles = {order: struct.Struct(f"{order}{_IMU_DOUBLES}d") for order in "<>"}

    def read(self, data: bytes) -> tuple[float, str, tuple[float, ...]]:
        """Stamp (s), frame_id and channel values; ValueError naming what is wrong otherwise."""
        header, c = _stamped(data, "Imu")
        body = self._doubles[c.order]
        offset = _align(c.offset, c.align8)
        if offset + body.size > len(data):
            raise ValueError(f"serialized Imu: expected {offset + body.size} bytes, got {len(data)} (truncated)")
        doubles = body.unpack_from(data, offset)
        if self._needs_gyro and doubles[_GYRO_COVARIANCE] == -1.0:
            raise MissingGyroscopeError("Imu without angular_velocity (angular_velocity_covariance[0] = -1, REP 145)")
        if self._sign is None:
            return header.stamp, header.frame_id, tuple(doubles[i] for i in self._index)
        return (
            header.stamp,
            header.frame_id,
            tuple(s * doubles[i] for i, s in zip(self._index, self._sign, strict=True)),
        )


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
    header, c = _stamped(data, "Image")
    height, width, encoding = c.u32("height"), c.u32("width"), c.string("encoding")
    c.u8("is_bigendian")
    return RawImage(header, height, width, encoding, c.u32("step"), c.octets("data"))


@dataclass(frozen=True)
class RawCompressedImage:
    """sensor_msgs/CompressedImage: format and the compressed bytes (a view)."""

    header: Header
    format: str
    data: memoryview


def read_compressed_image(data: bytes) -> RawCompressedImage:
    header, c = _stamped(data, "CompressedImage")
    return RawCompressedImage(header, c.string("format"), c.octets("data"))


def read_string(data: bytes) -> str:
    """std_msgs/String."""
    return _cursor(data, "String").string("data")


@dataclass(frozen=True)
class RawClassification:
    """vision_msgs/Classification: its hypotheses as (class_id, score), in the order sent."""

    header: Header
    results: tuple[tuple[str, float], ...]


def read_classification(data: bytes) -> RawClassification:
    header, c = _stamped(data, "Classification")
    results = []
    for _ in range(c.count("results", 4 + 1 + 8)):  # a hypothesis: a string of >= 1 byte, a double
        class_id = c.string("class_id")
        results.append((class_id, c.f64("score")))
    return RawClassification(header, tuple(results))


@dataclass(frozen=True)
class RawPointCloud:
    """sensor_msgs/PointCloud2; fields as (name, offset, datatype, count), points as a view."""

    header: Header
    height: int
    width: int
    fields: tuple[tuple[str, int, int, int], ...]
    is_bigendian: bool
    point_step: int
    row_step: int
    data: memoryview
    is_dense: bool


def read_pointcloud(data: bytes) -> RawPointCloud:
    header, c = _stamped(data, "PointCloud2")
    height, width = c.u32("height"), c.u32("width")
    fields = []
    for _ in range(c.count("fields", 4 + 1 + 4 + 1 + 4)):  # PointField: name, offset, datatype, count
        name = c.string("fields.name")
        fields.append((name, c.u32("fields.offset"), c.u8("fields.datatype"), c.u32("fields.count")))
    is_bigendian = bool(c.u8("is_bigendian"))
    point_step, row_step = c.u32("point_step"), c.u32("row_step")
    points = c.octets("data")
    return RawPointCloud(
        header, height, width, tuple(fields), is_bigendian, point_step, row_step, points, bool(c.u8("is_dense"))
    )


@dataclass(frozen=True)
class RawDiagnosticStatus:
    """diagnostic_msgs/DiagnosticStatus, its key-values as a dict."""

    level: int
    name: str
    message: str
    hardware_id: str
    values: dict[str, str]


def read_diagnostic_array(data: bytes) -> tuple[RawDiagnosticStatus, ...]:
    """diagnostic_msgs/DiagnosticArray's statuses."""
    _, c = _stamped(data, "DiagnosticArray")
    statuses = []
    for _ in range(c.count("status", 1 + 3 * 5 + 4)):
        level, name, message, hardware_id = (
            c.u8("status.level"),
            c.string("status.name"),
            c.string("status.message"),
            c.string("status.hardware_id"),
        )
        values = {}
        for _ in range(c.count("status.values", 2 * 5)):
            key = c.string("values.key")
            values[key] = c.string("values.value")
        statuses.append(RawDiagnosticStatus(level, name, message, hardware_id, values))
    return tuple(statuses)


def write_diagnostic_array(sec: int, nanosec: int, statuses: Sequence[RawDiagnosticStatus]) -> bytes:
    """diagnostic_msgs/DiagnosticArray (empty frame_id) as little-endian XCDR1, the layout rclpy
    serializes (with zeroed padding), so a node publishes its /diagnostics as bytes: building the
    message in rclpy (a KeyValue object per value, then a conversion to C) cost imu_har ~1 ms of
    CPU a second."""
    out = bytearray(b"\x00\x01\x00\x00")
    out += _STAMP["<"].pack(sec, nanosec)

    def u32(value: int) -> None:
        out.extend(bytes(-len(out) % 4))  # aligned from the end of the encapsulation (4 bytes)
        out.extend(_U32["<"].pack(value))

    def string(text: str) -> None:
        data = text.encode()
        out.extend(bytes(-len(out) % 4) + _U32["<"].pack(len(data) + 1) + data + b"\x00")

    string("")  # frame_id
    u32(len(statuses))
    for status in statuses:
        out.append(status.level)
        string(status.name)
        string(status.message)
        string(status.hardware_id)
        u32(len(status.values))
        for key, value in status.values.items():
            string(key)
            string(value)
    return bytes(out)

"""The nodes' CDR readers (and the /diagnostics writer) against rclpy's own serializer, every plain-CDR layout, and hostile bytes."""

from __future__ import annotations

import math
import struct

import pytest
from cdr_bytes import CDR2_BE, CDR2_LE, CDR_BE, CDR_LE, encode, encode_classification, encode_msg
from hypothesis import given
from hypothesis import strategies as st
from property_settings import FAST

from har_kd_ros.messages.cdr import (
    CHANNEL_INDEX,
    ImuCdrReader,
    MissingGyroscopeError,
    RawDiagnosticStatus,
    read_classification,
    read_compressed_image,
    read_diagnostic_array,
    read_image,
    read_pointcloud,
    read_string,
    write_diagnostic_array,
)

ACC = ("acc_x", "acc_y", "acc_z")
ALL = ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")


def doubles_with(acc: tuple[float, float, float], gyro: tuple[float, float, float]) -> list[float]:
    d = [float(i) for i in range(37)]  # distinct values elsewhere: a wrong offset cannot pass
    for name, v in zip(ALL, (*acc, *gyro), strict=True):
        d[CHANNEL_INDEX[name]] = v
    return d


def same(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return all((x == y) or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True))


any_double = st.floats(allow_nan=True, allow_infinity=True, width=64)
vec3 = st.tuples(any_double, any_double, any_double)


@FAST
@given(
    sec=st.integers(-(2**31), 2**31 - 1),
    nanosec=st.integers(0, 2**32 - 1),
    frame=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    acc=vec3,
    gyro=vec3,
)
def test_reads_what_rclpy_serializes(sec, nanosec, frame, acc, gyro):
    """Parity with the serializer every rclpy publisher uses (Fast DDS here): stamp as
    convert.stamp_seconds computes it, frame_id, and the channels in the card's order."""
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import Imu

    msg = Imu()
    msg.header.stamp.sec, msg.header.stamp.nanosec = sec, nanosec
    msg.header.frame_id = frame
    msg.linear_acceleration.x, msg.linear_acceleration.y, msg.linear_acceleration.z = acc
    msg.angular_velocity.x, msg.angular_velocity.y, msg.angular_velocity.z = gyro
    msg.orientation.w, msg.linear_acceleration_covariance[8] = 7.0, -1.0
    t, got_frame, values = ImuCdrReader(("gyro_z", *ACC)).read(serialization.serialize_message(msg))
    assert t == sec + nanosec * 1e-9
    assert got_frame == frame
    assert same(values, (gyro[2], *acc))


@pytest.mark.parametrize("encapsulation", [0x0000, 0x0001, 0x0006, 0x0007])
@pytest.mark.parametrize("frame", [b"", b"a", b"imu", b"abcde", b"imu_link", "ïmü".encode()])
def test_every_plain_cdr_layout(encapsulation, frame):
    """Both byte orders, and XCDR2's 4-byte alignment of doubles: with these frame lengths the
    padding before the doubles differs between the layouts, so a wrong rule reads wrong values."""
    data = encode(1_700_000_000, 250_000_000, frame, doubles_with((1.5, -2.0, 9.81), (0.1, 0.2, 0.3)), encapsulation)
    t, got_frame, values = ImuCdrReader(ALL).read(data)
    assert (t, got_frame, values) == (1_700_000_000.25, frame.decode(), (1.5, -2.0, 9.81, 0.1, 0.2, 0.3))


def test_the_encoder_used_here_matches_rclpy_byte_for_byte():
    """Except the padding, which Fast DDS leaves uninitialised (so nobody may read it)."""
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import Imu

    msg = Imu()
    msg.header.stamp.sec, msg.header.stamp.nanosec = 12, 34
    msg.header.frame_id = "abcde"  # ends at byte 22: 6 bytes of padding before the doubles
    identity = [0.0, 0.0, 0.0, 1.0] + [0.0] * 33  # an Imu defaults to the identity quaternion
    theirs, ours = serialization.serialize_message(msg), encode(12, 34, b"abcde", identity, CDR_LE)
    assert len(theirs) == len(ours) and theirs[:22] + theirs[28:] == ours[:22] + ours[28:]
    assert encode_msg(msg, CDR_LE) == ours


def test_a_gyro_model_refuses_an_imu_that_says_it_has_no_gyroscope():
    """REP 145: angular_velocity_covariance[0] = -1 means the driver has no gyroscope (the replay
    node sends it for accelerometer-only recordings); an accelerometer model reads such an Imu."""
    d = doubles_with((1.0, 2.0, 9.8), (0.0, 0.0, 0.0))
    d[16] = -1.0
    data = encode(5, 6, b"imu", d, CDR_LE)
    with pytest.raises(MissingGyroscopeError, match=r"angular_velocity_covariance\[0\] = -1"):
        ImuCdrReader(ALL).read(data)
    assert ImuCdrReader(ACC).read(data)[2] == (1.0, 2.0, 9.8)


def test_every_truncation_of_a_valid_message_is_refused():
    data = encode(5, 6, b"imu_link", doubles_with((1.0, 2.0, 3.0), (0.0, 0.0, 0.0)), CDR_LE)
    reader = ImuCdrReader(ACC)
    for n in range(len(data)):
        with pytest.raises(ValueError, match="serialized Imu"):
            reader.read(data[:n])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bytes.fromhex("000b5adb"), "expected at least 16 bytes"),  # crashes rclpy's deserializer
        (bytes([0, 0x0B]) + bytes(400), "encapsulation 0x000b is not plain CDR"),
        (bytes([0, 0x03]) + bytes(400), "encapsulation 0x0003"),
        (bytes([0, 1, 0, 0]) + struct.pack("<iII", 0, 0, 2**32 - 1) + bytes(400), "frame_id length 4294967295"),
        (bytes([0, 1, 0, 0]) + struct.pack("<iII", 0, 0, 0) + bytes(400), "frame_id length 0"),
        (bytes([0, 1, 0, 0]) + struct.pack("<iII", 0, 0, 3) + b"abc" + bytes(400), "not NUL-terminated"),
    ],
)
def test_malformed_bytes_give_one_line_naming_the_problem(data, reason):
    with pytest.raises(ValueError, match=reason) as error:
        ImuCdrReader(ACC).read(data)
    assert "\n" not in str(error.value)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_give_a_sample_or_a_value_error(data):
    try:
        t, frame, values = ImuCdrReader(ALL).read(data)
    except ValueError:
        return
    assert isinstance(t, float) and isinstance(frame, str) and len(values) == 6


def test_unknown_channel_is_refused_up_front():
    with pytest.raises(ValueError, match=r"channels: \['mag_x'\] cannot be read from sensor_msgs/Imu"):
        ImuCdrReader(("acc_x", "mag_x"))


# -- Image and CompressedImage (skeleton_node) -------------------------------------------------------
@FAST
@given(
    height=st.integers(0, 6),
    width=st.integers(0, 6),
    pad=st.integers(0, 5),
    encoding=st.sampled_from(["rgb8", "mono8", "", "bgra8", "yuv422"]),
    frame=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
    nanosec=st.integers(0, 999_999_999),
)
def test_image_fields_match_what_rclpy_serializes(height, width, pad, encoding, frame, nanosec):
    """Every field after a string or a byte needs its own alignment: random lengths of frame,
    encoding and pixels move them all."""
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import Image

    msg = Image(height=height, width=width, encoding=encoding, is_bigendian=1, step=width * 3 + pad)
    msg.header.frame_id, msg.header.stamp.sec, msg.header.stamp.nanosec = frame, 1_700_000_000, nanosec
    msg.data = bytes(range(256))[: (width * 3 + pad) * height % 256]
    got = read_image(serialization.serialize_message(msg))
    assert (got.header.stamp, got.header.frame_id) == (1_700_000_000 + nanosec * 1e-9, frame)
    assert (got.height, got.width, got.encoding, got.step) == (height, width, encoding, width * 3 + pad)
    assert bytes(got.data) == bytes(msg.data)


@pytest.mark.parametrize("fmt", ["", "jpeg", "png", "rgb8; jpeg compressed bgr8"])
def test_compressed_image_fields_match_what_rclpy_serializes(fmt):
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import CompressedImage

    msg = CompressedImage(format=fmt, data=b"\xff\xd8" + bytes(range(7)))
    msg.header.frame_id = "camera_optical"
    got = read_compressed_image(serialization.serialize_message(msg))
    assert (got.header.frame_id, got.format, bytes(got.data)) == ("camera_optical", fmt, b"\xff\xd8" + bytes(range(7)))


def test_every_truncation_of_an_image_is_refused_and_a_lying_count_too():
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import Image

    msg = Image(height=2, width=2, encoding="rgb8", step=6, data=bytes(12))
    msg.header.frame_id = "cam"
    data = serialization.serialize_message(msg)
    for n in range(len(data)):
        with pytest.raises(ValueError, match="serialized Image"):
            read_image(data[:n])
    lying = bytearray(data)
    lying[-16:-12] = struct.pack("<I", 2**31)  # the data count: 2 GB claimed, 12 bytes follow
    with pytest.raises(ValueError, match="data claims 2147483648 bytes, 12 follow"):
        read_image(bytes(lying))


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_give_an_image_or_a_value_error(data):
    for read in (read_image, read_compressed_image):
        try:
            msg = read(data)
        except ValueError:
            continue
        assert len(msg.data) <= len(data)


# -- the label, skeleton and diagnostics topics (imu_har, teacher_node, activity_echo) --------------
name_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=9)


@FAST
@given(text=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30))
def test_string_matches_what_rclpy_serializes(text):
    serialization = pytest.importorskip("rclpy.serialization")
    from std_msgs.msg import String

    assert read_string(serialization.serialize_message(String(data=text))) == text


@FAST
@given(
    frame=name_text,
    fields=st.lists(
        st.tuples(name_text, st.integers(0, 2**32 - 1), st.integers(0, 255), st.integers(0, 9)), max_size=4
    ),
    height=st.integers(0, 3),
    width=st.integers(0, 3),
    big=st.booleans(),
    point_step=st.integers(0, 40),
    payload=st.binary(max_size=23),
    dense=st.booleans(),
)
def test_pointcloud_matches_what_rclpy_serializes(frame, fields, height, width, big, point_step, payload, dense):
    """A byte (datatype) between uint32s, and names of every length, move each field's alignment."""
    serialization = pytest.importorskip("rclpy.serialization")
    from sensor_msgs.msg import PointCloud2, PointField

    msg = PointCloud2(height=height, width=width, is_bigendian=big, point_step=point_step, row_step=7, is_dense=dense)
    msg.header.frame_id, msg.header.stamp.sec, msg.header.stamp.nanosec = frame, 3, 500_000_000
    msg.fields = [PointField(name=n, offset=o, datatype=d, count=c) for n, o, d, c in fields]
    msg.data = payload
    got = read_pointcloud(serialization.serialize_message(msg))
    assert (got.header.stamp, got.header.frame_id, got.height, got.width) == (3.5, frame, height, width)
    assert got.fields == tuple(fields)
    assert (got.is_bigendian, got.point_step, got.row_step, bytes(got.data), got.is_dense) == (
        big, point_step, 7, payload, dense
    )  # fmt: skip


diagnostic_statuses = st.lists(  # (level, name, message, hardware_id, values)
    st.tuples(st.integers(0, 3), name_text, name_text, name_text, st.dictionaries(name_text, name_text, max_size=3)),
    max_size=3,
)


def rclpy_diagnostic_array(statuses):
    """The same statuses as rclpy's DiagnosticArray."""
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

    msg = DiagnosticArray()
    for level, name, message, hardware_id, values in statuses:
        status = DiagnosticStatus(name=name, message=message, hardware_id=hardware_id)
        status.level = bytes([level])
        status.values = [KeyValue(key=k, value=v) for k, v in values.items()]
        msg.status.append(status)
    return msg


@FAST
@given(statuses=diagnostic_statuses)
def test_diagnostic_array_matches_what_rclpy_serializes(statuses):
    serialization = pytest.importorskip("rclpy.serialization")
    got = read_diagnostic_array(serialization.serialize_message(rclpy_diagnostic_array(statuses)))
    assert [(s.level, s.name, s.message, s.hardware_id, s.values) for s in got] == statuses


@FAST
@given(statuses=diagnostic_statuses, sec=st.integers(0, 2**31 - 1), nanosec=st.integers(0, 999_999_999))
def test_written_diagnostic_array_is_what_rclpy_reads(statuses, sec, nanosec):
    serialization = pytest.importorskip("rclpy.serialization")
    from diagnostic_msgs.msg import DiagnosticArray

    data = write_diagnostic_array(sec, nanosec, [RawDiagnosticStatus(*s) for s in statuses])
    msg = serialization.deserialize_message(data, DiagnosticArray)
    assert (msg.header.stamp.sec, msg.header.stamp.nanosec, msg.header.frame_id) == (sec, nanosec, "")
    got = [(s.level[0], s.name, s.message, s.hardware_id, {kv.key: kv.value for kv in s.values}) for s in msg.status]
    assert got == statuses
    assert [tuple(vars(s).values()) for s in read_diagnostic_array(data)] == statuses
    # same layout as rclpy's (its padding bytes are not zeroed, so only the length can be compared)
    assert len(data) == len(serialization.serialize_message(rclpy_diagnostic_array(statuses)))


@pytest.mark.parametrize("encapsulation", [CDR_BE, CDR_LE, CDR2_BE, CDR2_LE])
@pytest.mark.parametrize("frame", ["", "imu_link"])
def test_classification_in_every_plain_cdr_layout(encapsulation, frame):
    results = [("walking", 0.75), ("sit", 0.125), ("stand_up", 0.0625), ("a", 0.0)]  # every padding before a score
    got = read_classification(encode_classification(10, 250_000_000, frame, results, encapsulation))
    assert (got.header.stamp, got.header.frame_id, got.results) == (10.25, frame, tuple(results))


def test_every_truncation_of_a_label_cloud_or_diagnostics_is_refused():
    serialization = pytest.importorskip("rclpy.serialization")
    from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
    from sensor_msgs.msg import PointCloud2, PointField
    from std_msgs.msg import String

    cloud = PointCloud2(height=1, width=2, point_step=4, row_step=8, data=bytes(8))
    cloud.fields = [PointField(name="x", offset=0, datatype=7, count=1)]
    diagnostics = DiagnosticArray(status=[DiagnosticStatus(name="n", values=[KeyValue(key="k", value="v")])])
    cases = [
        (read_string, serialization.serialize_message(String(data="walking")), "String"),
        (read_pointcloud, serialization.serialize_message(cloud), "PointCloud2"),
        (read_diagnostic_array, serialization.serialize_message(diagnostics), "DiagnosticArray"),
        (read_classification, encode_classification(1, 2, "f", [("walk", 0.5)], CDR_LE), "Classification"),
    ]
    for read, data, what in cases:
        read(data)
        for n in range(len(data) - 1):  # the last byte of these is padding or is_dense
            with pytest.raises(ValueError, match=f"serialized {what}"):
                read(data[:n])


def test_a_lying_sequence_count_is_refused_before_any_loop():
    data = bytearray(encode_classification(1, 2, "f", [("walk", 0.5)], CDR_LE))
    data[20:24] = struct.pack("<I", 2**32 - 1)  # results: four billion hypotheses in 20 bytes
    with pytest.raises(ValueError, match="results claims 4294967295 elements, 20 bytes follow"):
        read_classification(bytes(data))


@FAST
@given(st.binary(max_size=200))
def test_any_bytes_give_a_message_or_a_value_error(data):
    for read in (read_string, read_classification, read_pointcloud, read_diagnostic_array):
        try:
            read(data)
        except ValueError:
            continue


def test_an_axis_map_reads_each_channel_from_the_imu_axis_named_for_it():
    """imu_axes "-y x z": the watch's x is the IMU's -y for both sensors; the identity reads as sent."""
    from har_kd_ros.imu.axes import AxisMap

    data = encode(5, 6, b"imu", doubles_with((1.0, 2.0, 9.8), (0.1, 0.2, 0.3)), CDR_LE)
    assert ImuCdrReader(ALL, AxisMap.parse("-y x z")).read(data)[2] == (-2.0, 1.0, 9.8, -0.2, 0.1, 0.3)
    assert ImuCdrReader(ALL, AxisMap.parse("x y z")).read(data)[2] == ImuCdrReader(ALL).read(data)[2]
    assert ImuCdrReader(("gyro_z", "acc_x"), AxisMap.parse("z x y")).read(data)[2] == (0.2, 9.8)

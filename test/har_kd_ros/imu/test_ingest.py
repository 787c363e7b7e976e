"""The IMU receive path without DDS: serialized messages in, completed windows out, every bad
message counted and reported once, never raised."""

from __future__ import annotations

import math
import struct

import pytest
from cdr_bytes import CDR_LE, encode, encode_classification

from har_kd_ros.imu.channels import channels_of
from har_kd_ros.imu.ingest import StreamIngest, read_teacher_label
from har_kd_ros.imu.window import StreamingWindow
from har_kd_ros.messages.cdr import ImuCdrReader

RATE = 50.0


def imu(t: float, acc=(0.0, 0.0, 9.81), gyro=(0.1, 0.2, 0.3), frame=b"watch", gyro_absent=False) -> bytes:
    gyro_cov = [-1.0] + [0.0] * 8 if gyro_absent else [0.0] * 9
    doubles = [0, 0, 0, 1, *[0.0] * 9, *gyro, *gyro_cov, *acc, *[0.0] * 9]
    sec = math.floor(t)
    return encode(sec, round((t - sec) * 1e9), frame, [float(d) for d in doubles], CDR_LE)


def make(sensors=("acc",), frame_id="", now=lambda: 100.0):
    reports = []
    channels = channels_of(list(sensors))
    ingest = StreamIngest(
        "/watch/imu",
        ImuCdrReader(channels),
        StreamingWindow(RATE, 50, 25, len(channels), 0.5),
        now=now,
        report=lambda level, text: reports.append((level, text)),
        frame_id=frame_id,
        channels_hint="the model reads " + ", ".join(channels),
    )
    return ingest, reports


def test_a_clean_stream_completes_windows_with_their_frame():
    ingest, reports = make(("acc", "gyro"))
    messages = [imu(1.0 + i / RATE) for i in range(100)]
    completed = ingest.take(messages[:60], prompt=False) + ingest.take(messages[60:], prompt=True)
    assert [w.data.shape for w, _, _ in completed] == [(6, 50)] * 3  # at samples 50, 75 and 100
    assert all(frame == "watch" for _, frame, _ in completed)
    assert completed[0][0].data[5, 0] == pytest.approx(0.3) and reports == []
    assert ingest.window.stats.accepted == 100 and ingest.dropped == 0


def test_bad_messages_are_counted_reported_once_and_never_raised():
    ingest, reports = make(("acc",), frame_id="watch")
    good = [imu(1.0 + i / RATE) for i in range(10)]
    bad = [b"", b"\x00\x01\x00\x00", good[0][:-3], imu(2.0, frame=b"other"), imu(2.1, frame=b"other")]
    assert ingest.take(bad + good, prompt=True) == []
    c = ingest.counts
    assert (c.malformed, c.wrong_frame) == (3, 2) and ingest.window.stats.accepted == 10
    assert ingest.dropped == 5
    assert [level for level, _ in reports] == ["warning"]  # the first malformed one only
    assert "/watch/imu" in reports[0][1]


def test_a_six_axis_model_drops_samples_without_a_gyroscope_and_says_why_once():
    ingest, reports = make(("acc", "gyro"))
    ingest.take([imu(1.0 + i / RATE, gyro_absent=True) for i in range(5)], prompt=True)
    assert ingest.counts.no_gyro == 5 and ingest.window.stats.accepted == 0
    assert len(reports) == 1 and reports[0][0] == "error" and "the model reads acc_x" in reports[0][1]


def test_an_unstamped_sample_is_timed_on_receipt():
    ingest, _ = make(now=lambda: 123.5)
    ingest.take([imu(0.0)], prompt=True)
    assert ingest.counts.unstamped == 1 and ingest.arrival.last_stamp == 123.5


def test_teacher_labels_read_from_bytes():
    data = encode_classification(12, 500_000_000, "camera", [("waving", 0.9), ("clap", 0.1)], CDR_LE)
    assert read_teacher_label(data, is_string=False) == (12.5, "waving")
    assert read_teacher_label(encode_classification(1, 0, "", [], CDR_LE), is_string=False) is None
    with pytest.raises(ValueError):
        read_teacher_label(data[:9], is_string=False)

    def string(text: bytes) -> bytes:
        return bytes([0, CDR_LE, 0, 0]) + struct.pack("<I", len(text) + 1) + text + b"\0"

    assert read_teacher_label(string(b"waving"), is_string=True) == (None, "waving")
    assert read_teacher_label(string(b"unknown"), is_string=True) is None

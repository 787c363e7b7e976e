"""Publishes N random malformed or adversarial messages of one kind, then valid ones, from its own process.

python fuzz_messages.py imu N SEED       -> prints {"sent": N, ...} as JSON on its last line
python fuzz_messages.py image N SEED VALID.npy
python fuzz_messages.py labels N SEED   (skeleton clouds, teacher labels, activity, diagnostics)

Imu: NaN/Inf/huge values in any field, stamps negative, far future, going back, zero, with
nanoseconds over 1e9; frame ids empty, long, unicode, wrong; and one in ten published as raw
bytes: a valid message in another plain-CDR layout (big endian, XCDR2), truncated, or under an
encapsulation that is not plain CDR (the last two are counted as "malformed"). Image: unknown
or empty encodings, zero or absurd sizes, a step shorter than a row, payloads too short, odd but
decodable shapes (1x1, 2x500), and one in ten as truncated or foreign raw bytes. Labels: every
other topic a node subscribes to (teacher_node's skeleton clouds, imu_har's teacher labels,
activity_echo's), each message a valid one with bytes flipped (what crashed a typed String
subscriber), truncated or foreign: the last two counted as "malformed" per topic. Reliable QoS,
paced, so every message reaches the node and its counters can be checked against what was
sent. After the fuzz (imu, image): valid messages, whose output proves the node still works.
"""

import json
import math
import random
import sys
import time

import numpy as np
import rclpy
from cdr_bytes import CDR2_BE, CDR2_LE, CDR_BE, encode_msg
from image_publisher import build_message  # the sibling script (on sys.path when run)
from rclpy.qos import QoSProfile, ReliabilityPolicy
from rclpy.serialization import serialize_message
from sensor_msgs.msg import Image, Imu, PointCloud2

from har_kd_ros.ros.convert import fill_imu, seconds_to_stamp

NASTY = [math.nan, math.inf, -math.inf, 1e39, -1e300, 1.7e308, 5e-324, 0.0, -0.0]


def random_imu(rng: random.Random, now: float) -> Imu:
    msg = fill_imu(
        Imu(),
        now + rng.uniform(-5, 5),
        "imu_link",
        [rng.gauss(0, 5) for _ in range(3)],
        [rng.gauss(0, 1) for _ in range(3)],
    )
    for _ in range(rng.randint(1, 3)):
        what = rng.randrange(6)
        if what == 0:  # any acceleration component
            setattr(msg.linear_acceleration, rng.choice("xyz"), rng.choice(NASTY))
        elif what == 1:  # stamps: negative, far future, zero, nanoseconds out of range
            msg.header.stamp.sec = rng.choice([-(2**31), -1, 0, 2**31 - 1, int(now) - 86400])
            msg.header.stamp.nanosec = rng.choice([0, 999_999_999, 2**32 - 1])
        elif what == 2:  # frames
            msg.header.frame_id = rng.choice(["", "x" * 10_000, "imu_link\x00", "ïmü_link", "/imu_link"])
        elif what == 3:  # the other fields nobody should read
            setattr(msg.angular_velocity, rng.choice("xyz"), rng.choice(NASTY))
            msg.orientation.w = rng.choice(NASTY)
        elif what == 4:  # covariances
            msg.linear_acceleration_covariance[rng.randrange(9)] = rng.choice(NASTY)
        else:  # a valid value at a repeated stamp
            msg.header.stamp = seconds_to_stamp(now)
    return msg


def raw_imu(rng: random.Random, msg: Imu) -> tuple[bytes, bool]:
    """``msg`` as bytes a DDS publisher could send, and whether they are malformed."""
    if rng.randrange(3) == 0:  # the same message in another valid layout
        return encode_msg(msg, rng.choice([CDR_BE, CDR2_BE, CDR2_LE])), False
    return broken_bytes(rng, serialize_message(msg)), True


def broken_bytes(rng: random.Random, data: bytes) -> bytes:
    """A serialized message cut short, or junk under an encapsulation that is not plain CDR."""
    if rng.random() < 0.5:
        # cut by at least 4 bytes: Fast DDS pads a payload to a multiple of 4 (so a message 1-3
        # bytes short arrives whole), and drops one without its 4-byte encapsulation header
        return data[: rng.randrange(4, len(data) - 3)]
    return bytes([0, rng.choice([0x02, 0x03, 0x08, 0x09, 0x0A, 0x0B, 0x55])]) + rng.randbytes(rng.randrange(400))


def flipped_bytes(rng: random.Random, data: bytes) -> bytes:
    """A valid message with 1-4 bytes changed anywhere: lengths, counts, the encapsulation."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def label_messages(rng: random.Random) -> dict[str, tuple[type, bytes]]:
    """One valid serialized message per topic the label fuzz attacks."""
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.time import Time
    from std_msgs.msg import String

    from har_kd_ros.ros import convert

    now = time.time()
    points = np.array([[rng.gauss(0, 1) for _ in range(3)] for _ in range(33)])
    cloud = convert.skeleton_cloud(points, np.ones(33), now, "camera")
    messages = {
        "skeleton": (PointCloud2, cloud),
        "teacher/activity": (String, String(data="walking")),
        "activity": (String, String(data="sit")),
    }
    if convert.vision_msgs_available():
        for topic in ("teacher/activity/classification", "activity/classification"):
            msg = convert.classification_msg(np.array([0.7, 0.2, 0.1]), ["walking", "sit", "a"], now, "imu_link")
            messages[topic] = (convert.Classification, msg)
    serialized = {topic: (msg_type, serialize_message(msg)) for topic, (msg_type, msg) in messages.items()}
    status = convert.diagnostic_status("imu_har: teacher agreement", "m", b"\x00", "ok", {"agreement": 0.5})
    serialized["/diagnostics"] = (DiagnosticArray, convert.diagnostic_array(Time(seconds=now), [status]))
    return serialized


def random_image(rng: random.Random) -> Image:
    msg = Image()
    msg.header.frame_id = "camera_optical"
    msg.header.stamp = seconds_to_stamp(time.time())
    kind = rng.randrange(6)
    h, w = rng.choice([(1, 1), (2, 500), (500, 2), (32, 32), (0, 10), (10, 0)])
    msg.height, msg.width = h, w
    msg.encoding = rng.choice(["rgb8", "bgr8", "mono8", "rgba8"])
    channels = {"rgb8": 3, "bgr8": 3, "mono8": 1, "rgba8": 4}[msg.encoding]
    msg.step = w * channels
    payload = rng.randbytes(min(h * w * channels, 4096))
    msg.data = payload
    if kind == 0:
        msg.encoding = rng.choice(["", "yuv422", "16UC1", "bayer_rggb8", "rgb8\x00", "32FC1"])
    elif kind == 1:  # claims a huge image with a tiny payload
        msg.height, msg.width, msg.step = 2**31 - 1, 2**31 - 1, 2**32 - 1
    elif kind == 2:  # a step shorter than a row
        msg.step = max(0, w * channels - 1)
    elif kind == 3:  # payload too short
        msg.data = payload[: len(payload) // 2]
    elif kind == 4:
        msg.is_bigendian = 1
    # kind 5: odd but decodable shapes (or zero sizes) as drawn
    return msg


def wait_for(pub, n: int) -> None:
    end = time.time() + 20
    while pub.get_subscription_count() < n and time.time() < end:
        time.sleep(0.05)
    time.sleep(0.5)


def main() -> None:
    kind, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    rclpy.init()
    node = rclpy.create_node("fuzz_messages")
    qos = QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE)
    report = {"sent": 0, "valid_after": 0, "malformed": 0}
    if kind == "imu":
        pub = node.create_publisher(Imu, "imu", qos)
        wait_for(pub, 1)  # imu_har (typed subscribers, e.g. a probe, would not survive the raw bytes)
        now = time.time()
        for _ in range(n):
            msg = random_imu(rng, now)
            if rng.random() < 0.1:
                msg, malformed = raw_imu(rng, msg)
                report["malformed"] += malformed
            pub.publish(msg)
            report["sent"] += 1
            time.sleep(0.0005)  # paced: the subscriber's queue must never overwrite a message
        # then 8 s of a valid 50 Hz stream, 10 s after the fuzz's stamps, published at 5x
        start = now + 20.0
        report["valid_start"] = start
        for i in range(400):
            a = 2.0 * math.sin(2 * math.pi * 1.5 * i / 50)
            pub.publish(fill_imu(Imu(), start + i / 50, "imu_link", [a, 0.2 * a, 9.81], [0.3 * a, 0.0, 0.0]))
            report["valid_after"] += 1
            time.sleep(0.004)
    elif kind == "labels":
        valid = label_messages(rng)
        pubs = {topic: node.create_publisher(msg_type, topic, qos) for topic, (msg_type, _) in valid.items()}
        wait_for(pubs["skeleton"], 1)
        wait_for(pubs["teacher/activity"], 1)
        report["topics"] = {topic: {"sent": 0, "malformed": 0} for topic in valid}
        topics = sorted(valid)
        for _ in range(n):
            topic = rng.choice(topics)
            data, counts = valid[topic][1], report["topics"][topic]
            if rng.random() < 0.5:
                data = flipped_bytes(rng, data)
            else:
                data = broken_bytes(rng, data)
                counts["malformed"] += 1
            pubs[topic].publish(data)
            counts["sent"] += 1
            report["sent"] += 1
            time.sleep(0.0005)
    else:
        pub = node.create_publisher(Image, "image", qos)
        wait_for(pub, 1)
        for _ in range(n):
            msg = random_image(rng)
            pub.publish(broken_bytes(rng, serialize_message(msg)) if rng.random() < 0.1 else msg)
            report["sent"] += 1
            time.sleep(0.0005)
        valid = build_message(np.load(sys.argv[4]), "rgb8")
        for _ in range(3):  # a real person, after the worker has drained the fuzz
            time.sleep(1.0)
            valid.header.stamp = seconds_to_stamp(time.time())
            pub.publish(valid)
            report["valid_after"] += 1
    time.sleep(1.5)
    print(json.dumps(report), flush=True)
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

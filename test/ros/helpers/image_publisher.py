"""Publish an image (from a .npy RGB array) as sensor_msgs/Image, N times:
python image_publisher.py IMG.npy ENCODING N RATE [reliable] [await-reliable]

ENCODING: rgb8, bgr8, mono8, 'garbage' (a payload shorter than the header promises), or jpeg/png:
a sensor_msgs/CompressedImage on 'image/compressed', as image_transport's compressed plugin sends.
Waits for a subscriber first, so best-effort delivery starts when the node listens; with
``await-reliable`` (a reliable camera) until a subscriber has switched to reliable too, so what is
measured is steady delivery, not the moment of the switch.
"""

import sys
import time

import numpy as np
import rclpy
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import CompressedImage, Image

from har_kd_ros.ros.convert import seconds_to_stamp


def build_message(rgb: np.ndarray, encoding: str) -> Image | CompressedImage:
    if encoding in ("jpeg", "png"):
        import cv2

        ok, payload = cv2.imencode("." + encoding.replace("jpeg", "jpg"), np.ascontiguousarray(rgb[:, :, ::-1]))
        assert ok, encoding
        msg = CompressedImage(format=encoding, data=payload.tobytes())
    else:
        pixels = {"bgr8": rgb[:, :, ::-1], "mono8": rgb.mean(axis=2).astype(np.uint8)[:, :, None]}.get(encoding, rgb)
        data = np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()
        msg = Image(height=rgb.shape[0], width=rgb.shape[1], is_bigendian=0, step=rgb.shape[1] * pixels.shape[2])
        msg.encoding = "rgb8" if encoding == "garbage" else encoding
        msg.data = data[: len(data) // 2] if encoding == "garbage" else data
    msg.header.frame_id = "camera_optical"
    return msg


def main() -> None:
    path, encoding, count, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    msg = build_message(np.load(path), encoding)
    rclpy.init()
    node = rclpy.create_node("image_publisher")
    qos = (
        QoSProfile(depth=10, reliability=ReliabilityPolicy.RELIABLE)  # a driver's create_publisher(Image, topic, 10)
        if "reliable" in sys.argv[5:]
        else qos_profile_sensor_data
    )
    topic = "image/compressed" if isinstance(msg, CompressedImage) else "image"
    pub = node.create_publisher(type(msg), topic, qos)
    end = time.time() + 20
    while pub.get_subscription_count() == 0 and time.time() < end:
        time.sleep(0.05)
    while (
        "await-reliable" in sys.argv[5:]
        and time.time() < end
        and not any(
            info.qos_profile.reliability == ReliabilityPolicy.RELIABLE
            for info in node.get_subscriptions_info_by_topic(topic)
        )
    ):
        time.sleep(0.05)
    time.sleep(0.5)
    start = time.perf_counter()
    for k in range(count):
        delay = start + k / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        msg.header.stamp = seconds_to_stamp(time.time())  # publish time: latency = receive - stamp
        pub.publish(msg)
    time.sleep(0.5)
    print("published", count, flush=True)
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

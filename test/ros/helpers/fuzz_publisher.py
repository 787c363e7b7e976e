"""Publishes malformed and adversarial Imu messages, then a valid stream, from its own process.

python fuzz_publisher.py RECORDING.npz FRAME_ID SUBSCRIBERS  (prints what it sent as JSON on its last line)
"""

import json
import math
import sys
import time

import rclpy
from rclpy.qos import QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import Imu

from har_kd_ros.recordings.recording import load_npz
from har_kd_ros.ros.convert import fill_imu


def main() -> None:
    recording, frame = load_npz(sys.argv[1]), sys.argv[2]
    rclpy.init()
    node = rclpy.create_node("fuzz")
    pub = node.create_publisher(Imu, "imu", QoSProfile(depth=1000, reliability=ReliabilityPolicy.RELIABLE))
    deadline = time.time() + 10
    while pub.get_subscription_count() < int(sys.argv[3]) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    sent = {"non_finite": 0, "wrong_frame": 0, "out_of_order": 0, "unstamped": 0, "burst": 0}
    now = time.time()

    def send(t, acc, frame_id=frame, pace=0.0, gyro=(0.0, 0.0, 0.0)):
        pub.publish(fill_imu(Imu(), t, frame_id, acc, gyro))
        if pace:  # counted messages are paced so the subscriber's queue never overwrites one
            time.sleep(pace)

    for i in range(200):  # NaN and Inf samples
        send(now + i * 0.02, [math.nan if i % 2 else math.inf, 0.0, 9.8], pace=0.001)
        sent["non_finite"] += 1
    for i in range(100):  # another frame
        send(now + i * 0.02, [0.0, 0.0, 9.8], frame_id="some_other_frame", pace=0.001)
        sent["wrong_frame"] += 1
    send(now + 5.0, [0.0, 0.0, 9.8], pace=0.001)
    for i in range(50):  # time going slightly backwards
        send(now + 5.0 - 0.001 * (i + 1), [0.0, 0.0, 9.8], pace=0.001)
        sent["out_of_order"] += 1
    for _ in range(20):  # an unstamped driver (zero stamp): accepted at receive time
        msg = fill_imu(Imu(), 0.0, frame, [0.0, 0.0, 9.8], [0.0, 0.0, 0.0])
        msg.header.stamp.sec, msg.header.stamp.nanosec = 0, 0
        pub.publish(msg)
        sent["unstamped"] += 1
        time.sleep(0.001)
    # the counted messages are all taken before the burst: the deadline receiver lets DDS queue
    # up to 0.1 s, and a burst many times the learned rate overwrites the oldest in the queue
    time.sleep(0.3)
    t0 = time.time() + 10.0
    for i in range(10_000):  # a burst as fast as rclpy can publish
        send(t0 + i * 1e-4, [0.0, 0.1 * math.sin(i), 9.8])
        sent["burst"] += 1
    # then a valid stream (4x real time; the node windows by stamp): it must still be classified
    start, base = time.time(), t0 + 5.0
    for t, acc, gyro in zip(recording.acc_t, recording.acc, recording.gyro, strict=True):
        while time.time() - start < (t - recording.acc_t[0]) / 4:
            time.sleep(0.001)
        send(base + t - recording.acc_t[0], acc, gyro=gyro)
    time.sleep(1.0)
    print(json.dumps(sent), flush=True)
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

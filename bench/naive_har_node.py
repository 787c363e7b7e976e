"""The IMU activity node a user would write without har_kd_ros: the baseline of bench_naive.py.

Everything happens in the subscription callback: keep the last 2.56 s of samples as they
arrive (no resampling; acc and gyro, as the bundled student reads), every 0.5 s turn them into a
pyts GramianAngularField image and run
the torch student eagerly, then publish a vision_msgs/Classification stamped with the sample
that completed the window. Weights are untrained (the cost does not depend on them). One
window is run before subscribing, so numba's first-call compilation inside pyts (seconds)
is not counted against it.

python bench/naive_har_node.py ARCH RATE_HZ [ACCOUNTING.json]   (ARCH: edge | resnet18)

On exit it writes the time its windows spent in GAF + model (wall, and process CPU, which
counts torch's worker threads) to ACCOUNTING.json.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections import deque
from pathlib import Path

import numpy as np
import rclpy
import torch
from pyts.image import GramianAngularField
from rclpy.qos import QoSProfile, ReliabilityPolicy, qos_profile_sensor_data
from sensor_msgs.msg import Imu
from vision_msgs.msg import Classification, ObjectHypothesis

from training.models.students import build_student

LABELS = [str(i) for i in range(13)]
CHANNELS = 6  # acc + gyro


def main() -> None:
    arch, rate = sys.argv[1], float(sys.argv[2])
    window, hop = round(2.56 * rate), round(0.5 * rate)
    model = build_student(arch, CHANNELS, len(LABELS)).eval()
    gaf = GramianAngularField(image_size=64, method="summation")
    rclpy.init()
    node = rclpy.create_node("naive_har")
    pub = node.create_publisher(Classification, "activity/classification", 10)
    buffer: deque[tuple[float, ...]] = deque(maxlen=window)
    count = {"n": 0}
    spent = {"windows": 0, "wall_s": 0.0, "cpu_s": 0.0}

    def on_imu(msg: Imu) -> None:
        a, w = msg.linear_acceleration, msg.angular_velocity
        buffer.append((a.x, a.y, a.z, w.x, w.y, w.z))
        count["n"] += 1
        if len(buffer) < window or count["n"] % hop:
            return
        wall, cpu = time.perf_counter(), time.process_time()
        image = gaf.fit_transform(np.array(buffer).T)  # (6, 64, 64): channels as pyts samples
        with torch.no_grad():
            logits = model(torch.from_numpy(image[None]).float())[0][0]
        p = torch.softmax(logits, 0).numpy()
        spent["windows"] += 1
        spent["wall_s"] += time.perf_counter() - wall
        spent["cpu_s"] += time.process_time() - cpu
        out = Classification()
        out.header = msg.header
        for k in np.argsort(-p):
            out.results.append(ObjectHypothesis(class_id=LABELS[k], score=float(p[k])))
        pub.publish(out)

    with torch.no_grad():  # warm up: pyts compiles with numba on first use (seconds), torch allocates
        model(
            torch.from_numpy(gaf.fit_transform(np.random.default_rng(0).normal(size=(CHANNELS, window)))[None]).float()
        )
    qos = QoSProfile(depth=50, reliability=ReliabilityPolicy.BEST_EFFORT, durability=qos_profile_sensor_data.durability)
    node.create_subscription(Imu, "imu", on_imu, qos)
    print("model ready", flush=True)
    with contextlib.suppress(KeyboardInterrupt, rclpy.executors.ExternalShutdownException):
        rclpy.spin(node)
    rclpy.try_shutdown()
    if len(sys.argv) > 3:
        Path(sys.argv[3]).write_text(json.dumps(spent))


if __name__ == "__main__":
    main()

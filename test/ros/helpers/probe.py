"""A subscriber in its own process: records what the HAR node publishes, writes JSON on SIGINT/timeout.

python probe.py OUT.json SECONDS [--no-imu] [--events] [--teacher]
"""

import json
import signal
import sys
import time

import rclpy
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.executors import SingleThreadedExecutor
from rclpy.qos import DurabilityPolicy, QoSProfile, qos_profile_sensor_data
from sensor_msgs.msg import Imu
from std_msgs.msg import String

from har_kd_ros.ros.convert import stamp_seconds

try:
    from vision_msgs.msg import Classification, LabelInfo
except ImportError:
    Classification = LabelInfo = None


def main() -> None:
    out_path, seconds = sys.argv[1], float(sys.argv[2])
    rclpy.init()
    node = rclpy.create_node("probe")
    record = {
        "activity": [],
        "classification": [],
        "imu_first_stamp": None,
        "imu_count": 0,
        "diagnostics": [],
        "label_info": None,
        "thresholds": [],
        "status": {},  # every /diagnostics status by name (several nodes publish there)
        "teacher_activity": [],
        "teacher_classification": [],
    }

    def on_imu(msg):
        record["imu_count"] += 1
        if record["imu_first_stamp"] is None:
            record["imu_first_stamp"] = stamp_seconds(msg.header.stamp)

    def on_classification(msg):
        stamp = stamp_seconds(msg.header.stamp)
        record["classification"].append(
            {
                "recv": time.time(),
                "stamp": stamp,
                "frame_id": msg.header.frame_id,
                "results": [(r.class_id, r.score) for r in msg.results],
            }
        )

    node.create_subscription(String, "activity", lambda m: record["activity"].append([time.time(), m.data]), 50)
    if "--no-imu" not in sys.argv:  # a latency benchmark keeps the probe's own load minimal
        node.create_subscription(Imu, "imu", on_imu, qos_profile_sensor_data)

    def on_diagnostics(msg):
        for status in msg.status:
            values = {kv.key: kv.value for kv in status.values}
            level = status.level[0] if isinstance(status.level, bytes) else int(status.level)
            entry = {"level": level, "message": status.message, **values}
            record["status"].setdefault(status.name, []).append(entry)
            if status.name.endswith("activity classifier"):
                record["diagnostics"].append(values)

    node.create_subscription(DiagnosticArray, "/diagnostics", on_diagnostics, 10)
    node.create_subscription(
        String, "teacher/activity", lambda m: record["teacher_activity"].append([time.time(), m.data]), 50
    )
    if Classification is not None:
        node.create_subscription(Classification, "activity/classification", on_classification, 50)

        def on_teacher(msg):
            record["teacher_classification"].append(
                {"stamp": stamp_seconds(msg.header.stamp), "results": [(r.class_id, r.score) for r in msg.results]}
            )

        node.create_subscription(Classification, "teacher/activity/classification", on_teacher, 50)
        latched = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)

        def on_label_info(msg):
            record["label_info"] = [c.class_name for c in msg.class_map]
            record["thresholds"].append(msg.threshold)

        node.create_subscription(LabelInfo, "activity/label_info", on_label_info, latched)
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    if "--events" in sys.argv:  # the leanest receiver rclpy offers (used by the latency benchmark)
        from rclpy.experimental import EventsExecutor

        executor = EventsExecutor()
    else:
        executor = SingleThreadedExecutor()
    executor.add_node(node)
    # reliable delivery only starts once both ends have discovered each other: wait (a while) for
    # the HAR node's publishers, so the first window's label is not published into the void
    # (its topics are announced together: 'activity' stands for all of them), and with --teacher
    # for the teacher node's ('teacher/activity' for both of its label topics)
    awaited = ["activity", *(["teacher/activity"] if "--teacher" in sys.argv else [])]
    deadline = time.time() + 10
    while time.time() < deadline and any(node.count_publishers(topic) < 1 for topic in awaited):
        executor.spin_once(timeout_sec=0.05)
    settle = time.time() + 0.5
    while time.time() < settle:
        executor.spin_once(timeout_sec=0.05)
    print("probe ready", flush=True)
    end = time.time() + seconds
    while not stop["now"] and time.time() < end:
        executor.spin_once(timeout_sec=0.05)
    with open(out_path, "w") as f:
        json.dump(record, f)
    executor.shutdown()
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

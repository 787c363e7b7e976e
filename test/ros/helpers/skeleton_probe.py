"""Record the skeleton node's output: python skeleton_probe.py OUT.json SECONDS"""

import json
import signal
import sys
import time

import rclpy
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.qos import qos_profile_sensor_data
from sensor_msgs.msg import PointCloud2
from visualization_msgs.msg import MarkerArray

from har_kd_ros.messages.pointcloud import decode_skeleton
from har_kd_ros.ros.convert import stamp_seconds


def main() -> None:
    out_path, seconds = sys.argv[1], float(sys.argv[2])
    rclpy.init()
    node = rclpy.create_node("skeleton_probe")
    record = {"skeletons": [], "markers": [], "diagnostics": []}

    def on_skeleton(msg):
        # typed, and decoded without har_kd_ros.messages.cdr: an independent reading of what the node sent
        fields = [(f.name, f.offset, f.datatype, f.count) for f in msg.fields]
        n = msg.width * msg.height
        xyz, visibility = decode_skeleton(fields, bytes(msg.data), msg.point_step, n, msg.is_bigendian)
        t = stamp_seconds(msg.header.stamp)
        record["skeletons"].append(
            {"recv": time.time(), "stamp": t, "frame_id": msg.header.frame_id, "fields": [f.name for f in msg.fields],
             "xyz": xyz.tolist(), "visibility": visibility.tolist()}
        )  # fmt: skip

    node.create_subscription(PointCloud2, "skeleton", on_skeleton, qos_profile_sensor_data)
    node.create_subscription(
        MarkerArray, "skeleton/markers", lambda m: record["markers"].append([len(x.points) for x in m.markers]), 10
    )
    node.create_subscription(
        DiagnosticArray,
        "/diagnostics",
        lambda m: record["diagnostics"].extend({kv.key: kv.value for kv in s.values} for s in m.status),
        10,
    )
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    # best effort drops what arrives before both ends have matched: wait for the node's publisher
    deadline = time.time() + 20
    while node.count_publishers("skeleton") < 1 and time.time() < deadline:
        rclpy.spin_once(node, timeout_sec=0.05)
    end_warmup = time.time() + 0.5
    while time.time() < end_warmup:
        rclpy.spin_once(node, timeout_sec=0.05)
    print("probe ready", flush=True)
    end = time.time() + seconds
    while not stop["now"] and time.time() < end:
        rclpy.spin_once(node, timeout_sec=0.05)
    with open(out_path, "w") as f:
        json.dump(record, f)
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

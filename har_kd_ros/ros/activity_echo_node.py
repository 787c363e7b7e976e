"""activity_echo: print what imu_har (and the camera teacher, if running) publishes, with the
student-teacher agreement from /diagnostics (ros2 topic echo for machines without ros2cli).

Like the other nodes it reads its messages from their bytes (har_kd_ros.messages.cdr): rclpy's
deserializer crashes on hostile bytes, and a message this tool cannot read is skipped."""

from __future__ import annotations

import sys
from collections.abc import Callable

import rclpy
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node
from std_msgs.msg import String

from har_kd_ros.messages.cdr import read_classification, read_diagnostic_array, read_string
from har_kd_ros.ros import convert
from har_kd_ros.ros.process import run_node


class ActivityEcho(Node):
    def __init__(self) -> None:
        super().__init__("activity_echo")
        self.skipped = 0
        if convert.vision_msgs_available():
            self._subscribe(convert.Classification, "activity/classification", self._on_classification)
        self._subscribe(String, "activity", self._on_activity)
        self._subscribe(String, "teacher/activity", self._on_teacher)
        self._subscribe(DiagnosticArray, "/diagnostics", self._on_diagnostics)
        self._last_top = ""
        self._teacher = ""
        self._agreement = ""

    def _subscribe(self, msg_type: type, topic: str, on_bytes: Callable[[bytes], None]) -> None:
        def callback(data: bytes) -> None:
            try:
                on_bytes(data)
            except ValueError as exc:  # a running node never dies on a bad message
                self.skipped += 1
                self.get_logger().warning(f"skipping unreadable message on {topic} ({exc})", once=True)

        self.create_subscription(msg_type, topic, callback, 10, raw=True)

    def _on_classification(self, data: bytes) -> None:
        top = ", ".join(f"{class_id} {score:.2f}" for class_id, score in read_classification(data).results[:3])
        self._last_top = f"  [{top}]"

    def _on_teacher(self, data: bytes) -> None:
        self._teacher = f"  teacher: {read_string(data)}"

    def _on_diagnostics(self, data: bytes) -> None:
        for status in read_diagnostic_array(data):
            if status.name.endswith("teacher agreement"):
                try:
                    agreement, pairs = float(status.values["agreement"]), int(status.values["pairs_in_window"])
                except (KeyError, ValueError):
                    continue
                self._agreement = f"  (agree {agreement:.0%} of last {pairs})" if pairs else ""

    def _on_activity(self, data: bytes) -> None:
        print(f"activity: {read_string(data):<10}{self._last_top}{self._teacher}{self._agreement}", flush=True)


def main(args: list[str] | None = None) -> int:
    return run_node("activity_echo", ActivityEcho, rclpy.spin, (), args)


if __name__ == "__main__":
    sys.exit(main())

"""activity_echo: print what imu_har (and the camera teacher, if running) publishes, with the
student-teacher agreement from /diagnostics (ros2 topic echo for machines without ros2cli)."""

from __future__ import annotations

import sys

import rclpy
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node
from std_msgs.msg import String

from har_kd_ros.ros import convert
from har_kd_ros.ros.process import run_node


class ActivityEcho(Node):
    def __init__(self) -> None:
        super().__init__("activity_echo")
        if convert.vision_msgs_available():
            self.create_subscription(convert.Classification, "activity/classification", self._on_classification, 10)
        self.create_subscription(String, "activity", self._on_activity, 10)
        self.create_subscription(String, "teacher/activity", self._on_teacher, 10)
        self.create_subscription(DiagnosticArray, "/diagnostics", self._on_diagnostics, 10)
        self._last_top = ""
        self._teacher = ""
        self._agreement = ""

    def _on_classification(self, msg) -> None:
        top = ", ".join(f"{r.class_id} {r.score:.2f}" for r in msg.results[:3])
        self._last_top = f"  [{top}]"

    def _on_teacher(self, msg: String) -> None:
        self._teacher = f"  teacher: {msg.data}"

    def _on_diagnostics(self, msg: DiagnosticArray) -> None:
        for status in msg.status:
            if status.name.endswith("teacher agreement"):
                values = {kv.key: kv.value for kv in status.values}
                try:
                    agreement, pairs = float(values["agreement"]), int(values["pairs_in_window"])
                except (KeyError, ValueError):
                    continue
                self._agreement = f"  (agree {agreement:.0%} of last {pairs})" if pairs else ""

    def _on_activity(self, msg: String) -> None:
        print(f"activity: {msg.data:<10}{self._last_top}{self._teacher}{self._agreement}", flush=True)


def main(args: list[str] | None = None) -> int:
    return run_node("activity_echo", ActivityEcho, rclpy.spin, (), args)


if __name__ == "__main__":
    sys.exit(main())

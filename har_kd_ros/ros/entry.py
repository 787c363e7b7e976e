"""Console-script entry points. The stop handlers come first: importing a node's module (rclpy,
ONNX Runtime, MediaPipe) takes up to seconds, and a Ctrl-C in that time must be a clean stop too."""

from __future__ import annotations

import importlib

from har_kd_ros.ros import stops


def _main(module: str) -> int:
    stops.install()
    return importlib.import_module(f"har_kd_ros.ros.{module}").main()


def imu_har() -> int:
    return _main("imu_har_node")


def imu_replay() -> int:
    return _main("imu_replay_node")


def teacher() -> int:
    return _main("teacher_node")


def skeleton() -> int:
    return _main("skeleton_node")


def activity_echo() -> int:
    return _main("activity_echo_node")

"""The part of every node's main() that is not about the node: init, build, spin, clean exit."""

from __future__ import annotations

import sys
from collections.abc import Callable

import rclpy
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node

from har_kd_ros.errors import first_line


def run_node(
    name: str,
    build: Callable[[], Node],
    spin: Callable[[Node], None],
    expected_errors: tuple[type[Exception], ...] = (),
    args: list[str] | None = None,
) -> int:
    """Build a node and spin it; an expected start-up error is one line on stderr and exit code 1.

    A parameter of the wrong type or out of its descriptor's range is always such an error.
    """
    try:
        rclpy.init(args=args)
    except Exception as exc:  # rcl's RCLError: unparsable --ros-args (e.g. '-p name:=' without a value)
        print(f"{name}: bad command-line arguments: {first_line(exc)}", file=sys.stderr)
        return 2
    try:
        node = build()
    except (ParameterException, *expected_errors) as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        rclpy.try_shutdown()
        return 1
    try:
        spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        if hasattr(node, "stop"):
            node.stop()
        node.destroy_node()
        rclpy.try_shutdown()
    return 0

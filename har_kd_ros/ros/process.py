"""The part of every node's main() that is not about the node: init, build, spin, clean exit."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path

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


def name_os_thread(name: str) -> None:
    """Show the calling thread as ``name`` (at most 15 characters) where the OS shows threads:
    ``top -H``, ``ps -L``, /proc/<pid>/task/*/comm. Python's thread names stay inside Python, and
    every thread of a node would otherwise be listed under the node's name, so whose CPU it is
    could not be told. Linux only; elsewhere nothing changes."""
    with contextlib.suppress(OSError):
        Path(f"/proc/self/task/{threading.get_native_id()}/comm").write_text(name[:15])

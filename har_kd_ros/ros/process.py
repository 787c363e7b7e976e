"""The part of every node's main() that is not about the node: init, build, spin, clean exit."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import rclpy
from rclpy.exceptions import ParameterException
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node

from har_kd_ros.errors import first_line
from har_kd_ros.ros import stops


def run_node(
    name: str,
    build: Callable[[], Node],
    spin: Callable[[Node], None],
    expected_errors: tuple[type[Exception], ...] = (),
    args: list[str] | None = None,
) -> int:
    """Build a node and spin it; an expected start-up error is one line on stderr and exit code 1.

    A parameter of the wrong type or out of its descriptor's range is always such an error. A stop
    (SIGINT or SIGTERM, once or repeatedly, at any moment) is exit code 0 without a traceback
    (har_kd_ros.ros.stops): rclpy's handlers shut the context down from their own thread, so what
    the node was doing then (building, publishing from a timer) may fail on the invalid context;
    such a failure is part of the stop, not an error.
    """
    stops.install()
    node = None
    try:
        try:
            rclpy.init(args=args)
        except Exception as exc:  # rcl's RCLError: unparsable --ros-args (e.g. '-p name:=' without a value)
            print(f"{name}: bad command-line arguments: {first_line(exc)}", file=sys.stderr)
            return 2
        if stops.requested():  # a signal before rclpy's handlers were in place
            return 0
        try:
            node = build()
        except (ParameterException, *expected_errors) as exc:
            if _stopping():
                return 0
            print(f"{name}: {exc}", file=sys.stderr)
            return 1
        if not _stopping():
            spin(node)
    except ExternalShutdownException:
        pass
    except Exception:
        if not _stopping():  # a real failure keeps its traceback
            raise
    finally:
        if _stopping():
            sys.unraisablehook = _quiet_rclpy_leftovers
        _clean_up(node)
    return 0


def _quiet_rclpy_leftovers(unraisable: sys.UnraisableHookArgs) -> None:
    """An rclpy object whose constructor failed on the context a stop shut down (an executor) has
    a __del__ that trips over its missing fields later: part of the stop, not worth a traceback."""
    if type(unraisable.object).__module__.startswith("rclpy") or getattr(
        unraisable.object, "__module__", ""
    ).startswith("rclpy"):
        return
    sys.__unraisablehook__(unraisable)


def _stopping() -> bool:
    """Whether the node is being stopped: a stop signal came, or the context is already down."""
    if stops.requested():
        return True
    try:
        return not rclpy.ok()
    except Exception:
        return True


def _clean_up(node: Node | None) -> None:
    """Threads end and handles go; on a context a signal shut down, rcl may refuse some of it."""
    try:
        if node is not None:
            node.destroy_node()  # a managed node deactivates first (har_kd_ros.ros.managed)
    except Exception:
        if not _stopping():
            raise
    finally:
        rclpy.try_shutdown()  # gives the signals back to har_kd_ros.ros.stops
        stops.ignore()


SPIN_SLICE_S = 1.0  # the EventsExecutor's spin_once timeout: how late a stop may be seen, at worst


def spin_executor(node: Node, kind: str) -> None:
    """Spin ``node`` on an ``events`` or ``single_threaded`` executor. An rclpy without
    ``rclpy.experimental.EventsExecutor`` (Humble) spins single-threaded and says so once.

    EventsExecutor.spin() blocks in C++ and never returns on a signal (rclpy 9.1), but spin_once
    returns when the context goes down. Every return to Python costs about 0.2 ms of CPU, so the
    slices are long: short ones would be most of an idle node's CPU."""
    if kind == "events":
        try:
            from rclpy.experimental import EventsExecutor
        except ImportError as exc:
            node.get_logger().info(f"executor 'events' is not in this rclpy ({exc}): spinning single_threaded")
        else:
            executor = EventsExecutor()
            executor.add_node(node)
            try:
                while rclpy.ok():
                    executor.spin_once(timeout_sec=SPIN_SLICE_S)
            finally:
                executor.shutdown()
            return
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        executor.spin()
    finally:
        executor.shutdown()


def name_os_thread(name: str) -> None:
    """Show the calling thread as ``name`` (at most 15 characters) where the OS shows threads:
    ``top -H``, ``ps -L``, /proc/<pid>/task/*/comm. Python's thread names stay inside Python, and
    every thread of a node would otherwise be listed under the node's name, so whose CPU it is
    could not be told. Linux only; elsewhere nothing changes."""
    with contextlib.suppress(OSError):
        Path(f"/proc/self/task/{threading.get_native_id()}/comm").write_text(name[:15])

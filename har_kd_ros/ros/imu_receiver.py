"""Takes serialized IMU messages from DDS on its own thread, in batches, waking per message only
when a window is about to complete (har_kd_ros.imu.receive_plan says when).

An executor wakes a Python thread for every message. Here the subscriptions are not the
executor's: this thread sleeps while DDS queues the samples, then takes all of them, and waits
on a wait set (message by message) only near a window's completion, or for a silent stream's
next message; with every stream silent it sleeps until one speaks. The subscriptions belong
to the node (names, namespace and remapping resolve as for any of its subscriptions, and they
show in the graph under it), but are made with rclpy's implementation module, which rclpy's own
``wait_for_message`` uses too; where that is not available, :func:`start_receiver` says so and
the node falls back to executor subscriptions.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence

from rclpy.guard_condition import GuardCondition
from rclpy.node import Node
from rclpy.qos import QoSProfile
from sensor_msgs.msg import Imu

from har_kd_ros.ros.process import name_os_thread


class ImuReceiver:
    def __init__(
        self,
        node: Node,
        topics: Sequence[str],
        qos: QoSProfile,
        on_messages: Callable[[int, list[bytes], bool], None],
        plan: Callable[[float], tuple[float, list[int]]],
    ) -> None:
        """``on_messages(stream index, what was queued, oldest first, prompt)`` must not raise
        (``prompt``: taken as they arrived, not after waiting in the queue); ``plan(monotonic
        now)`` gives how long DDS may queue before the next take (inf: until a message), and the
        streams whose next message ends the wait (receive_plan.plan_wakeup)."""
        from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
        from rclpy.type_support import check_is_valid_msg_type

        check_is_valid_msg_type(Imu)  # loads the type support
        self._rclpy, self._node = _rclpy, node
        self._on_messages, self._plan = on_messages, plan
        self._handles = []
        with node.handle:
            for topic in topics:
                self._handles.append(_rclpy.Subscription(node.handle, Imu, topic, qos.get_c_qos_profile(), None))
        self.wakeups = 0  # how often the thread woke (sleeps ended + waits), for /diagnostics
        self.take_errors = 0
        self._stop = threading.Event()
        self._wake = GuardCondition(None, None, node.context)  # ends an unbounded wait on stop()
        self._thread = threading.Thread(target=self._run, name="imu_receiver", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        name_os_thread("imu_receiver")
        wait_set = self._rclpy.WaitSet(len(self._handles), 1, 0, 0, 0, 0, self._node.context.handle)
        while not self._stop.is_set():
            timeout, urgent = self._plan(time.monotonic())
            if urgent:
                wait_set.clear_entities()
                wait_set.add_guard_condition(self._wake.handle)
                for index in urgent:
                    wait_set.add_subscription(self._handles[index])
                try:
                    wait_set.wait(-1 if math.isinf(timeout) else int(timeout * 1e9))
                except Exception:  # the context was shut down under the wait (SIGINT): stop() follows
                    if self._node.context.ok():
                        raise
                    return
            else:
                self._stop.wait(None if math.isinf(timeout) else timeout)  # DDS queues meanwhile
            self.wakeups += 1
            self._take_all(urgent)

    def _take_all(self, urgent: list[int]) -> None:
        """Every queued message. Those of the streams the wait set watched arrived during that
        wait or after it (a message already queued ends the wait at once), so they are prompt."""
        for index, handle in enumerate(self._handles):
            batch = []
            while not self._stop.is_set():
                try:
                    taken = handle.take_message(Imu, True)  # raw: the bytes, no deserialisation
                except Exception as exc:  # an RMW error on one take must not end the thread
                    self.take_errors += 1
                    self._node.get_logger().warning(f"IMU take failed: {type(exc).__name__}: {exc}", once=True)
                    break
                if taken is None:
                    break
                batch.append(taken[0])
            if batch:
                self._on_messages(index, batch, index in urgent)

    def stop(self) -> None:
        self._stop.set()
        self._wake.trigger()
        self._thread.join(timeout=2.0)
        for handle in self._handles:
            handle.destroy_when_not_in_use()
        self._handles = []
        self._wake.destroy()


def start_receiver(
    node: Node,
    topics: Sequence[str],
    qos: QoSProfile,
    on_messages: Callable[[int, list[bytes], bool], None],
    plan: Callable[[float], tuple[float, list[int]]],
) -> ImuReceiver | str:
    """The receiver, or why this rclpy cannot give one (then subscribe through the executor)."""
    try:
        return ImuReceiver(node, topics, qos, on_messages, plan)
    except (ImportError, AttributeError, TypeError) as exc:
        return f"{type(exc).__name__}: {exc}"

"""Managed (lifecycle) bring-up shared by imu_har, teacher and skeleton.

A node says what each step does: ``configure()`` loads and checks its model (raising the node's
expected errors), ``activate()`` creates its publishers, subscriptions, timers and threads,
``deactivate()`` stops the threads it started (every publisher, subscription and timer made
since activation began, by activate or later, is destroyed here), ``cleanup()`` lets the model go. With ``autostart`` (the default) the
node configures and activates itself at start, so console and launch use see an ordinary node
and a configure error is one line and exit code 1; with ``autostart:=false`` it waits for
``ros2 lifecycle set <node> configure`` (or a lifecycle manager) like any managed node.
"""

from __future__ import annotations

from collections.abc import Callable

import rclpy
from rcl_interfaces.msg import ParameterDescriptor
from rclpy.lifecycle import LifecycleNode, LifecycleState, TransitionCallbackReturn
from rclpy.publisher import Publisher
from rclpy.subscription import Subscription

SUCCESS, FAILURE = TransitionCallbackReturn.SUCCESS, TransitionCallbackReturn.FAILURE


class ManagedNode(LifecycleNode):
    expected_errors: tuple[type[Exception], ...] = (ValueError,)

    def __init__(self, name: str, **kwargs: object) -> None:
        super().__init__(name, **kwargs)
        description = "Configure and activate at start; false = wait for lifecycle transitions (ros2 lifecycle set)"
        self.autostart = self.declare_parameter(
            "autostart", True, ParameterDescriptor(description=description, read_only=True)
        ).value
        self.transition_error: Exception | None = None
        self.active = False
        self._before_activation: list[object] = []  # the entities there were: the rest goes on stop

    # -- what a node fills in ---------------------------------------------------------------------
    def configure(self) -> None:
        """Load and check the model; raise one of ``expected_errors`` for a bad one."""

    def activate(self) -> None:
        """Create publishers, subscriptions, timers and threads."""

    def deactivate(self) -> None:
        """Stop the threads ``activate`` started (the ROS entities go by themselves)."""

    def cleanup(self) -> None:
        """Let the model go."""

    # -- the lifecycle ----------------------------------------------------------------------------
    def on_configure(self, state: LifecycleState) -> TransitionCallbackReturn:
        """FAILURE on an expected error (back to unconfigured, a new configure may follow);
        anything else is a bug: ERROR, as rclpy would make it, but said."""
        self.transition_error = None
        try:
            self.configure()
        except self.expected_errors as exc:
            return self._failed("configure", exc, FAILURE)
        except Exception as exc:
            return self._failed("configure", exc, TransitionCallbackReturn.ERROR)
        return SUCCESS

    def on_activate(self, state: LifecycleState) -> TransitionCallbackReturn:
        self.transition_error = None
        before = self._entities()
        try:
            self.activate()
        except Exception as exc:
            self._destroy_made_since(before)
            return self._failed("activate", exc, TransitionCallbackReturn.ERROR)
        self._before_activation = before
        self.active = True
        return super().on_activate(state)

    def _failed(self, step: str, exc: Exception, code: TransitionCallbackReturn) -> TransitionCallbackReturn:
        # rclpy drops a callback's exception without a word; with autostart main() raises it
        self.transition_error = exc
        if not self.autostart:
            self.get_logger().error(f"{step} failed: {type(exc).__name__}: {exc}")
        return code

    def on_deactivate(self, state: LifecycleState) -> TransitionCallbackReturn:
        self.stop()
        return super().on_deactivate(state)

    def on_cleanup(self, state: LifecycleState) -> TransitionCallbackReturn:
        self.cleanup()
        return SUCCESS

    def on_shutdown(self, state: LifecycleState) -> TransitionCallbackReturn:
        self.stop()
        self.cleanup()
        return SUCCESS

    def destroy_node(self) -> None:
        self.stop()
        self.cleanup()
        super().destroy_node()

    def stop(self) -> None:
        """Deactivate's work, also done by destroy_node (so on every exit): idempotent."""
        if not self.active:
            return
        self.active = False
        self.deactivate()
        self._destroy_made_since(self._before_activation)

    def _destroy_made_since(self, before: list[object]) -> None:
        for entity in [e for e in self._entities() if e not in before]:
            if isinstance(entity, Publisher):
                self.destroy_publisher(entity)
            elif isinstance(entity, Subscription):
                self.destroy_subscription(entity)
            else:
                self.destroy_timer(entity)

    def _entities(self) -> list[object]:
        return [*self.publishers, *self.subscriptions, *self.timers]


def autostarted(node_class: Callable[[], ManagedNode]) -> Callable[[], ManagedNode]:
    """A build() for run_node: the node, configured and active unless ``autostart:=false``; a
    configure error is raised as run_node expects it (one line on stderr, exit code 1)."""

    def build() -> ManagedNode:
        node = node_class()
        if not node.autostart:
            return node
        for trigger in (node.trigger_configure, node.trigger_activate):
            if not rclpy.ok():  # a stop signal came: nothing more to start, the node just ends
                return node
            trigger()
            if node.transition_error is not None:
                error = node.transition_error
                node.destroy_node()
                raise error
        if not node.active and rclpy.ok():
            raise RuntimeError(f"{node.get_name()}: did not become active ({node._state_machine.current_state[1]})")
        return node

    return build

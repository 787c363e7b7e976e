"""Parameter declaration with descriptors, shared by the nodes (ranges are enforced by rclpy)."""

from __future__ import annotations

from typing import Any

from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor
from rclpy.exceptions import ParameterUninitializedException
from rclpy.node import Node


def float_range(lo: float, hi: float) -> list[FloatingPointRange]:
    return [FloatingPointRange(from_value=lo, to_value=hi, step=0.0)]


def int_range(lo: int, hi: int) -> list[IntegerRange]:
    return [IntegerRange(from_value=lo, to_value=hi, step=1)]


def declare(node: Node, spec: list[tuple[str, Any, str, dict[str, Any]]]) -> dict[str, Any]:
    """Declare ``(name, default, description, descriptor extras)`` and return the values by name.

    Extras: ``range=(lo, hi)`` (float or int by the default's type), ``read_only=True``,
    ``choices=(...)`` (a string parameter outside them is a one-line ValueError at start-up).
    """
    values = {}
    for name, default, description, extras in spec:
        descriptor = ParameterDescriptor(description=description, read_only=extras.get("read_only", False))
        if "range" in extras:
            lo, hi = extras["range"]
            if isinstance(default, float):
                descriptor.floating_point_range = float_range(lo, hi)
            else:
                descriptor.integer_range = int_range(lo, hi)
        node.declare_parameter(name, default, descriptor)
        try:
            values[name] = node.get_parameter(name).value
        except ParameterUninitializedException:  # '-p name:=[]' or 'name: []': an empty list has no type
            raise ValueError(
                f"{name}: got an empty value (an empty list has no type); expected {type(default).__name__} "
                f"like the default {default!r}"
            ) from None
        if "choices" in extras and values[name] not in extras["choices"]:
            raise ValueError(f"{name}: expected one of {tuple(extras['choices'])}, got {values[name]!r}")
    return values

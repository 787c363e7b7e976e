"""Diagnostics formatting shared by the nodes (no DDS needed)."""

from collections import deque

from har_kd_ros.ros.convert import latency_values


def test_latency_summary_keys_values_and_digits():
    lat = deque([1.0, 2.0, 3.0, 10.0], maxlen=200)
    assert latency_values("latency_ms", lat) == {"latency_ms_p50": "2.50", "latency_ms_max": "10.00"}
    assert latency_values("x", lat, ("p99",), digits=1) == {"x_p99": "9.8"}


def test_before_any_latency_the_summary_is_zero():
    assert latency_values("latency_ms", deque(), digits=1) == {"latency_ms_p50": "0.0", "latency_ms_max": "0.0"}

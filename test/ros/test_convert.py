"""Diagnostics formatting shared by the nodes (no DDS needed)."""

from collections import deque

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from har_kd_ros.ros.convert import latency_values, percentile


def test_latency_summary_keys_values_and_digits():
    lat = deque([1.0, 2.0, 3.0, 10.0], maxlen=200)
    assert latency_values("latency_ms", lat) == {"latency_ms_p50": "2.50", "latency_ms_max": "10.00"}
    assert latency_values("x", lat, ("p99",), digits=1) == {"x_p99": "9.8"}


def test_before_any_latency_the_summary_is_zero():
    assert latency_values("latency_ms", deque(), digits=1) == {"latency_ms_p50": "0.0", "latency_ms_max": "0.0"}


@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=300),
    st.floats(0.0, 100.0),
)
def test_percentile_is_numpys_linear_percentile(values, q):
    assert np.isclose(percentile(sorted(values), q), np.percentile(values, q), rtol=1e-12, atol=1e-6)

"""Hypothesis settings every property test shares.

Derandomised: CI sees the same examples every run (no flaky test); explore more with
``HYPOTHESIS_EXAMPLES=5000``, which also draws new examples each run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FAST = settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "150")),
    derandomize="HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

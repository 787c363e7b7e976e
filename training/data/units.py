"""Telling accelerometer units apart from the data: with gravity in the signal, a sensor at rest or
walking reads about 1 in g and about 9.8 in m/s^2, so the median magnitude says which it is."""

from __future__ import annotations

import numpy as np

GRAVITY = 9.80665  # m/s^2 per g
G_MEDIAN = (0.5, 2.0)  # the median |acc| of gravity-included data in g
MS2_MEDIAN = (5.0, 20.0)  # ... and in m/s^2


def median_magnitude(acc: np.ndarray) -> float:
    """The median of |acc| over samples (rows of x, y, z)."""
    return float(np.median(np.linalg.norm(acc, axis=1)))


def looks_like_g(magnitude: float) -> bool:
    return G_MEDIAN[0] <= magnitude <= G_MEDIAN[1]

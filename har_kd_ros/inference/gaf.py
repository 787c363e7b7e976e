"""Gramian Angular Field images of IMU windows, shared by training and the runtime.

For one channel rescaled to x' in [-1, 1] and phi = arccos(x'):

* GASF ("summation"):  G[i, j] = cos(phi_i + phi_j) = x'_i x'_j - s_i s_j
* GADF ("difference"): G[i, j] = sin(phi_i - phi_j) = s_i x'_j - x'_i s_j

with s = sqrt(1 - x'^2). Channels (acc x, y, z, and gyro x, y, z where a card asks for them)
become image channels, as in VSKD.

The series is first shortened to ``image_size`` by piecewise aggregate approximation (PAA)
with the same segment bounds as ``pyts`` (non-overlapping, integer-truncated), then rescaled either per window (``normalisation="window"``, the pyts behaviour:
shape only) or against a fixed sensor range (``normalisation="fixed"``: amplitude survives,
values outside the range are clipped). A constant window has no per-window rescaling; it
is mapped to x' = 0 (phi = pi/2), so its GASF is -1 and its GADF 0 everywhere, which is
finite, deterministic and the same in training and on the robot.

A fixed range wide enough for a swing squeezes a resting wrist into a sliver of the image: a
still watch's 0.03 rad/s is 0.3 % of +-10 rad/s. ``mu_law`` compands the rescaled series,
x'' = sign(x') ln(1 + mu |x'|) / ln(1 + mu) (mu = 0: linear), as telephony does with speech:
small values spread out, large ones keep their order and sign, and x'' stays in [-1, 1].
``shape_channels`` keeps the fixed range and adds, for the channels it names, a second image of
the same series rescaled per window: amplitude from the first, shape from the second, so the white
noise of a watch on a table and the slow sway of a resting wrist differ at full contrast.

Everything is matrix arithmetic on (N, C, W) batches: a PAA matrix product and one
batched rank-2 product, no Python loop over samples.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

import numpy as np

Method = Literal["summation", "difference"]
Normalisation = Literal["window", "fixed"]
ValueRange = tuple[float, float] | tuple[tuple[float, float], ...]
MuLaw = float | tuple[float, ...]

METHODS: tuple[str, ...] = ("summation", "difference")
NORMALISATIONS: tuple[str, ...] = ("window", "fixed")
_HUGE = 2.0**1000  # a series beyond this could overflow float64 while being averaged


def paa_bounds(n_timestamps: int, image_size: int) -> tuple[np.ndarray, np.ndarray]:
    """Segment [start, end) bounds of PAA from ``n_timestamps`` down to ``image_size`` points.

    Same segmentation as pyts' GramianAngularField (non-overlapping PAA: bounds at
    ``linspace(0, W, S + 1)`` truncated to integers), so images match the reference exactly.
    """
    if not 1 <= image_size <= n_timestamps:
        raise ValueError(f"image_size: expected 1 <= image_size <= window length {n_timestamps}, got {image_size}")
    bounds = np.linspace(0, n_timestamps, image_size + 1).astype(np.int64)
    return bounds[:-1], bounds[1:]


@lru_cache(maxsize=32)
def paa_matrix(n_timestamps: int, image_size: int) -> np.ndarray:
    """(W, S) averaging matrix: ``series @ paa_matrix`` is the PAA of the series."""
    start, end = paa_bounds(n_timestamps, image_size)
    matrix = np.zeros((n_timestamps, image_size), dtype=np.float64)
    for j, (a, b) in enumerate(zip(start, end, strict=True)):
        matrix[a:b, j] = 1.0 / (b - a)
    matrix.setflags(write=False)
    return matrix


def range_bounds(value_range: ValueRange | None, channels: int) -> tuple[np.ndarray | float, np.ndarray | float]:
    """(low, high) of a fixed range: scalars for one ``(low, high)`` shared by every channel, or
    (C, 1) columns for one ``(low, high)`` per channel (accelerometer and gyroscope differ)."""
    bounds = np.asarray(value_range if value_range is not None else (), dtype=np.float64)
    if bounds.shape == (2,):
        lo, hi = float(bounds[0]), float(bounds[1])
    elif bounds.shape == (channels, 2):
        lo, hi = bounds[:, :1], bounds[:, 1:]
    else:
        raise ValueError(
            f"value_range: expected (low, high) or one (low, high) per channel ({channels}) for fixed "
            f"normalisation, got {value_range}"
        )
    if not (np.all(np.isfinite(bounds)) and np.all(hi > lo)):
        raise ValueError(f"value_range: expected finite bounds with high > low, got {value_range}")
    return lo, hi


def rescale(
    x: np.ndarray,
    normalisation: Normalisation = "window",
    value_range: ValueRange | None = None,
) -> np.ndarray:
    """Rescale (..., C, W) series to [-1, 1] per series (``window``) or from ``value_range``
    (``fixed``: one range for all channels, or one per channel)."""
    # As (x - mid) / half_span, with mid and half_span formed from halves: hi - lo or 2 x would
    # overflow for finite inputs near the float64 limit, and this is no slower.
    if normalisation == "window":
        lo = 0.5 * x.min(axis=-1, keepdims=True)
        hi = 0.5 * x.max(axis=-1, keepdims=True)
        half_span = hi - lo
        flat = half_span == 0
        # clipped: when the span is a few ulps of the values, rounding alone can reach +-4
        scaled = (x - (hi + lo)) / np.where(flat, 1.0, half_span)
        return np.where(flat, 0.0, np.clip(scaled, -1.0, 1.0))
    if normalisation == "fixed":
        lo, hi = (0.5 * b for b in range_bounds(value_range, x.shape[-2] if x.ndim >= 2 else 1))
        return np.clip((x - (hi + lo)) * (1.0 / (hi - lo)), -1.0, 1.0)
    raise ValueError(f"normalisation: expected one of {NORMALISATIONS}, got {normalisation!r}")


def mu_law_columns(mu_law: MuLaw, channels: int) -> np.ndarray | float:
    """``mu_law`` as a scalar for every channel or a (C, 1) column, checked."""
    mu = np.asarray(mu_law, dtype=np.float64)
    if mu.shape not in ((), (channels,)) or not (np.all(np.isfinite(mu)) and np.all(mu >= 0)):
        raise ValueError(f"mu_law: expected mu >= 0 for every channel or one per channel ({channels}), got {mu_law}")
    return float(mu) if mu.ndim == 0 else mu[:, None]


def compand(scaled: np.ndarray, mu_law: MuLaw | None) -> np.ndarray:
    """mu-law companding of (..., C, S) values in [-1, 1]; channels with mu = 0 pass unchanged."""
    if mu_law is None:  # every card without the field: nothing to check or compute per window
        return scaled
    mu = mu_law_columns(mu_law, scaled.shape[-2] if scaled.ndim >= 2 else 1)
    if np.all(mu == 0):
        return scaled
    safe = np.where(mu > 0, mu, 1.0)
    curved = np.sign(scaled) * np.log1p(safe * np.abs(scaled)) / np.log1p(safe)
    return np.where(mu > 0, curved, scaled)


def shape_index(shape_channels: tuple[int, ...], channels: int) -> list[int]:
    """``shape_channels`` as a list of distinct channel indices, checked."""
    index = [int(c) for c in shape_channels]
    if any(not 0 <= c < channels for c in index) or len(set(index)) != len(index):
        raise ValueError(
            f"shape_channels: expected distinct channel indices in [0, {channels}), got {list(shape_channels)}"
        )
    return index


def gaf(
    windows: np.ndarray,
    method: Method = "summation",
    image_size: int | None = None,
    normalisation: Normalisation = "window",
    value_range: ValueRange | None = None,
    mu_law: MuLaw | None = None,
    shape_channels: tuple[int, ...] | None = None,
) -> np.ndarray:
    """GAF images of IMU windows.

    Args:
        windows: (C, W) one window or (N, C, W) a batch; channels first, time last.
        method: ``summation`` (GASF) or ``difference`` (GADF).
        image_size: side S of the image; None keeps S = W (no PAA).
        normalisation: ``window`` (per window and channel min-max) or ``fixed``.
        value_range: for ``fixed``: (low, high) sensor range in the input's units, or one
            (low, high) per channel (m/s^2 for the accelerometer, rad/s for the gyroscope).
        mu_law: mu of the companding after rescaling, for every channel or one per channel;
            0 or None: linear.
        shape_channels: indices of channels whose per-window rescaled image is appended after
            the C images (in this order); None or empty: none.

    Returns:
        float32 (C + K, S, S) or (N, C + K, S, S) for K shape channels, values in [-1, 1].
    """
    x = np.asarray(windows)
    if x.ndim not in (2, 3):
        raise ValueError(f"windows: expected shape (C, W) or (N, C, W), got {x.shape}")
    if x.shape[-1] < 1 or x.shape[-2] < 1:
        raise ValueError(f"windows: expected at least one channel and one sample, got shape {x.shape}")
    if not np.issubdtype(x.dtype, np.number):
        raise ValueError(f"windows: expected a numeric array, got dtype {x.dtype}")
    if not np.isfinite(x).all():
        raise ValueError("windows: expected finite values, got NaN or Inf")
    if method not in METHODS:
        raise ValueError(f"method: expected one of {METHODS}, got {method!r}")
    # The series is tiny (C x S): rescale it in float64, because sqrt(1 - x'^2) turns
    # float32 rounding near x' = +-1 into errors of 3e-4; the S x S images are float32.
    x = x.astype(np.float64, copy=False)
    n_timestamps = x.shape[-1]
    if image_size is not None and image_size != n_timestamps:
        paa = paa_matrix(n_timestamps, int(image_size))
        if x.max(initial=0.0) > _HUGE or x.min(initial=0.0) < -_HUGE:  # scalar reductions: cheaper than np.abs
            # an average never exceeds its inputs, but its partial sums can overflow near the
            # float64 limit: average a quarter of such a series (powers of two are exact; other
            # series are left alone) and keep rounding from pushing it back past the limit
            scale = np.where(np.abs(x).max(axis=-1, keepdims=True) > _HUGE, 0.25, 1.0)
            quarter = np.finfo(np.float64).max / 4
            x = np.clip((x * scale) @ paa, -quarter, quarter) / scale
        else:
            x = x @ paa
    scaled = compand(rescale(x, normalisation, value_range), mu_law)
    if shape_channels:
        scaled = np.concatenate([scaled, rescale(x[..., shape_index(shape_channels, x.shape[-2]), :])], axis=-2)
    cos = scaled.astype(np.float32)
    sin = np.sqrt(np.clip((1.0 - scaled) * (1.0 + scaled), 0.0, 1.0)).astype(np.float32)
    # Both fields are rank-2 products, G = L @ R with R = [cos, -sin]^T and L = [cos, sin]
    # (GASF) or [sin, cos] (GADF): one batched matmul, ~15x faster than two outer products.
    right = np.stack([cos, -sin], axis=-2)
    left = np.stack([cos, sin] if method == "summation" else [sin, cos], axis=-1)
    return np.matmul(left, right)

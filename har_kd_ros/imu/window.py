"""Resampling and windowing of IMU streams, identical offline (training) and online (robot).

Real IMU drivers deliver jittered, sometimes duplicated or reordered stamps; the models are
trained on windows sampled on a uniform grid at the model card's rate. Both paths therefore
resample by linear interpolation onto ``t0 + k / rate`` (t0 = first accepted sample) and cut
windows ending at grid indices ``W - 1 + j * hop``. :func:`uniform_windows` does it for a
whole recording; :class:`StreamingWindow` does it one sample at a time and yields the same
windows (a test holds them equal).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

# Windows are float32 (what the models read): a larger magnitude would become inf there.
FLOAT32_MAX = float(np.finfo(np.float32).max)
# fewer samples than this are pushed one by one: numpy's fixed costs outweigh the pass (even at ~12 here)
_MIN_VECTOR = 16


def check_rate_window_hop(rate_hz: float, window_samples: int, hop_samples: int) -> None:
    """ValueError ``"<name>: expected ..., got ..."`` for a rate, window or hop no window can have."""
    if not (math.isfinite(rate_hz) and rate_hz > 0):
        raise ValueError(f"rate_hz: expected a positive finite rate, got {rate_hz}")
    if window_samples < 2:
        raise ValueError(f"window_samples: expected >= 2, got {window_samples}")
    if hop_samples < 1:
        raise ValueError(f"hop_samples: expected >= 1, got {hop_samples}")


def resample_uniform(t: np.ndarray, values: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Linear resampling of (T,) stamps and (T, C) values onto ``t[0] + k / rate_hz``.

    Stamps must be strictly increasing and finite (use :func:`clean_stream` first).
    Returns (grid stamps (K,), values (K, C) float32).
    """
    t = np.asarray(t, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    if t.ndim != 1 or values.ndim != 2 or values.shape[0] != t.shape[0]:
        raise ValueError(f"values: expected (T, C) matching stamps (T,), got {values.shape} and {t.shape}")
    if t.size == 0:
        return np.zeros(0), np.zeros((0, values.shape[1]), dtype=np.float32)
    if t.size > 1 and not np.all(np.diff(t) > 0):
        raise ValueError("t: expected strictly increasing stamps")
    n = math.floor((t[-1] - t[0]) * rate_hz + 1e-9) + 1
    grid = t[0] + np.arange(n) / rate_hz
    out = np.empty((n, values.shape[1]), dtype=np.float32)
    for c in range(values.shape[1]):
        out[:, c] = np.interp(grid, t, values[:, c])
    return grid, out


def clean_stream(t: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Drop non-finite, duplicate and out-of-order samples by the streaming window's rules.

    One difference: a recording file has no restarted driver, so a jump back in time is dropped
    as out-of-order here, where :class:`StreamingWindow` treats a jump beyond ``max_gap_s`` as a
    new stream.
    """
    t = np.asarray(t, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    keep = np.zeros(t.shape[0], dtype=bool)
    counts = {"non_finite": 0, "duplicate": 0, "out_of_order": 0}
    last = -math.inf
    finite = np.isfinite(t) & (np.abs(values) <= FLOAT32_MAX).all(axis=1)  # also False for NaN
    for i in range(t.shape[0]):
        if not finite[i]:
            counts["non_finite"] += 1
        elif t[i] == last:
            counts["duplicate"] += 1
        elif t[i] < last:
            counts["out_of_order"] += 1
        else:
            keep[i] = True
            last = t[i]
    return t[keep], values[keep], counts


def split_at_gaps(t: np.ndarray, max_gap_s: float) -> list[slice]:
    """Slices of contiguous runs whose stamps never jump by more than ``max_gap_s``."""
    if t.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(t) > max_gap_s) + 1
    edges = [0, *breaks.tolist(), t.size]
    return [slice(a, b) for a, b in itertools.pairwise(edges)]


def window_starts(n_samples: int, window_samples: int, hop_samples: int) -> np.ndarray:
    """Start indices of every full window in a uniform run of ``n_samples``."""
    if n_samples < window_samples:
        return np.zeros(0, dtype=np.int64)
    return np.arange(0, n_samples - window_samples + 1, hop_samples, dtype=np.int64)


@dataclass(frozen=True)
class Windows:
    """Windows cut from one recording: data (N, C, W) float32 and their grid time spans."""

    data: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray


def uniform_runs(
    t: np.ndarray, values: np.ndarray, rate_hz: float, max_gap_s: float = math.inf
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The recording cleaned, split at gaps and resampled: (grid stamps (K,), values (K, C)) per run."""
    if not (math.isfinite(rate_hz) and rate_hz > 0):
        raise ValueError(f"rate_hz: expected a positive finite rate, got {rate_hz}")
    t, values, _ = clean_stream(t, values)
    return [resample_uniform(t[run], values[run], rate_hz) for run in split_at_gaps(t, max_gap_s)]


def uniform_windows(
    t: np.ndarray,
    values: np.ndarray,
    rate_hz: float,
    window_samples: int,
    hop_samples: int,
    max_gap_s: float = math.inf,
) -> Windows:
    """All windows of a recording, as :class:`StreamingWindow` would emit them online."""
    check_rate_window_hop(rate_hz, window_samples, hop_samples)
    channels = values.shape[1] if values.ndim == 2 else 0
    data, starts, ends = [], [], []
    for grid, uniform in uniform_runs(t, values, rate_hz, max_gap_s):
        idx = window_starts(grid.size, window_samples, hop_samples)
        if idx.size == 0:
            continue
        gather = idx[:, None] + np.arange(window_samples)[None, :]
        data.append(np.transpose(uniform[gather], (0, 2, 1)))
        starts.append(grid[idx])
        ends.append(grid[idx + window_samples - 1])
    if not data:
        return Windows(np.zeros((0, channels, window_samples), np.float32), np.zeros(0), np.zeros(0))
    return Windows(np.concatenate(data).astype(np.float32), np.concatenate(starts), np.concatenate(ends))


@dataclass
class StreamStats:
    """What the stream delivered and what was dropped, and why (shown in /diagnostics)."""

    accepted: int = 0
    non_finite: int = 0
    duplicate: int = 0
    out_of_order: int = 0
    wrong_shape: int = 0
    gaps: int = 0
    time_jumps: int = 0
    windows: int = 0

    @property
    def dropped(self) -> int:
        return self.non_finite + self.duplicate + self.out_of_order + self.wrong_shape


@dataclass(frozen=True)
class Window:
    """One window ready for inference: data (C, W) float32, grid stamps of first/last sample."""

    data: np.ndarray
    t_start: float
    t_end: float


@dataclass
class StreamingWindow:
    """Samples in, windows out: resample onto the card's grid, ring-buffer, emit every hop.

    A gap longer than ``max_gap_s`` restarts the grid (no window ever spans a gap), and so does
    a jump back in time by more than ``max_gap_s``; smaller steps back are out-of-order samples.
    Bad samples are dropped and counted in :attr:`stats`, never raised, so a node can feed it
    whatever arrives on the wire.
    """

    rate_hz: float
    window_samples: int
    hop_samples: int
    channels: int = 3
    max_gap_s: float = 0.5
    stats: StreamStats = field(default_factory=StreamStats)

    def __post_init__(self) -> None:
        check_rate_window_hop(self.rate_hz, self.window_samples, self.hop_samples)
        if not self.max_gap_s > 0:
            raise ValueError(f"max_gap_s: expected > 0, got {self.max_gap_s}")
        self._period = 1.0 / self.rate_hz
        self._ring = np.zeros((self.window_samples, self.channels), dtype=np.float32)
        self.reset()

    def reset(self) -> None:
        """Forget the stream: the next sample starts a new grid."""
        self._origin: float | None = None
        self._last_t = -math.inf
        self._last_v: np.ndarray | None = None
        self._next_k = 0  # grid index of the next grid point to fill

    @property
    def next_end(self) -> float:
        """Stamp of the grid point that completes the next window: the first sample stamped at or
        after it completes it (inf before the first sample)."""
        if self._origin is None:
            return math.inf
        w, hop = self.window_samples, self.hop_samples
        k = w - 1 + hop * max(0, -(-(self._next_k - (w - 1)) // hop))
        return self._origin + k * self._period

    def push(self, t: float, sample: np.ndarray | tuple[float, ...]) -> list[Window]:
        """Add one sample stamped ``t`` seconds; return the windows it completes (usually 0 or 1)."""
        v = np.asarray(sample, dtype=np.float64)
        if v.shape != (self.channels,):
            self.stats.wrong_shape += 1
            return []
        if not (math.isfinite(t) and (np.abs(v) <= FLOAT32_MAX).all()):  # NaN, Inf, or inf as float32
            self.stats.non_finite += 1
            return []
        if t == self._last_t:
            self.stats.duplicate += 1
            return []
        if t < self._last_t - self.max_gap_s:
            # the clock jumped back (a restarted driver, a looping bag): a new stream, not a stale sample
            self.stats.time_jumps += 1
            self.reset()
        elif t < self._last_t:
            self.stats.out_of_order += 1
            return []
        self.stats.accepted += 1
        if self._origin is not None and t - self._last_t > self.max_gap_s:
            self.stats.gaps += 1
            self.reset()
        out: list[Window] = []
        if self._origin is None:
            self._origin = t
            out += self._append(0, v)
        else:
            t0, v0 = self._last_t, self._last_v
            span = t - t0
            # grid points up to t, counted from the origin exactly as resample_uniform counts them:
            # at Unix-time stamps (ulp ~2e-7 s) an absolute comparison would round differently
            last_k = (t - self._origin) * self.rate_hz + 1e-9
            while self._next_k <= last_k:
                g = self._origin + self._next_k * self._period
                # clamped: a grid point admitted by the tolerance above must not extrapolate, and
                # the convex form is exact at both ends (v0 + (v - v0) w is not when |v0| >> |v|)
                w = min(1.0, max(0.0, (g - t0) / span))
                out += self._append(self._next_k, v0 * (1.0 - w) + v * w)
        self._last_t, self._last_v = t, v
        return out

    def push_many(self, t: Sequence[float], samples: Sequence[Sequence[float]]) -> list[tuple[int, Window]]:
        """:meth:`push` for each sample in order: the windows completed, each with the index of the
        sample that completed it. Equal to pushing them one by one, bit for bit (a test holds it),
        but a run of clean samples (finite, strictly increasing, no gap, continuing the grid) is
        resampled in one numpy pass: one sample costs several µs of numpy overhead alone, and a
        receiver that takes its queue in batches hands over dozens at a time."""
        clean = self._clean_run(t, samples) if len(t) >= _MIN_VECTOR else None
        if clean is None:
            return [(i, w) for i in range(len(t)) for w in self.push(t[i], samples[i])]
        ts, v = clean
        self.stats.accepted += len(ts)
        # grid points up to each sample, as push counts them; each is interpolated between the
        # first sample that reaches it and the one before, exactly as push does
        last_k = (ts - self._origin) * self.rate_hz + 1e-9
        ks = np.arange(self._next_k, math.floor(last_k[-1]) + 1)
        out: list[tuple[int, Window]] = []
        if ks.size:
            at = np.searchsorted(last_k, ks, side="left")
            t0 = np.where(at == 0, self._last_t, ts[at - 1])
            v0 = np.where((at == 0)[:, None], self._last_v, v[at - 1])
            t1, v1 = ts[at], v[at]
            g = self._origin + ks * self._period
            w = np.minimum(1.0, np.maximum(0.0, (g - t0) / (t1 - t0)))[:, None]
            values = v0 * (1.0 - w) + v1 * w
            first = ks - self.window_samples + 1
            done = np.flatnonzero((first >= 0) & (first % self.hop_samples == 0))
            start = 0
            for j in done.tolist():  # each window from the ring as it stands at its last grid point
                self._fill(ks[start : j + 1], values[start : j + 1])
                start = j + 1
                out.append((int(at[j]), self._window(int(ks[j]))))
            self._fill(ks[start:], values[start:])
            self._next_k = int(ks[-1]) + 1
        self._last_t, self._last_v = float(ts[-1]), v[-1]
        return out

    def _clean_run(
        self, t: Sequence[float], samples: Sequence[Sequence[float]]
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The batch as arrays if push would accept every sample of it without dropping,
        resetting or starting the grid; None otherwise."""
        if self._origin is None:
            return None
        ts = np.asarray(t, dtype=np.float64)
        try:
            v = np.asarray(samples, dtype=np.float64)
        except ValueError:  # ragged: some sample has the wrong length
            return None
        steps = np.diff(ts, prepend=self._last_t)
        clean = (
            v.shape == (ts.size, self.channels)
            and np.isfinite(ts).all()
            and (np.abs(v) <= FLOAT32_MAX).all()
            and (steps > 0).all()
            and (steps <= self.max_gap_s).all()
        )
        return (ts, v) if clean else None

    def _fill(self, ks: np.ndarray, values: np.ndarray) -> None:
        """Grid values into the ring (only the newest window's worth can matter)."""
        keep = slice(-self.window_samples, None)
        self._ring[ks[keep] % self.window_samples] = values[keep]

    def _window(self, k: int) -> Window:
        first = k - self.window_samples + 1
        order = (np.arange(first, k + 1)) % self.window_samples
        self.stats.windows += 1
        return Window(self._ring[order].T.copy(), self._origin + first * self._period, self._origin + k * self._period)

    def _append(self, k: int, value: np.ndarray) -> list[Window]:
        self._ring[k % self.window_samples] = value
        self._next_k = k + 1
        first = k - self.window_samples + 1
        if first < 0 or first % self.hop_samples:
            return []
        return [self._window(k)]

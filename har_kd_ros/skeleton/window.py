"""Skeleton windows: the teacher's input for a time span, identical offline and online.

Training pairs each IMU window [t_start, t_end] with the skeleton frames covering it; the
teacher node does the same on a live skeleton stream. Both call :func:`teacher_input`, so the
teacher labels the robot's skeletons exactly as it was trained to.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS, Topology, body_frame, get_topology, to_canonical

if TYPE_CHECKING:
    from har_kd_ros.inference.model_card import ModelCard


def resample_skeleton(
    t: np.ndarray, frames: np.ndarray, start: float, end: float, n_frames: int
) -> tuple[np.ndarray, float]:
    """Skeleton frames on ``n_frames`` points spanning [start, end], and the tracked coverage.

    Dropped frames (any NaN joint) are bridged by interpolating each coordinate over the tracked
    ones. Coverage = tracked frames inside the span / frames the skeleton's rate promises there;
    it is 0 unless tracking reaches both ends of the span (within 1.5 frame periods), so a
    window is never paired with frames clamped from outside its time span.
    """
    tracked = np.isfinite(frames).all(axis=tuple(range(1, frames.ndim)))
    out = np.full((n_frames, *frames.shape[1:]), np.nan)
    if tracked.sum() < 2:
        return out, 0.0
    tt = t[tracked]
    period = float(np.median(np.diff(t))) if t.size > 1 else np.inf
    if tt[0] > start + 1.5 * period or tt[-1] < end - 1.5 * period:
        return out, 0.0
    inside = int(((tt >= start) & (tt <= end)).sum())
    coverage = min(1.0, inside / max(1.0, (end - start) / period + 1.0))
    grid = np.linspace(start, end, n_frames)
    ff = frames[tracked].reshape(int(tracked.sum()), -1)
    flat = np.stack([np.interp(grid, tt, ff[:, k]) for k in range(ff.shape[1])], axis=1)
    return flat.reshape(n_frames, *frames.shape[1:]), coverage


def teacher_input(
    t: np.ndarray,
    canonical: np.ndarray,
    start: float,
    end: float,
    n_frames: int,
    min_coverage: float,
    in_body_frame: bool = True,
    root_relative: bool = False,
) -> np.ndarray | None:
    """(n_frames, 16, 3) float32 teacher input for [start, end], or None where tracking is too thin.

    ``canonical`` holds (T, 16, 3) canonical joints stamped ``t`` (NaN = untracked).
    ``root_relative`` subtracts each frame's pelvis first: MediaPipe's world landmarks are
    hip-centred per frame, so a teacher meant for camera skeletons must not rely on translation.
    """
    frames, coverage = resample_skeleton(t, canonical, start, end, n_frames)
    if coverage < min_coverage or not np.isfinite(frames).all():
        return None
    if root_relative:
        frames = frames - frames[:, CANONICAL_JOINTS.index("pelvis")][:, None, :]
    if not in_body_frame:
        return frames.astype(np.float32)
    try:
        return body_frame(frames).astype(np.float32)
    except ValueError:  # a degenerate body (zero torso): no teacher input for this span
        return None


@dataclass
class SkeletonWindowStats:
    accepted: int = 0
    non_finite_stamp: int = 0
    duplicate: int = 0
    out_of_order: int = 0
    wrong_shape: int = 0
    untracked: int = 0  # frames whose canonical joints are not all visible
    windows: int = 0
    windows_uncovered: int = 0  # windows the teacher could not label (tracking too thin)
    resets: int = 0


@dataclass(frozen=True)
class SkeletonWindow:
    """One teacher input: (F, 16, 3) joints for [t_start, t_end]."""

    data: np.ndarray
    t_start: float
    t_end: float


@dataclass
class StreamingSkeletonWindow:
    """Skeleton frames in, one teacher input per hop out (None where tracking is too thin).

    Windows end on a grid ``t0 + span + k * hop`` (t0 = first frame after a reset) and are
    emitted as soon as a tracked frame at or after the end arrives, so the interpolation never
    extrapolates. A gap between frames longer than ``max_gap_s`` restarts the grid.
    """

    span_s: float
    hop_s: float
    n_frames: int
    min_coverage: float = 0.5
    in_body_frame: bool = True
    root_relative: bool = False
    max_gap_s: float = 1.0
    topology: Topology | str = "mediapipe_pose"
    min_visibility: float = 0.5
    stats: SkeletonWindowStats = field(default_factory=SkeletonWindowStats)

    @classmethod
    def for_card(cls, card: ModelCard, **options: Any) -> StreamingSkeletonWindow:
        """The windows a teacher's card asks for (span, hop, frames, coverage, frame conventions);
        ``options`` sets the stream's own: max_gap_s, topology, min_visibility."""
        return cls(
            card.window_s,
            card.hop_s,
            card.skeleton_frames,
            card.min_coverage,
            card.body_frame,
            card.root_relative,
            **options,
        )

    def __post_init__(self) -> None:
        for name in ("span_s", "hop_s", "max_gap_s"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"{name}: expected a positive number of seconds, got {value}")
        if self.n_frames < 2:
            raise ValueError(f"n_frames: expected >= 2, got {self.n_frames}")
        self.topology = get_topology(self.topology) if isinstance(self.topology, str) else self.topology
        self._mapping = self.topology.mapping_matrix()
        self._frames: deque[tuple[float, np.ndarray]] = deque()
        self._next_end = math.nan
        self._last_t = -math.inf

    def reset(self) -> None:
        self._frames.clear()
        self._next_end = math.nan

    def push(self, t: float, xyz: np.ndarray, visibility: np.ndarray | None = None) -> list[SkeletonWindow | None]:
        """Add one frame of source joints (J, 3); returns the windows it completes."""
        s = self.stats
        if not math.isfinite(t):
            s.non_finite_stamp += 1
            return []
        joints = len(self.topology.joints)
        xyz = np.asarray(xyz, dtype=np.float64)
        if xyz.shape != (joints, self.topology.dims) or (visibility is not None and np.shape(visibility) != (joints,)):
            s.wrong_shape += 1
            return []
        if t == self._last_t:
            s.duplicate += 1
            return []
        if t < self._last_t and self._last_t - t <= self.max_gap_s:
            s.out_of_order += 1
            return []
        if abs(t - self._last_t) > self.max_gap_s and self._frames:  # a gap, or a restarted clock
            s.resets += 1
            self.reset()
        self._last_t = t
        s.accepted += 1
        xyz = xyz.copy()
        if visibility is not None:
            xyz[np.asarray(visibility) < self.min_visibility] = np.nan
        canonical = to_canonical(xyz[None], self.topology)[0]
        tracked = bool(np.isfinite(canonical).all())
        if not tracked:
            s.untracked += 1
        self._frames.append((t, canonical))
        if math.isnan(self._next_end):
            self._next_end = t + self.span_s
        out: list[SkeletonWindow | None] = []
        # A window is cut at the first *tracked* frame at or after its end, so the interpolation
        # is the one training computed; if tracking does not resume within max_gap_s, it has none.
        while t >= self._next_end and (tracked or t >= self._next_end + self.max_gap_s):
            start, end = self._next_end - self.span_s, self._next_end
            out.append(self._cut(start, end) if tracked else self._uncovered())
            self._next_end += self.hop_s
        # keep what the next window can still need: its span, and tracked frames just before it
        horizon = self._next_end - self.span_s - self.max_gap_s
        while len(self._frames) > 2 and self._frames[1][0] < horizon:
            self._frames.popleft()
        return out

    def _uncovered(self) -> None:
        self.stats.windows += 1
        self.stats.windows_uncovered += 1
        return None

    def _cut(self, start: float, end: float) -> SkeletonWindow | None:
        self.stats.windows += 1
        stamps = np.fromiter((f[0] for f in self._frames), dtype=np.float64, count=len(self._frames))
        canonical = np.stack([f[1] for f in self._frames])
        data = teacher_input(
            stamps, canonical, start, end, self.n_frames, self.min_coverage, self.in_body_frame, self.root_relative
        )
        if data is None:
            self.stats.windows_uncovered += 1
            return None
        return SkeletonWindow(data, start, end)

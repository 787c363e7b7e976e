"""Paired samples: each IMU window and the skeleton frames of the same time span.

The official VSKD code shuffled the video and IMU loaders independently, so teacher and student
saw different samples. Here one index addresses one physical time span in both modalities:
``imu[i]`` is the window the robot would classify (the card's channels), ``acc[i]`` its
accelerometer channels (what the accelerometer-reading teachers see), ``skeleton[i]`` the
skeleton frames whose stamps cover ``[t_start[i], t_end[i]]``, resampled to a fixed number of
frames. With ``context_samples`` each window also keeps the samples around it, so that
augmentation can shift and stretch it in time without inventing data (training/data/augment.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from har_kd_ros.imu.channels import ACC_CHANNELS, recording_values
from har_kd_ros.imu.window import check_rate_window_hop, uniform_runs, window_starts
from har_kd_ros.recordings.recording import Recording
from har_kd_ros.skeleton.topology import CANONICAL_JOINTS, to_canonical
from har_kd_ros.skeleton.window import teacher_input


@dataclass(frozen=True)
class WindowSpec:
    """How recordings are cut: the model card's rate, window, hop and channels, plus the teacher's frames."""

    rate_hz: float = 50.0
    window_samples: int = 128
    hop_samples: int = 25
    skeleton_frames: int = 32
    max_gap_s: float = 0.5
    min_skeleton_coverage: float = 0.5
    body_frame: bool = True  # express each skeleton window in its own body frame (teacher input)
    root_relative: bool = False  # subtract each frame's pelvis (as MediaPipe world landmarks are)
    channels: tuple[str, ...] = ACC_CHANNELS  # the student's, in the card's order
    context_samples: int = 0  # samples kept on each side of a window, where the recording has them


@dataclass(frozen=True)
class Context:
    """Each window with up to ``margin`` samples either side: ``data`` (N, C, W + 2 margin); the
    recording's own samples are ``data[i, :, lo[i]:hi[i]]`` (the rest repeats its edge), and the
    window itself starts at ``pos[i]``."""

    data: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    pos: np.ndarray

    def subset(self, index: np.ndarray) -> Context:
        return Context(self.data[index], self.lo[index], self.hi[index], self.pos[index])


@dataclass(frozen=True)
class RecordingWindows:
    """The windows of one recording (see :class:`PairedWindows` for the fields)."""

    imu: np.ndarray
    acc: np.ndarray
    skeleton: np.ndarray
    skeleton_valid: np.ndarray
    t_start: np.ndarray
    t_end: np.ndarray
    context: Context | None = None


@dataclass(frozen=True)
class PairedWindows:
    """N paired samples. ``skeleton_valid`` is False where tracking did not cover the span."""

    imu: np.ndarray  # (N, C, W) float32: the card's channels (m/s^2, rad/s)
    acc: np.ndarray  # (N, 3, W) float32, m/s^2 (the same array as imu for an accelerometer student)
    skeleton: np.ndarray  # (N, F, 16, 3) float32, canonical joints (in the body frame by default)
    skeleton_valid: np.ndarray  # (N,) bool
    labels: np.ndarray  # (N,) int64 indices into label_names
    recording: np.ndarray  # (N,) int64 index into the recording list
    t_start: np.ndarray
    t_end: np.ndarray
    label_names: tuple[str, ...]
    context: Context | None = None

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, index: np.ndarray) -> PairedWindows:
        imu = self.imu[index]
        return PairedWindows(
            imu,
            imu if self.acc is self.imu else self.acc[index],
            self.skeleton[index],
            self.skeleton_valid[index],
            self.labels[index],
            self.recording[index],
            self.t_start[index],
            self.t_end[index],
            self.label_names,
            None if self.context is None else self.context.subset(index),
        )


def _context(uniform: np.ndarray, starts: np.ndarray, window: int, margin: int) -> Context:
    """Context windows of one uniform run (K, C) around windows starting at ``starts``."""
    n, length = uniform.shape[0], window + 2 * margin
    first = np.clip(starts - margin, 0, max(0, n - length))
    padded = uniform if n >= length else np.concatenate([uniform, np.repeat(uniform[-1:], length - n, axis=0)])
    data = np.transpose(padded[first[:, None] + np.arange(length)[None, :]], (0, 2, 1))
    return Context(data.astype(np.float32), np.zeros_like(first), np.minimum(length, n - first), starts - first)


def pair_recording(rec: Recording, spec: WindowSpec, name: str = "recording") -> RecordingWindows:
    """The windows of one recording, IMU and skeleton over the same spans."""
    check_rate_window_hop(spec.rate_hz, spec.window_samples, spec.hop_samples)
    # acc first, then the student's other channels: one resampling serves both
    channels = ACC_CHANNELS + tuple(c for c in spec.channels if c not in ACC_CHANNELS)
    values = recording_values(rec.acc, rec.gyro, channels, name)
    student = [channels.index(c) for c in spec.channels]
    parts, contexts, starts_t, ends_t = [], [], [], []
    W = spec.window_samples
    for grid, uniform in uniform_runs(rec.acc_t, values, spec.rate_hz, spec.max_gap_s):
        idx = window_starts(grid.size, W, spec.hop_samples)
        if idx.size == 0:
            continue
        parts.append(np.transpose(uniform[idx[:, None] + np.arange(W)[None, :]], (0, 2, 1)))
        if spec.context_samples > 0:
            contexts.append(_context(uniform[:, student], idx, W, spec.context_samples))
        starts_t.append(grid[idx])
        ends_t.append(grid[idx + W - 1])
    if parts:
        data = np.concatenate(parts).astype(np.float32)
        t_start, t_end = np.concatenate(starts_t), np.concatenate(ends_t)
    else:
        data, t_start, t_end = np.zeros((0, len(channels), W), np.float32), np.zeros(0), np.zeros(0)
    acc = data[:, :3]
    imu = acc if tuple(spec.channels) == ACC_CHANNELS else data[:, student]
    context = None
    if spec.context_samples > 0:
        length = W + 2 * spec.context_samples
        if not contexts:
            context = Context(np.zeros((0, len(student), length), np.float32), *(np.zeros(0, np.int64),) * 3)
        else:
            context = Context(*(np.concatenate([getattr(c, f) for c in contexts]) for f in ("data", "lo", "hi", "pos")))
    n = data.shape[0]
    skel = np.zeros((n, spec.skeleton_frames, len(CANONICAL_JOINTS), 3), dtype=np.float32)
    valid = np.zeros(n, dtype=bool)
    if rec.skeleton is not None and rec.skeleton_t is not None and rec.topology is not None:
        canonical = to_canonical(rec.skeleton, rec.topology)
        for i in range(n):
            frames = teacher_input(
                rec.skeleton_t,
                canonical,
                t_start[i],
                t_end[i],
                spec.skeleton_frames,
                spec.min_skeleton_coverage,
                spec.body_frame,
                spec.root_relative,
            )
            if frames is not None:
                skel[i], valid[i] = frames, True
    return RecordingWindows(np.ascontiguousarray(imu), np.ascontiguousarray(acc), skel, valid, t_start, t_end, context)


def pair_recordings(
    recordings: list[Recording], spec: WindowSpec, label_names: tuple[str, ...], keep_unlabelled: bool = False
) -> PairedWindows:
    """All paired windows of ``recordings``; labels come from segments or the recording label.

    Windows without a label are dropped, or kept with label -1 if ``keep_unlabelled`` (for
    labelling by a teacher afterwards).
    """
    if not recordings:
        raise ValueError("recordings: expected at least one recording")
    index = {name: i for i, name in enumerate(label_names)}
    parts: list[RecordingWindows] = []
    labels, owner = [], []
    for r_index, rec in enumerate(recordings):
        w = pair_recording(rec, spec, f"{rec.source or 'recording'} (subject {rec.subject}, trial {rec.trial})")
        y = np.array(
            [index.get(rec.label_at(0.5 * (a + b)) or "", -1) for a, b in zip(w.t_start, w.t_end, strict=True)],
            dtype=np.int64,
        )
        keep = np.flatnonzero(y >= -1 if keep_unlabelled else y >= 0)
        ctx = None if w.context is None else w.context.subset(keep)
        parts.append(
            RecordingWindows(
                w.imu[keep], w.acc[keep], w.skeleton[keep], w.skeleton_valid[keep], w.t_start[keep], w.t_end[keep], ctx
            )
        )
        labels.append(y[keep])
        owner.append(np.full(keep.size, r_index, dtype=np.int64))

    def cat(field: str) -> np.ndarray:
        return np.concatenate([getattr(p, field) for p in parts])

    imu = cat("imu")
    acc = imu if tuple(spec.channels) == ACC_CHANNELS else cat("acc")
    context = None
    if spec.context_samples > 0:
        context = Context(
            *(np.concatenate([getattr(p.context, f) for p in parts]) for f in ("data", "lo", "hi", "pos"))
        )
    return PairedWindows(
        imu,
        acc,
        cat("skeleton"),
        cat("skeleton_valid"),
        np.concatenate(labels),
        np.concatenate(owner),
        cat("t_start"),
        cat("t_end"),
        tuple(label_names),
        context,
    )


def label_share(
    recordings: list[Recording], paired: PairedWindows, points: int = 17, which: np.ndarray | None = None
) -> np.ndarray:
    """(N,) the share of each window's span that carries its label, read at ``points`` evenly
    spaced times: a window is labelled by its centre, so one centred on a rest shorter than the
    window is partly the motions around it. ``which`` (indices) limits the reading to those windows;
    the others get 1."""
    out = np.ones(len(paired))
    steps = np.linspace(0.0, 1.0, points)
    for i in range(len(paired)) if which is None else np.asarray(which, dtype=int):
        y = int(paired.labels[i])
        if y < 0:
            continue
        rec, name = recordings[int(paired.recording[i])], paired.label_names[y]
        if rec.segments:
            a, b = float(paired.t_start[i]), float(paired.t_end[i])
            out[i] = np.mean([rec.label_at(a + f * (b - a)) == name for f in steps])
    return out

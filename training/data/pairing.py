"""Paired samples: each accelerometer window and the skeleton frames of the same time span.

The official VSKD code shuffled the video and IMU loaders independently, so teacher and student
saw different samples. Here one index addresses one physical time span in both modalities:
``acc[i]`` is the window the robot would classify, ``skeleton[i]`` the skeleton frames whose
stamps cover ``[t_start[i], t_end[i]]``, resampled to a fixed number of frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from har_kd_ros.recording import Recording
from har_kd_ros.skeleton import CANONICAL_JOINTS, to_canonical
from har_kd_ros.skeleton_window import teacher_input
from har_kd_ros.window import uniform_windows


@dataclass(frozen=True)
class WindowSpec:
    """How recordings are cut: the model card's rate, window and hop, plus the teacher's frames."""

    rate_hz: float = 50.0
    window_samples: int = 128
    hop_samples: int = 25
    skeleton_frames: int = 32
    max_gap_s: float = 0.5
    min_skeleton_coverage: float = 0.5
    body_frame: bool = True  # express each skeleton window in its own body frame (teacher input)
    root_relative: bool = False  # subtract each frame's pelvis (as MediaPipe world landmarks are)


@dataclass(frozen=True)
class PairedWindows:
    """N paired samples. ``skeleton_valid`` is False where tracking did not cover the span."""

    acc: np.ndarray  # (N, 3, W) float32, m/s^2
    skeleton: np.ndarray  # (N, F, 16, 3) float32, canonical joints (in the body frame by default)
    skeleton_valid: np.ndarray  # (N,) bool
    labels: np.ndarray  # (N,) int64 indices into label_names
    recording: np.ndarray  # (N,) int64 index into the recording list
    t_start: np.ndarray
    t_end: np.ndarray
    label_names: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, index: np.ndarray) -> PairedWindows:
        return PairedWindows(
            self.acc[index],
            self.skeleton[index],
            self.skeleton_valid[index],
            self.labels[index],
            self.recording[index],
            self.t_start[index],
            self.t_end[index],
            self.label_names,
        )


def pair_recording(
    rec: Recording, spec: WindowSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(acc windows, skeleton windows, valid, t_start, t_end) of one recording."""
    w = uniform_windows(rec.acc_t, rec.acc, spec.rate_hz, spec.window_samples, spec.hop_samples, spec.max_gap_s)
    n = w.data.shape[0]
    skel = np.zeros((n, spec.skeleton_frames, len(CANONICAL_JOINTS), 3), dtype=np.float32)
    valid = np.zeros(n, dtype=bool)
    if rec.skeleton is not None and rec.skeleton_t is not None and rec.topology is not None:
        canonical = to_canonical(rec.skeleton, rec.topology)
        for i in range(n):
            frames = teacher_input(
                rec.skeleton_t,
                canonical,
                w.t_start[i],
                w.t_end[i],
                spec.skeleton_frames,
                spec.min_skeleton_coverage,
                spec.body_frame,
                spec.root_relative,
            )
            if frames is not None:
                skel[i], valid[i] = frames, True
    return w.data, skel, valid, w.t_start, w.t_end


def pair_recordings(
    recordings: list[Recording], spec: WindowSpec, label_names: tuple[str, ...], keep_unlabelled: bool = False
) -> PairedWindows:
    """All paired windows of ``recordings``; labels come from segments or the recording label.

    Windows without a label are dropped, or kept with label -1 if ``keep_unlabelled`` (for
    labelling by a teacher afterwards).
    """
    index = {name: i for i, name in enumerate(label_names)}
    parts = []
    for r_index, rec in enumerate(recordings):
        acc, skel, valid, t0, t1 = pair_recording(rec, spec)
        labels = np.array(
            [index.get(rec.label_at(0.5 * (a + b)) or "", -1) for a, b in zip(t0, t1, strict=True)], dtype=np.int64
        )
        keep = labels >= -1 if keep_unlabelled else labels >= 0
        parts.append(
            (acc[keep], skel[keep], valid[keep], labels[keep], np.full(int(keep.sum()), r_index), t0[keep], t1[keep])
        )
    if not parts:
        raise ValueError("recordings: expected at least one recording")
    cat = [np.concatenate([p[k] for p in parts]) for k in range(7)]
    return PairedWindows(
        cat[0].astype(np.float32), cat[1], cat[2], cat[3], cat[4].astype(np.int64), cat[5], cat[6], tuple(label_names)
    )

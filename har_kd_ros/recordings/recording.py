"""One paired recording (IMU + optional skeleton) and its portable single-file formats.

Every loader in training/ produces :class:`Recording`; the replay node reads the same files.
Units follow REP 145: acceleration in m/s^2, angular rate in rad/s, time in seconds.

Portable formats (documented in docs/data.md, "Portable formats"):

* NPZ: ``acc`` (T, 3) and either ``acc_t`` (T,) or scalar ``rate_hz``; optional ``gyro``
  (T, 3), ``skeleton`` (T_s, J, 3) with ``skeleton_t`` or ``skeleton_rate_hz``,
  ``segment_start`` / ``segment_end`` / ``segment_label`` for continuous streams, and
  ``meta``: a JSON string (subject, trial, label, gravity, location, topology, source).
* CSV: a header row with ``acc_x, acc_y, acc_z`` and optionally ``t`` (seconds) and
  ``gyro_x, gyro_y, gyro_z``; without ``t`` the rate comes from the caller.
"""

from __future__ import annotations

import csv
import json
import math
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

GRAVITY_STATES = ("included", "removed")


class RecordingError(ValueError):
    """A recording file or array that is not what the format promises; names the file/field."""


@dataclass(frozen=True)
class Segment:
    """A labelled span of a continuous recording (replay ground truth, teacher labels)."""

    start: float
    end: float
    label: str


@dataclass(frozen=True)
class Recording:
    """A trial: accelerometer stream, optional gyro and skeleton streams on their own clocks."""

    subject: str
    trial: str
    label: str | None
    acc: np.ndarray
    acc_t: np.ndarray
    gravity: str = "included"
    location: str = "right_wrist"
    gyro: np.ndarray | None = None
    skeleton: np.ndarray | None = None
    skeleton_t: np.ndarray | None = None
    topology: str | None = None
    source: str = ""
    segments: tuple[Segment, ...] = field(default_factory=tuple)

    @property
    def duration_s(self) -> float:
        return float(self.acc_t[-1] - self.acc_t[0]) if self.acc_t.size else 0.0

    @property
    def acc_rate_hz(self) -> float:
        """Median rate of the accelerometer stream (robust to jitter and dropouts)."""
        return float(1.0 / np.median(np.diff(self.acc_t))) if self.acc_t.size > 1 else math.nan

    @property
    def skeleton_rate_hz(self) -> float:
        if self.skeleton_t is None or self.skeleton_t.size < 2:
            return math.nan
        return float(1.0 / np.median(np.diff(self.skeleton_t)))

    def label_at(self, t: float) -> str | None:
        """Ground truth at time t: the segment covering t, else the recording's label."""
        for seg in self.segments:
            if seg.start <= t < seg.end:
                return seg.label
        return self.label

    def with_(self, **changes: object) -> Recording:
        return replace(self, **changes)

    def validate(self, name: str = "recording") -> Recording:
        """Check shapes, units and monotonic time; raise one line naming ``name`` and the field."""
        acc, t = self.acc, self.acc_t
        if acc.ndim != 2 or acc.shape[1] != 3:
            raise RecordingError(f"{name}: acc: expected shape (T, 3), got {acc.shape}")
        if t.shape != (acc.shape[0],):
            raise RecordingError(f"{name}: acc_t: expected shape ({acc.shape[0]},), got {t.shape}")
        if acc.shape[0] < 2:
            raise RecordingError(f"{name}: acc: expected at least 2 samples, got {acc.shape[0]}")
        if not np.isfinite(t).all() or not np.all(np.diff(t) > 0):
            raise RecordingError(f"{name}: acc_t: expected finite, strictly increasing stamps")
        if not np.isfinite(acc).all():
            raise RecordingError(f"{name}: acc: expected finite values, found NaN/Inf")
        if self.gravity not in GRAVITY_STATES:
            raise RecordingError(f"{name}: gravity: expected one of {GRAVITY_STATES}, got {self.gravity!r}")
        if self.gyro is not None and self.gyro.shape != acc.shape:
            raise RecordingError(f"{name}: gyro: expected shape {acc.shape} (on acc_t), got {self.gyro.shape}")
        if self.gyro is not None and not np.isfinite(self.gyro).all():
            raise RecordingError(f"{name}: gyro: expected finite values, found NaN/Inf")
        if self.skeleton is not None:
            sk, st = self.skeleton, self.skeleton_t
            if sk.ndim != 3 or sk.shape[2] not in (2, 3):
                raise RecordingError(f"{name}: skeleton: expected shape (T, J, 3) or (T, J, 2), got {sk.shape}")
            if st is None or st.shape != (sk.shape[0],):
                raise RecordingError(f"{name}: skeleton_t: expected shape ({sk.shape[0]},)")
            if not np.isfinite(st).all() or not np.all(np.diff(st) > 0):
                raise RecordingError(f"{name}: skeleton_t: expected finite, strictly increasing stamps")
            if self.topology is None:
                raise RecordingError(f"{name}: topology: a skeleton needs a named joint topology")
        return self


def _meta_json(rec: Recording) -> str:
    return json.dumps(
        {
            "subject": rec.subject,
            "trial": rec.trial,
            "label": rec.label,
            "gravity": rec.gravity,
            "location": rec.location,
            "topology": rec.topology,
            "source": rec.source,
        }
    )


def save_npz(rec: Recording, path: str | Path) -> None:
    """Write ``rec`` in the portable NPZ format (no pickles)."""
    arrays: dict[str, np.ndarray] = {"acc": rec.acc, "acc_t": rec.acc_t, "meta": np.array(_meta_json(rec))}
    if rec.gyro is not None:
        arrays["gyro"] = rec.gyro
    if rec.skeleton is not None:
        arrays["skeleton"] = rec.skeleton
        arrays["skeleton_t"] = rec.skeleton_t
    if rec.segments:
        arrays["segment_start"] = np.array([s.start for s in rec.segments])
        arrays["segment_end"] = np.array([s.end for s in rec.segments])
        arrays["segment_label"] = np.array([s.label for s in rec.segments])
    np.savez_compressed(path, **arrays)


def _stamps(
    n: int, stamps: np.ndarray | None, rate: np.ndarray | None, name: str, stamps_key: str, rate_key: str
) -> np.ndarray:
    if stamps is not None:
        return np.asarray(stamps, dtype=np.float64)
    if rate is None or rate.shape != () or not float(rate) > 0:
        raise RecordingError(f"{name}: expected '{stamps_key}' stamps or a positive scalar '{rate_key}'")
    return np.arange(n) / float(rate)


def load_npz(path: str | Path) -> Recording:
    """Read the portable NPZ format; any missing or malformed field is a one-line error."""
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: file not found (expected a .npz recording)")
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise RecordingError(f"{path}: not a readable .npz recording ({exc})") from None
    if "acc" not in data:
        raise RecordingError(f"{path}: missing array 'acc' (T, 3) m/s^2")
    try:
        meta = json.loads(str(data["meta"])) if "meta" in data else {}
    except json.JSONDecodeError:
        raise RecordingError(f"{path}: 'meta' is not a JSON string") from None
    acc = np.asarray(data["acc"], dtype=np.float64)
    acc_t = _stamps(acc.shape[0], data.get("acc_t"), data.get("rate_hz"), str(path), "acc_t", "rate_hz")
    skeleton = data.get("skeleton")
    skeleton_t = None
    if skeleton is not None:
        skeleton = np.asarray(skeleton, dtype=np.float64)
        skeleton_t = _stamps(
            skeleton.shape[0],
            data.get("skeleton_t"),
            data.get("skeleton_rate_hz"),
            str(path),
            "skeleton_t",
            "skeleton_rate_hz",
        )
    segments: tuple[Segment, ...] = ()
    if "segment_label" in data:
        segments = tuple(
            Segment(float(a), float(b), str(c))
            for a, b, c in zip(data["segment_start"], data["segment_end"], data["segment_label"], strict=True)
        )
    rec = Recording(
        subject=str(meta.get("subject", path.stem)),
        trial=str(meta.get("trial", "0")),
        label=meta.get("label"),
        acc=acc,
        acc_t=acc_t,
        gravity=str(meta.get("gravity", "included")),
        location=str(meta.get("location", "unknown")),
        gyro=np.asarray(data["gyro"], dtype=np.float64) if "gyro" in data else None,
        skeleton=skeleton,
        skeleton_t=skeleton_t,
        topology=meta.get("topology"),
        source=str(meta.get("source", "npz")),
        segments=segments,
    )
    return rec.validate(str(path))


ACC_COLUMNS = ("acc_x", "acc_y", "acc_z")
GYRO_COLUMNS = ("gyro_x", "gyro_y", "gyro_z")


def load_csv(path: str | Path, rate_hz: float | None = None, **meta: object) -> Recording:
    """Read one CSV recording (header ``t, acc_x, acc_y, acc_z[, gyro_x, gyro_y, gyro_z]``)."""
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"{path}: file not found (expected a .csv recording)")
    try:
        with path.open(newline="") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RecordingError(f"{path}: not a readable CSV ({exc})") from None
    missing = [c for c in ACC_COLUMNS if c not in header]
    if missing:
        raise RecordingError(f"{path}: header {header} lacks columns {missing} (expected t, acc_x, acc_y, acc_z)")
    try:
        table = np.array([[float(v) for v in row] for row in rows if row], dtype=np.float64)
    except ValueError as exc:
        raise RecordingError(f"{path}: non-numeric value ({exc})") from None
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] != len(header):
        raise RecordingError(f"{path}: expected at least 2 rows of {len(header)} columns, got shape {table.shape}")
    col = {name: i for i, name in enumerate(header)}
    if "t" in col:
        t = table[:, col["t"]]
    elif rate_hz is not None:
        t = np.arange(table.shape[0]) / rate_hz
    else:
        raise RecordingError(f"{path}: no 't' column and no rate given (expected a 't' column in seconds)")
    gyro = table[:, [col[c] for c in GYRO_COLUMNS]] if all(c in col for c in GYRO_COLUMNS) else None
    rec = Recording(
        subject=str(meta.get("subject", path.stem)),
        trial=str(meta.get("trial", "0")),
        label=meta.get("label"),  # type: ignore[arg-type]
        acc=table[:, [col[c] for c in ACC_COLUMNS]],
        acc_t=t,
        gravity=str(meta.get("gravity", "included")),
        location=str(meta.get("location", "unknown")),
        gyro=gyro,
        source=str(meta.get("source", "csv")),
    )
    return rec.validate(str(path))


def save_csv(rec: Recording, path: str | Path) -> None:
    header = ["t", *ACC_COLUMNS] + ([*GYRO_COLUMNS] if rec.gyro is not None else [])
    cols = [rec.acc_t[:, None], rec.acc] + ([rec.gyro] if rec.gyro is not None else [])
    np.savetxt(path, np.hstack(cols), delimiter=",", header=",".join(header), comments="", fmt="%.9g")


def load_recording(path: str | Path, rate_hz: float | None = None) -> Recording:
    """Load a single recording file by extension (.npz or .csv)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".npz":
        return load_npz(path)
    if suffix == ".csv":
        return load_csv(path, rate_hz=rate_hz)
    raise RecordingError(f"{path}: unsupported recording type {suffix!r} (expected .npz or .csv)")

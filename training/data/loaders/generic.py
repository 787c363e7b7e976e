"""The generic format a user can produce from anything: a folder of NPZ or CSV recordings.

Layout (docs/data.md, "Portable formats"): ``<root>/index.csv`` with columns ``file, subject, trial, label``
and optionally ``rate_hz`` (for CSVs without a ``t`` column; checked against an NPZ's stamps), ``gravity`` (included/removed) and
``location``; each ``file`` is a portable NPZ or CSV recording relative to the root. Without an
index, every ``*.npz`` in the folder is read with the metadata it carries.
"""

from __future__ import annotations

import csv
from pathlib import Path

from har_kd_ros.recordings.recording import Recording, RecordingError, load_csv, load_npz
from training.data.loaders import DatasetError
from training.data.skeleton_check import check_skeleton
from training.data.span_check import check_session_spans
from training.data.units import GRAVITY, looks_like_g, median_magnitude

REQUIRED = ("file", "subject", "trial", "label")


def load_generic(root: str | Path) -> list[Recording]:
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: dataset folder not found")
    index = root / "index.csv"
    if not index.is_file():
        files = sorted(root.glob("*.npz"))
        if not files:
            raise DatasetError(f"{root}: expected index.csv or *.npz recordings, found neither")
        return [_check(_wrap(load_npz, f), f) for f in files]
    with index.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise DatasetError(f"{index}: no rows (expected columns {', '.join(REQUIRED)})")
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise DatasetError(f"{index}: missing columns {missing} (expected {', '.join(REQUIRED)})")
    recordings = []
    for line, row in enumerate(rows, start=2):
        path = root / row["file"]
        meta = {k: row[k] for k in ("subject", "trial", "label")}
        if row.get("gravity"):
            meta["gravity"] = row["gravity"]
        if row.get("location"):
            meta["location"] = row["location"]
        try:
            rate = float(row["rate_hz"]) if row.get("rate_hz") else None
        except ValueError:
            raise DatasetError(f"{index}:{line}: rate_hz {row['rate_hz']!r} is not a number") from None
        if path.suffix.lower() == ".csv":
            rec = _wrap(lambda p, r=rate, m=meta: load_csv(p, rate_hz=r, source="generic", **m), path)
        elif path.suffix.lower() == ".npz":
            rec = _wrap(load_npz, path).with_(**meta)
            # an NPZ carries its stamps: a declared rate must agree with them, not override them
            if rate is not None and abs(rec.acc_rate_hz - rate) > 0.05 * rate:
                raise DatasetError(
                    f"{index}:{line}: rate_hz {rate:g} but {row['file']} is stamped at {rec.acc_rate_hz:.3g} Hz"
                )
        else:
            raise DatasetError(f"{index}:{line}: file {row['file']!r} is neither .csv nor .npz")
        recordings.append(_check(rec.validate(str(path)), path))
    return recordings


def _check(rec: Recording, path: Path) -> Recording:
    """The data checks itself: accelerometer units, and a skeleton's body and clock."""
    rec = _check_units(rec, path)
    if rec.skeleton is not None and rec.topology:
        check_skeleton(rec.skeleton, rec.topology, str(path))
        check_session_spans(rec, str(path))
    return rec


def _check_units(rec: Recording, path: Path) -> Recording:
    """An accelerometer with gravity reads about 9.8 m/s^2 at rest and while walking: a median
    magnitude near 1 is a file in g that says m/s^2, and every image the student saw would be a
    tenth of what the robot shows it."""
    if rec.gravity == "included":
        median = median_magnitude(rec.acc)
        if looks_like_g(median):
            raise DatasetError(
                f"{path}: median |acc| is {median:.2f}, which looks like g with gravity included; "
                f"expected m/s^2 (about 9.8): multiply by {GRAVITY}"
            )
    return rec


def _wrap(loader, path: Path) -> Recording:
    try:
        return loader(path)
    except RecordingError as exc:
        raise DatasetError(str(exc)) from None

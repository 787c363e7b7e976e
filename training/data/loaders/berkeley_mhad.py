"""Berkeley-MHAD (Ofli et al. 2013): Shimmer accelerometers + optical mocap skeletons.

Layout: ``Accelerometer/Shimmer0{1..6}/acc_h0N_sXX_aYY_rZZ.txt`` (whitespace columns x, y, z,
timestamp) and ``Mocap/SkeletalData/skl_sXX_aYY_rZZ.bvh``. What the public description does not
pin down is detected once per sensor, not per trial: acceleration units (g in the release, from
the median magnitude of all the sensor's samples, which include gravity) and timestamp units (the
release logs Unix seconds; milliseconds are accepted), and an IMU span that disagrees with its
mocap's is an error. Which Shimmer sits where is read from the data (LOCATIONS). Both streams
start at the trial start (the release is synchronised); mocap joints (centimetres, y up, 480 Hz)
are matched by name regardless of case (the release writes ``spine``, ``spine1``), converted to
metres, and checked as a body (training/data/skeleton_check.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from har_kd_ros.recordings.recording import Recording
from har_kd_ros.skeleton.topology import BERKELEY_MHAD_JOINTS
from training.data.loaders import DatasetError
from training.data.loaders.bvh import BVHError, read_bvh
from training.data.skeleton_check import check_skeleton
from training.data.span_check import check_trimmed_spans
from training.data.units import GRAVITY, MS2_MEDIAN, looks_like_g, median_magnitude

ACTIONS: tuple[str, ...] = (
    "jumping_in_place", "jumping_jacks", "bending", "punching", "waving_two_hands", "waving_one_hand",
    "clapping", "throwing", "sit_down_stand_up", "sit_down", "stand_up",
)  # fmt: skip
# where each Shimmer is worn, from the data (docs/data.md): only Shimmer02 moves when one hand waves
LOCATIONS = {1: "wrist", 2: "right_wrist", 3: "hip", 4: "hip", 5: "ankle", 6: "ankle"}
_NAME = re.compile(r"^acc_h0(\d)_s(\d+)_a(\d+)_r(\d+)\.txt$")


def read_shimmer_table(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(t seconds from the first sample, acc as logged) of one Shimmer text file."""
    try:
        table = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path}: not a readable Shimmer file ({exc})") from None
    if table.shape[1] != 4 or table.shape[0] < 2:
        raise DatasetError(f"{path}: expected rows of 'x y z timestamp', got shape {table.shape}")
    if not np.isfinite(table).all():
        raise DatasetError(f"{path}: contains NaN/Inf")
    acc, stamps = table[:, :3], table[:, 3]
    step = float(np.median(np.diff(stamps)))
    if not step > 0:
        raise DatasetError(f"{path}: timestamps do not increase")
    t = (stamps - stamps[0]) * (1e-3 if step > 1.0 else 1.0)  # Shimmer logs milliseconds; accept seconds too
    return t, acc


def acc_scale(folder: Path, tables: list[np.ndarray]) -> float:
    """One unit for a whole sensor, from the median |acc| of all its samples (gravity included):
    one vigorous trial in g reads 2 and more, but the sensor's samples together read about 1."""
    magnitude = median_magnitude(np.concatenate(tables))
    if looks_like_g(magnitude):
        return GRAVITY
    if MS2_MEDIAN[0] <= magnitude <= MS2_MEDIAN[1]:
        return 1.0
    raise DatasetError(f"{folder}: median |acc| {magnitude:.3g} is neither ~1 g nor ~9.8 m/s^2 (raw ADC counts?)")


def load_berkeley_mhad(root: str | Path, shimmer: int = 2, with_skeleton: bool = True) -> list[Recording]:
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root}: Berkeley-MHAD folder not found")
    if shimmer not in range(1, 7):
        raise DatasetError(f"shimmer: expected 1..6, got {shimmer}")
    folder = root / "Accelerometer" / f"Shimmer0{shimmer}"
    files = sorted(p for p in folder.glob("acc_h0*_s*_a*_r*.txt") if _NAME.match(p.name))
    if not files:
        raise DatasetError(
            f"{folder}: no acc_h0{shimmer}_sXX_aYY_rZZ.txt files (expected the Berkeley-MHAD Accelerometer folder)"
        )
    tables = [read_shimmer_table(path) for path in files]
    scale = acc_scale(folder, [acc for _, acc in tables])
    recordings = []
    for path, (t, acc) in zip(files, tables, strict=True):
        _, s, a, r = (int(g) for g in _NAME.match(path.name).groups())
        if not 1 <= a <= len(ACTIONS):
            raise DatasetError(f"{path}: action a{a:02d} outside a01..a{len(ACTIONS):02d}")
        acc = acc * scale
        skeleton = skeleton_t = None
        if with_skeleton:
            bvh = root / "Mocap" / "SkeletalData" / f"skl_s{s:02d}_a{a:02d}_r{r:02d}.bvh"
            if not bvh.is_file():
                raise DatasetError(f"{bvh}: mocap skeleton missing for {path.name}")
            try:
                names, positions, frame_time = read_bvh(bvh)
            except BVHError as exc:
                raise DatasetError(str(exc)) from None
            # the release names its spine joints in lower case (spine, spine1, spine2)
            lower = {n.lower(): i for i, n in enumerate(names)}
            missing = [j for j in BERKELEY_MHAD_JOINTS if j.lower() not in lower]
            if missing:
                raise DatasetError(f"{bvh}: joints {missing} missing (has {list(names)})")
            skeleton = positions[:, [lower[j.lower()] for j in BERKELEY_MHAD_JOINTS]] * 0.01  # BVH cm -> m
            check_skeleton(skeleton, "berkeley_mhad", str(bvh))
            skeleton_t = np.arange(skeleton.shape[0]) * frame_time
        recordings.append(
            Recording(
                subject=f"s{s:02d}", trial=str(r), label=ACTIONS[a - 1], acc=acc, acc_t=t, gravity="included",
                location=LOCATIONS[shimmer], skeleton=skeleton, skeleton_t=skeleton_t,
                topology="berkeley_mhad" if with_skeleton else None, source="berkeley_mhad",
            ).validate(str(path))
        )  # fmt: skip
        if with_skeleton:
            check_trimmed_spans(recordings[-1], f"{path} + {bvh.name}", "the release: Shimmer stamps in seconds, "
                                "about 31 Hz; mocap at the BVH's frame time")  # fmt: skip
    return recordings

"""Berkeley-MHAD (Ofli et al. 2013): Shimmer accelerometers + optical mocap skeletons.

Layout: ``Accelerometer/Shimmer0{1..6}/acc_h0N_sXX_aYY_rZZ.txt`` (whitespace columns x, y, z,
timestamp) and ``Mocap/SkeletalData/skl_sXX_aYY_rZZ.bvh``. What the public description does not
pin down is detected, not assumed: acceleration units (g or m/s^2, from the median magnitude of
the trial, which includes gravity) and timestamp units (ms or s, from the median step). Which
Shimmer sits on which body part is not stated in what we could retrieve, so ``shimmer`` is a
required choice and the location is recorded as ``shimmer0N``. Both streams start at the trial
start (the release is synchronised); mocap joints are read by the usual BVH names of the
``berkeley_mhad`` topology and a file without them is an error listing what it has.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from har_kd_ros.recording import Recording
from har_kd_ros.skeleton import BERKELEY_MHAD_JOINTS
from training.data.loaders import DatasetError
from training.data.loaders.bvh import BVHError, read_bvh

GRAVITY = 9.80665
ACTIONS: tuple[str, ...] = (
    "jumping_in_place", "jumping_jacks", "bending", "punching", "waving_two_hands", "waving_one_hand",
    "clapping", "throwing", "sit_down_stand_up", "sit_down", "stand_up",
)  # fmt: skip
_NAME = re.compile(r"^acc_h0(\d)_s(\d+)_a(\d+)_r(\d+)\.txt$")


def read_shimmer(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(t seconds from the first sample, acc m/s^2) of one Shimmer text file."""
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
    magnitude = float(np.median(np.linalg.norm(acc, axis=1)))
    if 0.5 <= magnitude <= 2.0:
        acc = acc * GRAVITY
    elif not 5.0 <= magnitude <= 20.0:
        raise DatasetError(f"{path}: median |acc| {magnitude:.3g} is neither ~1 g nor ~9.8 m/s^2 (raw ADC counts?)")
    return t, acc


def load_berkeley_mhad(root: str | Path, shimmer: int = 1, with_skeleton: bool = True) -> list[Recording]:
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
    recordings = []
    for path in files:
        _, s, a, r = (int(g) for g in _NAME.match(path.name).groups())
        if not 1 <= a <= len(ACTIONS):
            raise DatasetError(f"{path}: action a{a:02d} outside a01..a{len(ACTIONS):02d}")
        t, acc = read_shimmer(path)
        skeleton = skeleton_t = None
        if with_skeleton:
            bvh = root / "Mocap" / "SkeletalData" / f"skl_s{s:02d}_a{a:02d}_r{r:02d}.bvh"
            if not bvh.is_file():
                raise DatasetError(f"{bvh}: mocap skeleton missing for {path.name}")
            try:
                names, positions, frame_time = read_bvh(bvh)
            except BVHError as exc:
                raise DatasetError(str(exc)) from None
            missing = [j for j in BERKELEY_MHAD_JOINTS if j not in names]
            if missing:
                raise DatasetError(f"{bvh}: joints {missing} missing (has {list(names)})")
            skeleton = positions[:, [names.index(j) for j in BERKELEY_MHAD_JOINTS]]
            skeleton_t = np.arange(skeleton.shape[0]) * frame_time
        recordings.append(
            Recording(
                subject=f"s{s:02d}", trial=str(r), label=ACTIONS[a - 1], acc=acc, acc_t=t, gravity="included",
                location=f"shimmer0{shimmer}", skeleton=skeleton, skeleton_t=skeleton_t,
                topology="berkeley_mhad" if with_skeleton else None, source="berkeley_mhad",
            ).validate(str(path))
        )  # fmt: skip
    return recordings

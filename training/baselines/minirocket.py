"""MiniRocket (Dempster et al., KDD 2021), the classical reference for multivariate series:
random convolution features and a ridge classifier, fitted on exactly the GAF student's
training windows and scored on its validation and test windows (aeon's implementation).

No epochs and no selection: validation is reported, never used. Wall time covers fitting and
predicting (the first call in a process also compiles aeon's numba kernels, about 10 s here).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from training.engine.metrics import classification_report, recording_report, tracked
from training.engine.run import RunFolder


def fit_minirocket(train: np.ndarray, y: np.ndarray, seed: int) -> Any:
    try:
        from aeon.classification.convolution_based import MiniRocketClassifier
    except ImportError:
        raise ValueError("method: minirocket needs aeon (pip install -r requirements/training.txt)") from None
    if train.shape[-1] < 9:
        raise ValueError(f"method: minirocket needs windows of at least 9 samples, got {train.shape[-1]}")
    return MiniRocketClassifier(random_state=seed, n_jobs=1).fit(train.astype(np.float64), y)


def run_minirocket(config: dict[str, Any], prepared: Any, run_dir: Path | None) -> dict[str, Any]:
    """Fit on the training windows, report val and test as the student loop does."""
    labels = prepared.label_names
    windows = prepared.raw_imu
    y = {part: prepared.splits[part]["y"].numpy() for part in ("train", "val", "test")}
    t0 = time.perf_counter()
    model = fit_minirocket(windows["train"], y["train"], int(config["seed"]))
    pred = {part: model.predict(windows[part].astype(np.float64)).astype(np.int64) for part in ("val", "test")}
    seconds = time.perf_counter() - t0
    test = classification_report(y["test"], pred["test"], labels)
    result = {
        "best_epoch": 0,
        "val_accuracy": _accuracy(y["val"], pred["val"]),
        "val": classification_report(y["val"], pred["val"], labels),
        "test": test,
        # the windows a skeleton teacher is scored on: students and teachers compared on the same ones
        "test_tracked": classification_report(*tracked(prepared.splits["test"], y["test"], pred["test"]), labels),
        "test_recordings": recording_report(
            prepared.splits["test"]["recording"].numpy(), y["test"], pred["test"], labels
        ),
        "n_train": len(y["train"]),
        "n_val": len(y["val"]),
        "n_test": len(y["test"]),
        "train_seconds": seconds,  # fitting and predicting
        "teacher_test_accuracy": {},
    }
    if run_dir is not None:
        folder = RunFolder(run_dir, config)
        folder.write_json("metrics.json", result)
        result["run_dir"] = str(run_dir)
    return result


def _accuracy(y: np.ndarray, pred: np.ndarray) -> float:
    return float((y == pred).mean()) if len(y) else float("nan")

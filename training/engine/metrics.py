"""Classification metrics (numpy): accuracy, macro-F1 (the real one), per-class F1, confusion."""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Rows = true class, columns = predicted class."""
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return cm


def per_class_f1(cm: np.ndarray) -> np.ndarray:
    """F1 per class; a class with no true and no predicted samples scores 0 (and is reported)."""
    tp = np.diag(cm).astype(np.float64)
    precision_den = cm.sum(axis=0)
    recall_den = cm.sum(axis=1)
    denom = precision_den + recall_den
    return np.where(denom > 0, 2 * tp / np.maximum(denom, 1), 0.0)


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, labels: tuple[str, ...]) -> dict:
    cm = confusion_matrix(y_true, y_pred, len(labels))
    f1 = per_class_f1(cm)
    present = cm.sum(axis=1) > 0
    return {
        "accuracy": float(np.trace(cm) / max(cm.sum(), 1)),
        "macro_f1": float(f1[present].mean()) if present.any() else 0.0,
        "per_class_f1": {name: float(v) for name, v in zip(labels, f1, strict=True)},
        "confusion_matrix": cm.tolist(),
        "n": int(cm.sum()),
    }

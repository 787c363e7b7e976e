"""A run folder: everything needed to trust and reproduce one training run."""

from __future__ import annotations

import csv
import json
import subprocess
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from training.engine.metrics import majority_vote

REPO_ROOT = Path(__file__).resolve().parents[2]


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=5, check=False
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    commit = out.stdout.strip() or "unknown"
    return commit + ("+dirty" if dirty.stdout.strip() else "")


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RunFolder:
    """Writes config.json, metrics.csv, metrics.json and plots into one directory."""

    def __init__(self, path: str | Path, config: Any, resume: bool = False, resolved: Any = None):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        cfg = asdict(config) if is_dataclass(config) else dict(config)
        self.meta = {"config": cfg, "git_commit": git_commit(), "started": now_iso()}
        # name -> (recording, truth, prediction, labels) of every window, as write_predictions wrote them
        self._predictions: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]] = {}
        if resolved is not None and resolved != cfg:  # the config's ``auto`` entries as the data resolved them
            self.meta["resolved"] = dict(resolved)
        self._csv_header: list[str] | None = None
        metrics = self.path / "metrics.csv"
        if resume and metrics.is_file():
            with metrics.open(newline="") as f:
                self._csv_header = next(csv.reader(f), None)
        else:
            metrics.unlink(missing_ok=True)
        (self.path / "config.json").write_text(json.dumps(self.meta, indent=2, default=str) + "\n")

    def read_history(self) -> list[dict[str, float]]:
        """The per-epoch rows logged so far (to resume an interrupted run)."""
        metrics = self.path / "metrics.csv"
        if not metrics.is_file():
            return []
        with metrics.open(newline="") as f:
            return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f)]

    def log_epoch(self, row: dict[str, float]) -> None:
        new = self._csv_header is None
        if new:
            self._csv_header = list(row)
        with (self.path / "metrics.csv").open("a", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=self._csv_header)
            if new:
                writer.writeheader()
            writer.writerow(row)

    def write_json(self, name: str, data: dict) -> None:
        (self.path / name).write_text(json.dumps(data, indent=2, default=float) + "\n")

    def write_predictions(self, name: str, split: dict, logits: Any, labels: tuple[str, ...]) -> None:
        """One row per window: its recording and span, the truth, the prediction and every class's
        probability, so per-recording or per-span scores need no internal API."""
        z = np.asarray(logits, dtype=np.float64)
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        columns = {k: split[k].numpy() for k in ("recording", "t_start", "t_end") if k in split}
        if "recording" in columns:  # kept for write_recordings' per-recording votes
            self._predictions[name] = (columns["recording"], split["y"].numpy(), z.argmax(1), labels)
        with (self.path / name).open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["window", *columns, "label", "predicted", *(f"p_{name}" for name in labels)])
            for i in range(len(z)):
                writer.writerow(
                    [i, *(f"{v[i]:.6g}" if v.dtype.kind == "f" else int(v[i]) for v in columns.values()),
                     labels[int(split["y"][i])], labels[int(z[i].argmax())], *(f"{q:.5f}" for q in p[i])]
                )  # fmt: skip

    def write_recordings(self, recordings: list, parts: dict[str, list[int]]) -> None:
        """``recordings.csv``: every recording of the dataset (the ``recording`` column of the
        predictions) with its subject, trial, source file and split; and, once the test predictions
        are written, ``test_recordings.csv``: each test recording's majority vote beside its label
        (metrics.majority_vote, so the file and metrics.json's recording accuracy agree, ties too)."""
        part_of = {i: part for part, idx in parts.items() for i in idx}
        with (self.path / "recordings.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["recording", "subject", "trial", "label", "location", "split", "source"])
            for i, r in enumerate(recordings):
                writer.writerow([i, r.subject, r.trial, r.label or "", r.location, part_of.get(i, ""), r.source])
        if "test_predictions.csv" not in self._predictions:
            return
        windows, y_true, y_pred, labels = self._predictions["test_predictions.csv"]
        ids, owner, counts = np.unique(windows, return_inverse=True, return_counts=True)
        truth, vote = majority_vote(windows, y_true, y_pred)  # the vote the metrics report
        right = np.bincount(owner, weights=(y_true == y_pred), minlength=len(ids))
        with (self.path / "test_recordings.csv").open("w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["recording", "subject", "trial", "label", "vote", "windows", "window_accuracy", "source"])
            for k, i in enumerate(ids.tolist()):
                r = recordings[i]
                writer.writerow([i, r.subject, r.trial, labels[truth[k]], labels[vote[k]], int(counts[k]),
                                 f"{right[k] / counts[k]:.4f}", r.source])  # fmt: skip

    def plot_curves(self, history: list[dict[str, float]]) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        epochs = [h["epoch"] for h in history]
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
        ax1.plot(epochs, [h["train_loss"] for h in history], label="train")
        ax1.plot(epochs, [h["val_loss"] for h in history], label="val")
        ax1.set_xlabel("epoch"), ax1.set_ylabel("loss"), ax1.legend()
        ax2.plot(epochs, [h["train_acc"] for h in history], label="train")
        ax2.plot(epochs, [h["val_acc"] for h in history], label="val")
        ax2.set_xlabel("epoch"), ax2.set_ylabel("accuracy"), ax2.legend()
        fig.tight_layout()
        fig.savefig(self.path / "curves.png", dpi=100)
        plt.close(fig)

    def plot_confusion(self, cm: np.ndarray, labels: tuple[str, ...], title: str) -> None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        cm = np.asarray(cm)
        norm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        fig, ax = plt.subplots(figsize=(1.0 + 0.55 * len(labels), 0.8 + 0.5 * len(labels)))
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        for i in range(len(labels)):
            for j in range(len(labels)):
                if cm[i, j]:
                    ax.text(
                        j,
                        i,
                        str(cm[i, j]),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if norm[i, j] > 0.5 else "black",
                    )
        ax.set_xlabel("predicted"), ax.set_ylabel("true"), ax.set_title(title)
        fig.tight_layout()
        fig.savefig(self.path / "confusion_matrix.png", dpi=100)
        plt.close(fig)

"""A student on the robot: model card + ONNX Runtime session, windows in, probabilities out.

The card is read and validated before the ONNX file is opened, then checked against the
graph, so a student that would silently misread the IMU never starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from har_kd_ros.gaf import gaf
from har_kd_ros.model_card import ModelCard, ModelCardError, card_path_for, check_against_graph

MODELS_DIR = Path(__file__).resolve().parent / "models"
DEFAULT_MODEL = MODELS_DIR / "student_default.onnx"


class ModelLoadError(RuntimeError):
    """The model file is missing, unreadable, or not a valid ONNX graph."""


def softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Prediction:
    """Class probabilities for one window, with the grid stamp of its last sample."""

    probabilities: np.ndarray
    labels: tuple[str, ...]
    t_end: float

    @property
    def label(self) -> str:
        return self.labels[int(np.argmax(self.probabilities))]

    @property
    def confidence(self) -> float:
        return float(np.max(self.probabilities))


class StudentClassifier:
    """Loads ``model.onnx`` with its ``model.json`` card and classifies (C, W) IMU windows."""

    def __init__(self, model_path: str | Path = DEFAULT_MODEL, threads: int = 1):
        path = Path(model_path)
        self.card = ModelCard.load(card_path_for(path))
        if not path.is_file():
            raise ModelLoadError(f"{path}: model file not found")
        import onnxruntime as ort  # deferred: importing it costs ~0.2 s and tests of the card need none

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several private exception types
            raise ModelLoadError(f"{path}: not a loadable ONNX model ({str(exc).splitlines()[0][:200]})") from None
        check_against_graph(
            self.card,
            [(i.name, list(i.shape)) for i in self.session.get_inputs()],
            [(o.name, list(o.shape)) for o in self.session.get_outputs()],
            str(card_path_for(path)),
        )
        self.path = path

    @property
    def labels(self) -> tuple[str, ...]:
        return self.card.labels

    def encode(self, windows: np.ndarray) -> np.ndarray:
        """(N, C, W) windows -> (N, C, S, S) GAF images, exactly as in training."""
        return gaf(windows, **self.card.gaf_kwargs())

    def probabilities(self, windows: np.ndarray) -> np.ndarray:
        """(N, C, W) or (C, W) windows -> (N, K) or (K,) class probabilities."""
        x = np.asarray(windows, dtype=np.float32)
        single = x.ndim == 2
        if single:
            x = x[None]
        expected = (len(self.card.channels), self.card.window_samples)
        if x.ndim != 3 or x.shape[1:] != expected:
            raise ModelCardError(f"windows: expected (N, {expected[0]}, {expected[1]}) per the card, got {x.shape}")
        logits = self.session.run([self.card.output_name], {self.card.input_name: self.encode(x)})[0]
        p = softmax(logits.astype(np.float64))
        return p[0] if single else p

    def predict(self, window: np.ndarray, t_end: float = float("nan")) -> Prediction:
        return Prediction(self.probabilities(window), self.labels, t_end)

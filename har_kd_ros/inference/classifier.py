"""Models on the robot: model card + ONNX Runtime session, windows in, probabilities out.

The card is read and validated before the ONNX file is opened, then checked against the
graph, so a model that would silently misread its input never starts. Students read IMU
windows (GAF-encoded here), teachers read skeleton windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from har_kd_ros.errors import first_line
from har_kd_ros.inference.gaf import gaf
from har_kd_ros.inference.model_card import ModelCard, ModelCardError, card_path_for, check_against_graph

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_MODEL = MODELS_DIR / "student_default.onnx"
DEFAULT_TEACHER = MODELS_DIR / "teacher_default.onnx"


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


class OnnxModel:
    """A card-described ONNX model: the card is validated before the graph is opened, then against it."""

    modality = ""

    def __init__(self, model_path: str | Path, threads: int = 1):
        path = Path(model_path)
        if not path.is_file():  # first: a wrong path is about the model, not its card
            raise ModelLoadError(f"{path}: model file not found (expected an .onnx with its card beside it)")
        card_path = card_path_for(path)
        self.card = ModelCard.load(card_path)
        if self.card.modality != self.modality:
            raise ModelCardError(
                f"{card_path}: field 'modality': expected {self.modality!r} for a {type(self).__name__}, "
                f"got {self.card.modality!r}"
            )
        import onnxruntime as ort  # deferred: importing it costs ~0.2 s and tests of the card need none

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises several private exception types
            raise ModelLoadError(f"{path}: not a loadable ONNX model ({first_line(exc)})") from None
        check_against_graph(
            self.card,
            [(i.name, list(i.shape)) for i in self.session.get_inputs()],
            [(o.name, list(o.shape)) for o in self.session.get_outputs()],
            str(card_path),
        )
        self.path = path

    @property
    def labels(self) -> tuple[str, ...]:
        return self.card.labels

    def _run(self, inputs: np.ndarray, outputs: list[str]) -> list[np.ndarray]:
        return self.session.run(outputs, {self.card.input_name: inputs})

    def predict(self, window: np.ndarray, t_end: float = float("nan")) -> Prediction:
        return Prediction(self.probabilities(window), self.labels, t_end)

    def probabilities(self, windows: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class StudentClassifier(OnnxModel):
    """Loads ``model.onnx`` with its ``model.json`` card and classifies (C, W) IMU windows."""

    modality = "imu_gaf"

    def __init__(self, model_path: str | Path = DEFAULT_MODEL, threads: int = 1):
        super().__init__(model_path, threads)

    def encode(self, windows: np.ndarray) -> np.ndarray:
        """(N, C, W) windows -> (N, C, S, S) GAF images, exactly as in training."""
        return gaf(windows, **self.card.gaf_kwargs())

    def probabilities(self, windows: np.ndarray) -> np.ndarray:
        """(N, C, W) or (C, W) windows -> (N, K) or (K,) class probabilities."""
        x = np.asarray(windows, dtype=np.float32)
        single = x.ndim == 2
        p = self.classify_images(self.encode(self.check_windows(x[None] if single else x)))
        return p[0] if single else p

    def check_windows(self, windows: np.ndarray) -> np.ndarray:
        """(N, C, W) float32 as the card says, or a one-line ModelCardError."""
        x = np.asarray(windows, dtype=np.float32)
        expected = (len(self.card.channels), self.card.window_samples)
        if x.ndim != 3 or x.shape[1:] != expected:
            raise ModelCardError(f"windows: expected (N, {expected[0]}, {expected[1]}) per the card, got {x.shape}")
        return x

    def classify_images(self, images: np.ndarray) -> np.ndarray:
        """(N, C, S, S) GAF images -> (N, K) probabilities (separate so a node can time GAF and ONNX apart)."""
        return softmax(self._run(images, [self.card.output_name])[0].astype(np.float64))


class TeacherClassifier(OnnxModel):
    """A skeleton teacher: (F, 16, 3) canonical body-frame windows -> class probabilities.

    Its windows come from :mod:`har_kd_ros.skeleton.window`, the code training pairs with.
    """

    modality = "skeleton"

    def __init__(self, model_path: str | Path = DEFAULT_TEACHER, threads: int = 1):
        super().__init__(model_path, threads)

    def _check(self, windows: np.ndarray) -> tuple[np.ndarray, bool]:
        x = np.asarray(windows, dtype=np.float32)
        single = x.ndim == 3
        if single:
            x = x[None]
        expected = (self.card.skeleton_frames, len(self.card.joints), 3)
        if x.ndim != 4 or x.shape[1:] != expected:
            raise ModelCardError(f"windows: expected (N, {', '.join(map(str, expected))}) per the card, got {x.shape}")
        return x, single

    def logits_and_embedding(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """(N, F, 16, 3) -> logits (N, K) and, if the model exports one, the embedding (N, D)."""
        x, _ = self._check(windows)
        if not self.card.embedding_name:
            return self._run(x, [self.card.output_name])[0], None
        logits, embedding = self._run(x, [self.card.output_name, self.card.embedding_name])
        return logits, embedding

    def probabilities(self, windows: np.ndarray) -> np.ndarray:
        x, single = self._check(windows)
        p = softmax(self._run(x, [self.card.output_name])[0].astype(np.float64))
        return p[0] if single else p

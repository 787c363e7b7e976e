"""MediaPipe Pose behind one small interface: RGB image in, 33 landmarks (or nobody) out.

Two backends, because MediaPipe changed how it ships models:
- ``solutions``: the legacy ``mp.solutions.pose`` API of mediapipe 0.10.x, whose wheel bundles
  the pose models (model_complexity=1), so it works offline. The default here.
- ``tasks``: the PoseLandmarker Tasks API, which needs a ``.task`` model file
  (``model_asset_path``); the only API of mediapipe 1.x. har_kd_ros.skeleton.pose_task makes one offline
  from the models a 0.10.x wheel bundles.
mediapipe is imported lazily, so the rest of the runtime never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from har_kd_ros.errors import first_line
from har_kd_ros.skeleton.topology import MEDIAPIPE_POSE

N_LANDMARKS = len(MEDIAPIPE_POSE.joints)
BACKENDS = ("auto", "solutions", "tasks")


class PoseError(RuntimeError):
    """The pose backend cannot start (mediapipe missing, model file missing, bad option)."""


@dataclass(frozen=True)
class Pose:
    """One person: world landmarks (metres, origin between the hips, camera-aligned axes: x right,
    y down, z away from the camera), image landmarks (x, y in [0, 1] of width/height, z relative
    depth on the scale of x) and per-landmark visibility in [0, 1]."""

    world: np.ndarray  # (33, 3)
    image: np.ndarray  # (33, 3)
    visibility: np.ndarray  # (33,)


class PoseEstimator(Protocol):
    name: str

    def estimate(self, rgb: np.ndarray, timestamp_ms: int) -> Pose | None: ...

    def close(self) -> None: ...


def landmarks_to_pose(world: Any, image: Any) -> Pose | None:
    """Sequences of landmark objects (``.x .y .z [.visibility]``) -> :class:`Pose`; None if absent."""
    if world is None or image is None or len(world) != N_LANDMARKS or len(image) != N_LANDMARKS:
        return None
    w = np.array([(p.x, p.y, p.z) for p in world], dtype=np.float64)
    i = np.array([(p.x, p.y, p.z) for p in image], dtype=np.float64)
    visibility = np.array([getattr(p, "visibility", None) or 0.0 for p in image], dtype=np.float64)
    if not (np.isfinite(w).all() and np.isfinite(i).all()):
        return None
    return Pose(w, i, np.clip(visibility, 0.0, 1.0))


def import_mediapipe() -> Any:
    try:
        import mediapipe as mp
    except ImportError as exc:
        raise PoseError(
            f"mediapipe is not importable ({exc}); install requirements/camera.txt, then "
            "pip install --no-deps -r requirements/camera-nodeps.txt"
        ) from None
    return mp


class SolutionsPose:
    """Legacy ``mp.solutions.pose`` (mediapipe 0.10.x, models bundled in the wheel)."""

    name = "solutions"

    def __init__(
        self,
        static_image_mode: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ):
        mp = import_mediapipe()
        if not hasattr(mp, "solutions"):
            raise PoseError(
                f"mediapipe {getattr(mp, '__version__', '?')} has no legacy solutions API: set "
                "model_asset_path to a PoseLandmarker .task file (python -m har_kd_ros.skeleton.pose_task makes one "
                "under mediapipe 0.10.x)"
            )
        # model_complexity 0 and 2 download their model at first use: only 1 ships in the wheel
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static_image_mode,
            model_complexity=1,
            smooth_landmarks=not static_image_mode,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def estimate(self, rgb: np.ndarray, timestamp_ms: int) -> Pose | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None or result.pose_world_landmarks is None:
            return None
        return landmarks_to_pose(result.pose_world_landmarks.landmark, result.pose_landmarks.landmark)

    def close(self) -> None:
        self._pose.close()


class TasksPose:
    """PoseLandmarker (Tasks API) from a ``.task`` file, in VIDEO mode (tracking across frames)."""

    name = "tasks"

    def __init__(
        self,
        model_asset_path: str,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        static_image_mode: bool = False,
    ):
        if not model_asset_path or not Path(model_asset_path).is_file():
            raise PoseError(f"model_asset_path: expected a PoseLandmarker .task file, got {model_asset_path!r}")
        mp = import_mediapipe()
        vision = mp.tasks.vision
        options = vision.PoseLandmarkerOptions(
            base_options=mp.tasks.BaseOptions(model_asset_path=str(model_asset_path)),
            running_mode=vision.RunningMode.IMAGE if static_image_mode else vision.RunningMode.VIDEO,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError with multi-line text
            raise PoseError(f"{model_asset_path}: not a loadable PoseLandmarker model ({first_line(exc)})") from None
        self._mp = mp
        self._static = static_image_mode
        self._last_ms = -1

    def estimate(self, rgb: np.ndarray, timestamp_ms: int) -> Pose | None:
        timestamp_ms = max(int(timestamp_ms), self._last_ms + 1)  # VIDEO mode needs increasing stamps
        self._last_ms = timestamp_ms
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._static:  # every image on its own, as for unrelated photos
            result = self._landmarker.detect(image)
        else:
            result = self._landmarker.detect_for_video(image, timestamp_ms)
        if not result.pose_landmarks or not result.pose_world_landmarks:
            return None
        return landmarks_to_pose(result.pose_world_landmarks[0], result.pose_landmarks[0])

    def close(self) -> None:
        self._landmarker.close()


def make_pose_estimator(
    backend: str = "auto",
    model_asset_path: str = "",
    static_image_mode: bool = False,
    min_detection_confidence: float = 0.5,
    min_tracking_confidence: float = 0.5,
) -> PoseEstimator:
    """``auto``: Tasks if a model file is given or the installed mediapipe has no legacy API
    (1.x), else the legacy solution whose model the wheel bundles."""
    if backend not in BACKENDS:
        raise PoseError(f"backend: expected one of {BACKENDS}, got {backend!r}")
    if backend == "auto" and not model_asset_path:
        backend = "solutions" if hasattr(import_mediapipe(), "solutions") else "tasks"
    if backend == "tasks" or (backend == "auto" and model_asset_path):
        if not model_asset_path:
            mp = import_mediapipe()
            raise PoseError(
                f"model_asset_path: mediapipe {getattr(mp, '__version__', '?')} has only the Tasks API, which "
                "needs a PoseLandmarker .task file (python -m har_kd_ros.skeleton.pose_task makes one under mediapipe 0.10.x)"
            )
        return TasksPose(model_asset_path, min_detection_confidence, min_tracking_confidence, static_image_mode)
    return SolutionsPose(static_image_mode, min_detection_confidence, min_tracking_confidence)

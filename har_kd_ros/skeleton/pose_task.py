"""A PoseLandmarker ``.task`` made offline from the pose models a mediapipe 0.10.x wheel bundles.

mediapipe 1.x has only the Tasks API, which reads a ``.task`` (a zip of ``pose_detector.tflite``
and ``pose_landmarks_detector.tflite``) and ships no model. The 0.10.x wheels bundle both models
for the legacy API, but the landmark model lacks the metadata the Tasks API needs to feed it
(its input is pixels / 255); the wheel's own metadata writer adds it. The result loads in 0.10.x
and 1.x::

    python -m har_kd_ros.skeleton.pose_task pose_landmarker_full.task   # under mediapipe 0.10.x

then ``skeleton_node --ros-args -p model_asset_path:=.../pose_landmarker_full.task``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from har_kd_ros.errors import first_line
from har_kd_ros.skeleton.pose import PoseError, import_mediapipe

DETECTOR = Path("modules") / "pose_detection" / "pose_detection.tflite"
LANDMARKS = Path("modules") / "pose_landmark" / "pose_landmark_full.tflite"


def build_pose_task(out: str | Path) -> Path:
    """Write the ``.task`` to ``out`` (a new file) and return its path."""
    out = Path(out)
    if out.suffix != ".task":
        raise PoseError(f"{out}: expected a file name ending in .task")
    if not out.parent.is_dir():
        raise PoseError(f"{out}: the folder {out.parent} does not exist")
    mp = import_mediapipe()
    base = Path(mp.__file__).parent
    missing = [str(p) for p in (DETECTOR, LANDMARKS) if not (base / p).is_file()]
    if missing:
        raise PoseError(
            f"mediapipe {getattr(mp, '__version__', '?')} ships no {', '.join(missing)}: "
            "run this under mediapipe 0.10.x (requirements/camera-nodeps.txt), whose wheel bundles them"
        )
    from mediapipe.tasks.python.metadata.metadata_writers import (
        metadata_writer,
        model_asset_bundle_utils,
        writer_utils,
    )

    landmarks = bytearray((base / LANDMARKS).read_bytes())
    writer = metadata_writer.MetadataWriter.create(landmarks)
    writer.add_general_info("pose_landmarks_detector", "MediaPipe pose landmarks (full), from the mediapipe wheel")
    writer.add_image_input(norm_mean=[0.0], norm_std=[255.0])  # the model reads RGB pixels / 255
    for name in writer_utils.get_output_tensor_names(landmarks):
        writer.add_feature_output(name=name)
    landmarks_with_metadata, _ = writer.populate()
    model_asset_bundle_utils.create_model_asset_bundle(
        {
            "pose_detector.tflite": (base / DETECTOR).read_bytes(),
            "pose_landmarks_detector.tflite": landmarks_with_metadata,
        },
        str(out),
    )
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m har_kd_ros.skeleton.pose_task OUT.task", file=sys.stderr)
        return 2
    try:
        path = build_pose_task(args[0])
    except PoseError as exc:
        print(f"pose_task: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the metadata writer's own errors are multi-line
        print(f"pose_task: {args[0]}: could not be written ({first_line(exc)})", file=sys.stderr)
        return 1
    print(f"{path}: PoseLandmarker model ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

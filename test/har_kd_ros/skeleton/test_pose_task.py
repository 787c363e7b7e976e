"""The PoseLandmarker .task made from the mediapipe wheel's own models, on a real photo."""

from __future__ import annotations

import types

import numpy as np
import pytest

from har_kd_ros.skeleton import pose
from har_kd_ros.skeleton.pose import PoseError, TasksPose, make_pose_estimator
from har_kd_ros.skeleton.pose_task import build_pose_task, main
from har_kd_ros.skeleton.topology import MEDIAPIPE_POSE

pytest.importorskip("mediapipe", reason="the camera requirements are not installed")
skimage_data = pytest.importorskip("skimage.data")


@pytest.fixture(scope="module")
def task(tmp_path_factory):
    return build_pose_task(tmp_path_factory.mktemp("pose") / "pose_landmarker_full.task")


def visible(p, name: str) -> bool:
    return bool(p.visibility[MEDIAPIPE_POSE.index(name)] > 0.5)


@pytest.mark.parametrize("static", [False, True])
def test_the_tasks_backend_finds_the_astronaut_like_the_legacy_one(task, static):
    photo = np.ascontiguousarray(skimage_data.astronaut())
    tasks = make_pose_estimator("auto", str(task), static_image_mode=static)
    assert isinstance(tasks, TasksPose)
    found = tasks.estimate(photo, 0)
    tasks.close()
    legacy = make_pose_estimator("solutions", static_image_mode=True)
    reference = legacy.estimate(photo, 0)
    legacy.close()
    assert found is not None and found.world.shape == (33, 3)
    assert all(visible(found, j) for j in ("nose", "left_shoulder", "right_shoulder"))
    # the same models, fed the same pixels: world landmarks within a few centimetres
    upper = [MEDIAPIPE_POSE.index(j) for j in ("nose", "left_shoulder", "right_shoulder", "left_eye", "right_eye")]
    assert np.abs(found.world[upper] - reference.world[upper]).max() < 0.05


def test_a_mediapipe_without_the_legacy_api_needs_a_task_file_and_says_how(monkeypatch, task):
    monkeypatch.setattr(pose, "import_mediapipe", lambda: types.SimpleNamespace(__version__="1.0.0"))
    with pytest.raises(PoseError, match=r"mediapipe 1\.0\.0 has only the Tasks API.*har_kd_ros\.skeleton\.pose_task"):
        make_pose_estimator("auto")


def test_bad_output_names_are_one_line_and_exit_1(tmp_path, capsys):
    assert main([str(tmp_path / "pose.tflite")]) == 1
    assert main([str(tmp_path / "no" / "such" / "pose.task")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].endswith("pose.tflite: expected a file name ending in .task")
    assert "does not exist" in err[1] and len(err) == 2
    assert main([]) == 2

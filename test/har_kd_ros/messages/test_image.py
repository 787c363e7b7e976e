from types import SimpleNamespace

import numpy as np
import pytest

from har_kd_ros.messages.image import ImageError, compressed_to_rgb, image_to_rgb
from har_kd_ros.skeleton.pose import N_LANDMARKS, PoseError, landmarks_to_pose, make_pose_estimator


@pytest.fixture
def rgb():
    return np.random.default_rng(0).integers(0, 256, size=(6, 5, 3), dtype=np.uint8)


def test_rgb_and_bgr_decode_to_the_same_pixels(rgb):
    assert np.array_equal(image_to_rgb("rgb8", 6, 5, 15, rgb.tobytes()), rgb)
    assert np.array_equal(image_to_rgb("bgr8", 6, 5, 15, rgb[:, :, ::-1].copy().tobytes()), rgb)
    rgba = np.concatenate([rgb, np.full((6, 5, 1), 255, np.uint8)], axis=2)
    assert np.array_equal(image_to_rgb("rgba8", 6, 5, 20, rgba.tobytes()), rgb)


def test_padded_rows_and_mono(rgb):
    padded = np.zeros((6, 18), np.uint8)  # 3 bytes of padding per row
    padded[:, :15] = rgb.reshape(6, 15)
    assert np.array_equal(image_to_rgb("rgb8", 6, 5, 18, padded.tobytes()), rgb)
    grey = rgb[:, :, 0].copy()
    out = image_to_rgb("mono8", 6, 5, 5, grey.tobytes())
    assert out.shape == (6, 5, 3) and np.array_equal(out[:, :, 2], grey)


@pytest.mark.parametrize(
    ("encoding", "height", "width", "step", "size", "field"),
    [
        ("yuv422", 6, 5, 10, 60, "encoding"),
        ("rgb8", 6, 5, 10, 90, "step"),
        ("rgb8", 6, 5, 15, 89, "data"),
        ("rgb8", 0, 5, 15, 0, "size"),
    ],
)
def test_bad_images_are_one_line_errors(encoding, height, width, step, size, field):
    with pytest.raises(ImageError, match=field) as info:
        image_to_rgb(encoding, height, width, step, bytes(size))
    assert "\n" not in str(info.value)


def test_compressed_png_round_trip(rgb):
    cv2 = pytest.importorskip("cv2")
    ok, png = cv2.imencode(".png", rgb[:, :, ::-1])
    assert ok and np.array_equal(compressed_to_rgb("png", png.tobytes()), rgb)
    with pytest.raises(ImageError, match="decodable"):
        compressed_to_rgb("jpeg", b"not a jpeg")


def _landmarks(n, visibility=0.9):
    return [SimpleNamespace(x=0.1 * i, y=-0.1 * i, z=0.01 * i, visibility=visibility) for i in range(n)]


def test_landmarks_become_a_pose_or_nothing():
    pose = landmarks_to_pose(_landmarks(N_LANDMARKS), _landmarks(N_LANDMARKS, 1.7))
    assert pose is not None and pose.world.shape == (33, 3) and pose.world[2, 1] == pytest.approx(-0.2)
    assert np.all(pose.visibility == 1.0)  # clipped to [0, 1]
    assert landmarks_to_pose(None, None) is None
    assert landmarks_to_pose(_landmarks(17), _landmarks(17)) is None  # not MediaPipe's 33


def test_pose_backend_errors_are_one_line():
    with pytest.raises(PoseError, match="backend"):
        make_pose_estimator("openpose")
    with pytest.raises(PoseError, match="model_asset_path"):
        make_pose_estimator("tasks", "/nonexistent/pose.task")

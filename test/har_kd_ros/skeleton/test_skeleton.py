import numpy as np
import pytest

from har_kd_ros.skeleton.topology import (
    CANONICAL_JOINTS,
    KINECT_V1,
    MEDIAPIPE_POSE,
    TOPOLOGIES,
    body_frame,
    get_topology,
    to_canonical,
)


@pytest.mark.parametrize("name", sorted(TOPOLOGIES))
def test_every_canonical_joint_is_a_convex_combination(name):
    topo = get_topology(name)
    m = topo.mapping_matrix()
    assert m.shape == (len(CANONICAL_JOINTS), len(topo.joints))
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    assert (m >= 0).all()
    assert all(a in topo.joints and b in topo.joints for a, b in topo.bones)


def test_mediapipe_pelvis_is_mid_hips_and_y_down_becomes_z_up():
    frames = np.zeros((1, 33, 3))
    frames[0, MEDIAPIPE_POSE.index("left_hip")] = [0.1, 0.0, 0.0]
    frames[0, MEDIAPIPE_POSE.index("right_hip")] = [-0.1, 0.0, 0.0]
    frames[0, MEDIAPIPE_POSE.index("left_ear")] = [0.05, -0.7, 0.0]  # above the hips: y is negative
    frames[0, MEDIAPIPE_POSE.index("right_ear")] = [-0.05, -0.7, 0.0]
    c = to_canonical(frames, "mediapipe_pose")[0]
    np.testing.assert_allclose(c[CANONICAL_JOINTS.index("pelvis")], 0.0, atol=1e-12)
    assert c[CANONICAL_JOINTS.index("head"), 2] == pytest.approx(0.7)


def test_kinect_y_up_becomes_z_up():
    frames = np.zeros((1, 20, 3))
    frames[0, KINECT_V1.index("head")] = [0.0, 0.6, 2.0]
    c = to_canonical(frames, KINECT_V1)[0]
    assert c[CANONICAL_JOINTS.index("head"), 2] == pytest.approx(0.6)


def test_body_frame_removes_placement_and_size(small_dataset):
    rec = small_dataset[0]
    frames = rec.skeleton[np.isfinite(rec.skeleton).all(axis=(1, 2))][:20]
    angle = 1.1
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    moved = 1.7 * frames @ rot.T + np.array([3.0, -2.0, 0.5])
    np.testing.assert_allclose(body_frame(frames), body_frame(moved), atol=1e-9)
    b = body_frame(frames)
    hips = (b[:, CANONICAL_JOINTS.index("hip_r")] - b[:, CANONICAL_JOINTS.index("hip_l")]).mean(axis=0)
    assert abs(np.arctan2(hips[1], hips[0])) < 1e-9  # the mean hip line lies along +x


def test_bad_input():
    with pytest.raises(ValueError, match="topology"):
        get_topology("openpose_25")
    with pytest.raises(ValueError, match=r"\(T, 20, 3\)"):
        to_canonical(np.zeros((5, 33, 3)), "kinect_v1")
    with pytest.raises(ValueError, match="no frame"):
        body_frame(np.full((3, 16, 3), np.nan))

"""imu_axes: every rotation of the axes onto the watch frame, and nothing else, is accepted."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from har_kd_ros.imu.axes import IDENTITY, AxisMap


def signed_permutations():
    for perm in itertools.permutations("xyz"):
        for signs in itertools.product("+-", repeat=3):
            yield " ".join(("-" if s == "-" else "") + a for s, a in zip(signs, perm, strict=True))


def test_the_24_rotations_parse_and_the_24_mirror_images_are_refused():
    accepted, refused = [], []
    for text in signed_permutations():
        try:
            accepted.append(AxisMap.parse(text))
        except ValueError as exc:
            assert "mirror image" in str(exc) and text in str(exc)
            refused.append(text)
    assert len(accepted) == len(refused) == 24
    for m in accepted:
        r = m.matrix
        assert np.allclose(r @ r.T, np.eye(3)) and np.isclose(np.linalg.det(r), 1.0)
        assert AxisMap.parse(str(m)) == m


def test_a_map_reads_each_watch_axis_from_the_imu_axis_named_for_it():
    m = AxisMap.parse("-y, x, +z")
    imu = np.array([[1.0, 2.0, 3.0], [-4.0, 5.0, 9.81]])
    assert m.apply(imu).tolist() == [[-2.0, 1.0, 3.0], [-5.0, -4.0, 9.81]]
    assert np.allclose(m.apply(imu), imu @ m.matrix.T)
    assert m.channel_sources(("acc_x", "acc_y", "gyro_x", "gyro_z")) == [
        ("acc_y", -1.0),
        ("acc_x", 1.0),
        ("gyro_y", -1.0),
        ("gyro_z", 1.0),
    ]
    assert AxisMap.parse(IDENTITY).identity and not m.identity and str(m) == "-y x z"


def test_a_rotation_keeps_what_the_physics_ties_together():
    """A forearm turning about the watch's z: the centripetal acceleration of a point at radius r
    is w x (w x r) in any frame, so mapping acc and gyro alike keeps the relation."""
    m = AxisMap.parse("z -x -y")
    w_watch, r_watch = np.array([0.0, 0.0, 2.0]), np.array([0.3, 0.0, 0.0])
    rt = m.matrix.T  # imu = R^T watch
    w_imu, r_imu = rt @ w_watch, rt @ r_watch
    a_imu = np.cross(w_imu, np.cross(w_imu, r_imu))
    assert np.allclose(m.apply(a_imu), np.cross(w_watch, np.cross(w_watch, r_watch)))
    assert np.allclose(m.apply(w_imu), w_watch)


@pytest.mark.parametrize("text", ["", "x y", "x y z x", "x x z", "x y w", "--x y z", "+-x y z", "xy z", "1 2 3"])
def test_anything_else_is_one_line_naming_the_parameter(text):
    with pytest.raises(ValueError) as info:
        AxisMap.parse(text)
    message = str(info.value)
    assert message.startswith("imu_axes: expected three of x, y, z") and "\n" not in message
    assert repr(text) in message

"""Skeletons in PointCloud2 payloads: the round trip, and clouds that lie about their layout."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from property_settings import FAST

from har_kd_ros.messages.pointcloud import (
    FLOAT32,
    FLOAT64,
    POINT_STEP,
    SKELETON_FIELDS,
    decode_skeleton,
    encode_skeleton,
)


def test_skeleton_round_trip():
    pts = np.random.default_rng(0).normal(size=(33, 3))
    vis = np.linspace(0, 1, 33)
    xyz, v = decode_skeleton(list(SKELETON_FIELDS), encode_skeleton(pts, vis), POINT_STEP, 33)
    np.testing.assert_allclose(xyz, pts, atol=1e-6)
    np.testing.assert_allclose(v, vis, atol=1e-6)


def test_big_endian_doubles_in_any_field_order_without_visibility():
    pts = np.arange(12, dtype=float).reshape(4, 3) - 5.5
    fields = [("z", 0, FLOAT64, 1), ("pad", 8, FLOAT32, 1), ("x", 12, FLOAT64, 1), ("y", 20, FLOAT64, 1)]
    data = np.zeros((4, 28), dtype=np.uint8)
    for name, offset, _, _ in fields:
        if name != "pad":
            data[:, offset : offset + 8] = pts[:, "xyz".index(name)].astype(">f8")[:, None].view(np.uint8)
    xyz, v = decode_skeleton(fields, data.tobytes(), 28, 4, big_endian=True)
    np.testing.assert_array_equal(xyz, pts)
    np.testing.assert_array_equal(v, np.ones(4))  # no visibility field: every landmark visible


@pytest.mark.parametrize(
    ("fields", "data", "point_step", "n", "reason"),
    [
        ([("x", 0, 7, 1)], bytes(64), 16, 4, r"lacks \['y', 'z'\]"),
        (list(SKELETON_FIELDS), bytes(60), 16, 4, "data: 60 bytes for 4 points of 16 bytes"),
        ([("x", 0, 7, 1), ("y", 4, 7, 1), ("z", 8, 2, 1)], bytes(64), 16, 4, "z has datatype 2"),
        ([("x", 0, 7, 1), ("y", 4, 7, 1), ("z", 14, 7, 1)], bytes(64), 16, 4, "z at offset 14 does not fit"),
        ([("x", 0, 7, 1), ("y", 4, 7, 1), ("z", 2**32 - 1, 7, 1)], bytes(64), 16, 4, "z at offset 4294967295"),
        ([("x", 0, 7, 1), ("y", 0, 7, 1), ("z", 0, 7, 1)], b"", 0, 2**40, "does not fit in a point of 0 bytes"),
    ],
)
def test_a_cloud_that_lies_about_its_layout_is_one_line(fields, data, point_step, n, reason):
    with pytest.raises(ValueError, match=reason) as error:
        decode_skeleton(fields, data, point_step, n)
    assert "\n" not in str(error.value)


field = st.tuples(
    st.sampled_from(["x", "y", "z", "visibility", "rgb"]), st.integers(0, 64), st.integers(0, 9), st.integers(0, 2)
)


@FAST
@given(
    fields=st.lists(field, max_size=6),
    data=st.binary(max_size=128),
    point_step=st.integers(0, 40),
    n=st.integers(0, 2**33),
)
def test_any_cloud_gives_a_skeleton_of_its_points_or_a_value_error(fields, data, point_step, n):
    try:
        xyz, visibility = decode_skeleton(fields, data, point_step, n)
    except ValueError:
        return
    assert xyz.shape == (n, 3) and visibility.shape == (n,)

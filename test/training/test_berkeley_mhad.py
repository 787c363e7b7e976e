import numpy as np
import pytest
from release_writers import berkeley_bvh, write_berkeley_mhad

from har_kd_ros.skeleton.topology import BERKELEY_MHAD_JOINTS, to_canonical
from training.data.loaders import DatasetError
from training.data.loaders.berkeley_mhad import ACTIONS, load_berkeley_mhad
from training.data.loaders.bvh import BVHError, read_bvh


def bvh_text(truncate: bool = False) -> str:
    return berkeley_bvh(60, np.random.default_rng(0), truncate=truncate)


def test_bvh_forward_kinematics_by_hand(tmp_path):
    path = tmp_path / "two.bvh"
    path.write_text(
        "HIERARCHY\nROOT A\n{\n OFFSET 0 0 0\n CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation\n"
        " JOINT B\n {\n  OFFSET 1 0 0\n  CHANNELS 3 Zrotation Xrotation Yrotation\n  End Site\n  {\n   OFFSET 1 0 0\n  }\n }\n}\n"
        "MOTION\nFrames: 2\nFrame Time: 0.5\n0 0 0 0 0 0 0 0 0\n10 0 0 90 0 0 0 0 0\n"
    )
    names, positions, frame_time = read_bvh(path)
    assert names == ("A", "B") and frame_time == 0.5
    np.testing.assert_allclose(positions[0], [[0, 0, 0], [1, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(positions[1], [[10, 0, 0], [10, 1, 0]], atol=1e-12)  # root turned 90 deg about z


@pytest.mark.parametrize("units", ["g", "m/s^2"])
def test_layout_units_and_skeleton(tmp_path, units):
    write_berkeley_mhad(tmp_path, units=units)
    recs = load_berkeley_mhad(tmp_path, shimmer=2)
    assert [(r.subject, r.label) for r in recs] == [("s01", ACTIONS[3]), ("s08", ACTIONS[6])]
    r = recs[0]
    assert np.linalg.norm(r.acc, axis=1).mean() == pytest.approx(9.81, abs=0.1)
    assert r.acc_rate_hz == pytest.approx(31.0, rel=0.01) and r.acc_t[0] == 0.0
    assert r.skeleton.shape == (1392, len(BERKELEY_MHAD_JOINTS), 3) and r.skeleton_rate_hz == pytest.approx(
        480.0, rel=1e-3
    )
    assert r.location == "right_wrist"
    canonical = to_canonical(r.skeleton, "berkeley_mhad")
    assert (canonical[:, 3, 2] > canonical[:, 0, 2]).all()  # head above pelvis once y-up becomes z-up


def test_bad_berkeley_files(tmp_path):
    write_berkeley_mhad(tmp_path, trials=((2, 1, 1),))
    acc = tmp_path / "Accelerometer" / "Shimmer02" / "acc_h02_s02_a01_r01.txt"
    bvh = tmp_path / "Mocap" / "SkeletalData" / "skl_s02_a01_r01.bvh"
    bvh.write_text(bvh_text(truncate=True))
    with pytest.raises(DatasetError, match="truncated"):
        load_berkeley_mhad(tmp_path, shimmer=2)
    bvh.write_text(bvh_text().replace("LeftHand", "LHand"))
    with pytest.raises(DatasetError, match=r"joints \['LeftHand'\] missing"):
        load_berkeley_mhad(tmp_path, shimmer=2)
    bvh.unlink()
    with pytest.raises(DatasetError, match="mocap skeleton missing"):
        load_berkeley_mhad(tmp_path, shimmer=2)
    acc.write_text("1 2 3\n4 5 6\n")
    with pytest.raises(DatasetError, match="'x y z timestamp'"):
        load_berkeley_mhad(tmp_path, shimmer=2, with_skeleton=False)
    np.savetxt(acc, np.column_stack([np.full((5, 3), 500.0), np.arange(5) * 33.0]))
    with pytest.raises(DatasetError, match="neither ~1 g"):
        load_berkeley_mhad(tmp_path, shimmer=2, with_skeleton=False)
    with pytest.raises(DatasetError, match="no acc_h01"):
        load_berkeley_mhad(tmp_path, shimmer=1)
    (tmp_path / "x.bvh").write_text("MOTION\n")
    with pytest.raises(BVHError, match="HIERARCHY"):
        read_bvh(tmp_path / "x.bvh")


def test_the_release_naming_one_vigorous_trial_and_device_ticks(tmp_path):
    """The release's joints (lower-case spine, twist joints) load; units are the sensor's, so one
    trial at 2.5 g stays in g; an IMU clock that is not seconds makes the IMU and mocap spans
    disagree: one line."""
    write_berkeley_mhad(tmp_path / "a", trials=((1, 1, 1), (1, 2, 1), (1, 4, 1)), vigorous=((1, 4, 1),))
    recs = load_berkeley_mhad(tmp_path / "a", shimmer=2)
    assert len(recs) == 3 and np.median(np.linalg.norm(recs[2].acc, axis=1)) == pytest.approx(2.5 * 9.81, rel=0.05)
    write_berkeley_mhad(tmp_path / "b", trials=((1, 1, 1),), ticks=True)
    with pytest.raises(
        DatasetError,
        match=r"acc_h02_s01_a01_r01\.txt \+ skl_s01_a01_r01\.bvh: the IMU spans 93\.\d+ s .*, the skeleton 2\.90 s",
    ):
        load_berkeley_mhad(tmp_path / "b", shimmer=2)


def test_a_mocap_skeleton_with_left_and_right_swapped_is_refused(tmp_path):
    """The release's toes give the body's facing, so a BVH whose sides are named the other way
    round (a mirrored export) is one line naming the file, not a teacher that mixes up the hands."""
    write_berkeley_mhad(tmp_path, trials=((1, 1, 1),))
    bvh = tmp_path / "Mocap" / "SkeletalData" / "skl_s01_a01_r01.bvh"
    swapped = bvh.read_text().replace("Right", "\0").replace("Left", "Right").replace("\0", "Left")
    bvh.write_text(swapped)
    with pytest.raises(DatasetError, match=r"skl_s01_a01_r01\.bvh: the right shoulder is on the body's right in 0%"):
        load_berkeley_mhad(tmp_path, shimmer=2)

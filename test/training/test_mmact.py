"""MMAct loader on files written in MMAct's trimmed layout from synthetic paired recordings."""

import json
import warnings

import numpy as np
import pytest
from release_writers import write_mmact

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS, to_canonical
from training.data.datasets import load_dataset
from training.data.loaders import DatasetError
from training.data.loaders.mmact import load_mmact, parse_stamp
from training.data.pairing import WindowSpec, pair_recording


def test_stamps_parse_with_and_without_fraction():
    assert parse_stamp("20181106_10:13:45.5") - parse_stamp("20181106_10:13:44") == pytest.approx(1.5)
    assert parse_stamp("20181107_00:00:00.000000") - parse_stamp("20181106_23:59:59.750000") == pytest.approx(0.25)
    with pytest.raises(ValueError, match="YYYYMMDD_HH:MM:SS"):
        parse_stamp("2018-11-06 10:13:44")


def test_layout_units_stamps_and_keypoints(tmp_path):
    written = write_mmact(tmp_path, cameras=("cam1", "cam2"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every clip is known, regular and has keypoints: no warning
        recs = load_mmact(tmp_path)
    assert sorted((r.subject, r.label, r.trial) for r in recs) == [
        ("s01", "drinking", "scene2_session1"), ("s01", "walking", "scene2_session1"),
        ("s17", "drinking", "scene2_session1"), ("s17", "walking", "scene2_session1"),
    ]  # fmt: skip
    for r in recs:
        src = written[(int(r.subject[1:]), r.label, 1)]
        np.testing.assert_allclose(r.acc, src.acc, atol=1e-6)  # m/s^2 kept
        np.testing.assert_allclose(r.acc_t, src.acc_t - src.acc_t[0], atol=2e-6)  # microsecond stamps
        assert (r.topology, r.gravity, r.location, r.source) == ("coco_17", "included", "right_wrist", "mmact")
        assert r.skeleton.shape == (src.skeleton.shape[0], 17, 2) and r.skeleton_rate_hz == pytest.approx(30.0)
        dropped = ~np.isfinite(src.skeleton).all(axis=(1, 2))
        assert np.isnan(r.skeleton[dropped]).all() and np.isfinite(r.skeleton[~dropped]).all()


def test_keypoints_lift_to_an_upright_planar_body_the_teacher_pairs_with(tmp_path):
    written = write_mmact(tmp_path, subjects=(3,), activities=("walking",))
    (rec,) = load_mmact(tmp_path)
    canonical = to_canonical(rec.skeleton, "coco_17")
    assert canonical.shape == (len(rec.skeleton), 16, 3) and np.nanmax(np.abs(canonical[..., 1])) == 0.0
    j = CANONICAL_JOINTS.index
    tracked = np.isfinite(canonical).all(axis=(1, 2))
    assert (canonical[tracked, j("head"), 2] > canonical[tracked, j("pelvis"), 2]).all()  # image y down -> z up
    assert (canonical[tracked, j("pelvis"), 2] > canonical[tracked, j("ankle_r"), 2]).all()

    # Root-relative and torso-scaled, the planar body is the true body's x-z projection, up to the
    # perspective of a camera 4 m away and the walker's turn away from it.
    def planar(frames):
        xz = frames[..., [0, 2]] - frames[:, j("pelvis"), None][..., [0, 2]]
        return xz / np.linalg.norm(xz[:, j("neck")], axis=-1)[:, None, None]

    error = np.abs(planar(canonical[tracked]) - planar(written[(3, "walking", 1)].skeleton[tracked]))
    assert error.mean() < 0.08, error.mean()
    spec = WindowSpec(rate_hz=50.0, window_samples=64, hop_samples=32, skeleton_frames=16)
    w = pair_recording(rec, spec)
    acc, skel, valid = w.acc, w.skeleton, w.skeleton_valid
    assert valid.all() and np.isfinite(skel).all() and acc.shape[0] == skel.shape[0] >= 6


def test_documented_skips_warn(tmp_path):
    write_mmact(tmp_path, subjects=(2,), activities=("walking", "drinking"))
    clip = tmp_path / "Sensor_trimmed" / "acc_watch_clip" / "subject2" / "scene2" / "session1"
    # second-resolution stamps (no fraction): repeated values, spread evenly over the span (8 s,
    # about the keypoints' 8.9 s)
    rows = [f"20181106_10:13:{44 + i // 50:02d},0.1,9.7,0.2" for i in range(450)]
    (clip / "drinking.csv").write_text("\n".join(rows) + "\n")
    (clip / "Waving_Wildly.csv").write_text("\n".join(rows) + "\n")  # not an MMAct action
    with pytest.warns(UserWarning) as caught:
        recs = load_mmact(tmp_path)
    text = " | ".join(str(w.message) for w in caught)
    assert "2 of 3 clips had repeated or unordered stamps" in text
    assert "['waving_wildly'] are not MMAct names we know" in text
    assert "1 of 3 clips have no cam1 keypoint file" in text
    drinking = next(r for r in recs if r.label == "drinking")
    np.testing.assert_allclose(np.diff(drinking.acc_t), 8.0 / 449)
    assert next(r for r in recs if r.label == "waving_wildly").skeleton is None
    with pytest.warns(UserWarning) as caught:
        assert len(load_mmact(tmp_path, camera="cam3", with_skeleton=False)) == 3
    assert not any("keypoint" in str(w.message) for w in caught)  # none asked for, none missed


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("stamp", r"Walking\.csv: row 3: expected YYYYMMDD_HH:MM:SS"),
        ("columns", r"Walking\.csv: row 2: expected 4 columns"),
        ("nan", r"Walking\.csv: contains NaN/Inf"),
        ("counts", r"Walking\.csv: median \|acc\| 2\.06e\+03 is not m/s\^2 with gravity"),
        ("g_units", r"Walking\.csv: median \|acc\| 1 is not m/s\^2"),
        ("one_row", r"Walking\.csv: expected at least 2 rows"),
        ("json", r"walking\.json: not a readable keypoint JSON"),
        ("person", r"walking\.json: frame 'frame_00002': person1: expected 51 numbers"),
        ("frames", r"walking\.json: expected a JSON object of frames"),
    ],
)
def test_damaged_files_name_the_file(tmp_path, damage, message):
    write_mmact(tmp_path, subjects=(1,), activities=("walking",))
    csv = next(tmp_path.rglob("Walking.csv"))
    pose = next(tmp_path.rglob("walking.json"))
    lines = csv.read_text().splitlines()
    if damage == "stamp":
        lines[2] = "2018-11-06 10:13:44," + lines[2].split(",", 1)[1]
    elif damage == "columns":
        lines[1] += ",0.0"
    elif damage == "nan":
        lines[5] = lines[5].rsplit(",", 1)[0] + ",nan"
    elif damage == "counts":
        lines = [line.split(",")[0] + ",1200,1650,300" for line in lines]
    elif damage == "g_units":
        lines = [line.split(",")[0] + ",0,1,0" for line in lines]
    elif damage == "one_row":
        lines = lines[:1]
    elif damage == "json":
        pose.write_text(pose.read_text()[:500])
    elif damage == "person":
        frames = json.loads(pose.read_text())
        frames["frame_00002"]["person1"] = frames["frame_00002"]["person1"][:-3]
        pose.write_text(json.dumps(frames))
    elif damage == "frames":
        pose.write_text("[]")
    csv.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=message) as info:
        load_mmact(tmp_path)
    assert "\n" not in str(info.value)


def test_bad_folders_and_options(tmp_path):
    with pytest.raises(DatasetError, match="MMAct folder not found"):
        load_mmact(tmp_path / "nope")
    with pytest.raises(DatasetError, match="no acc_watch_clip folder"):
        load_mmact(tmp_path)
    (tmp_path / "acc_watch_clip" / "subject1").mkdir(parents=True)
    with pytest.raises(DatasetError, match="no subjectN/sceneK/sessionM/<action>.csv clips"):
        load_mmact(tmp_path)
    with pytest.raises(DatasetError, match="sensor: expected one of"):
        load_mmact(tmp_path, sensor="gyro")
    with pytest.raises(DatasetError, match="camera: expected camN"):
        load_mmact(tmp_path, camera="front")


def test_load_dataset_caches_mmact_by_content(tmp_path, monkeypatch):
    from training.data import cache

    monkeypatch.setattr(cache, "DEFAULT_ROOT", tmp_path / "cache")
    write_mmact(tmp_path / "mmact", subjects=(1,), activities=("walking",))
    first = load_dataset("mmact", tmp_path / "mmact")
    second = load_dataset("mmact", tmp_path / "mmact")
    np.testing.assert_array_equal(first[0].acc, second[0].acc)
    np.testing.assert_array_equal(first[0].skeleton, second[0].skeleton)
    assert second[0].topology == "coco_17" and len(list((tmp_path / "cache").glob("mmact-*.npz"))) == 1


def test_a_teacher_learns_from_mmact_keypoints(tmp_path, monkeypatch):
    """The 2-D path end to end: MMAct files -> planar canonical bodies -> a skeleton teacher that
    generalises to the protocol's unseen subjects 17-18."""
    from training.__main__ import main
    from training.data import cache

    monkeypatch.setattr(cache, "DEFAULT_ROOT", tmp_path / "cache")
    write_mmact(
        tmp_path / "mmact", subjects=(1, 2, 3, 4, 5, 17, 18), activities=("walking", "running", "drinking", "jumping"),
        sessions=(1, 2),
    )  # fmt: skip
    sets = [
        f"dataset.root={tmp_path / 'mmact'}", f"out={tmp_path / 'runs'}", "window.rate_hz=50.0",
        "window.window_samples=64", "window.hop_samples=32", "window.skeleton_frames=16", "teacher.epochs=20",
        "teacher.width=16", "teacher.embedding=32", "progress=false", "optim.threads=1",
    ]  # fmt: skip
    assert (
        main(["run", "--config", "training/configs/mmact/teacher.yaml", *[x for s in sets for x in ("--set", s)]]) == 0
    )
    (metrics,) = (tmp_path / "runs").rglob("metrics.json")
    result = json.loads(metrics.read_text())
    assert result["test"]["accuracy"] > 0.6, result["test"]  # 4 classes: chance is 0.25


def test_the_challenge_kits_folders_and_its_invalid_file_list(tmp_path):
    """The organisers' kit keeps the sensors two folders down (trimmed/sensors/) and lists bad clips
    in each sensor folder's invalid_files.txt: those are skipped, with one warning."""
    write_mmact(tmp_path / "staging", subjects=(1, 17), activities=("walking", "drinking"))
    (tmp_path / "trimmed").mkdir()
    (tmp_path / "staging" / "Sensor_trimmed").rename(tmp_path / "trimmed" / "sensors")
    (tmp_path / "staging" / "pose").rename(tmp_path / "pose")
    sensor_root = tmp_path / "trimmed" / "sensors" / "acc_watch_clip"
    bad = next(sensor_root.glob("subject17/*/*/drinking.csv"))
    (sensor_root / "invalid_files.txt").write_text(
        f"acc_watch_clip/{bad.relative_to(sensor_root).as_posix()}\nwalking.csv\n"
    )
    with pytest.warns(UserWarning, match="skipped 1 clips that invalid_files.txt lists"):
        recs = load_mmact(tmp_path)
    assert sorted((r.subject, r.label) for r in recs) == [("s01", "drinking"), ("s01", "walking"), ("s17", "walking")]
    assert all(r.location == "right_wrist" for r in recs)


def test_keypoints_upside_down_in_the_image_are_one_line_naming_the_file(tmp_path):
    write_mmact(tmp_path, subjects=(1,), activities=("walking",))
    pose = next((tmp_path / "pose").rglob("walking.json"))
    frames = json.loads(pose.read_text())
    for frame in frames.values():  # y -> 720 - y: the head ends up below the hips
        person = frame["person1"]
        frame["person1"] = [720 - v if i % 3 == 1 else v for i, v in enumerate(person)]
    pose.write_text(json.dumps(frames))
    with pytest.raises(DatasetError, match=r"walking\.json: the head is above the pelvis in 0% of frames"):
        load_mmact(tmp_path)

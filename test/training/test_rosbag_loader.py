import numpy as np
import pytest
from bag_writer import write_bag
from rosbags.rosbag2 import StoragePlugin

from har_kd_ros.skeleton.topology import CANONICAL_JOINTS, to_canonical
from training.data.datasets import load_dataset
from training.data.loaders import DatasetError
from training.data.loaders.rosbag import load_rosbag
from training.data.synthetic import canonical_to_mediapipe, generate_recording, make_subject


@pytest.fixture(scope="module")
def recordings():
    rng = np.random.default_rng(3)
    subject = make_subject(rng, 0)
    return [generate_recording(a, subject, 0, rng, duration_s=4.0) for a in ("walking", "waving")]


def test_mediapipe_view_of_synthetic_maps_back_to_canonical(recordings):
    c = recordings[0].skeleton[np.isfinite(recordings[0].skeleton).all(axis=(1, 2))]
    back = to_canonical(canonical_to_mediapipe(c), "mediapipe_pose")
    back = back + (0.5 * (c[:, CANONICAL_JOINTS.index("hip_l")] + c[:, CANONICAL_JOINTS.index("hip_r")]))[:, None]
    derived = ("pelvis", "spine", "neck", "head")  # MediaPipe has no such landmark: mid-points stand in
    exact = [i for i, j in enumerate(CANONICAL_JOINTS) if j not in derived]
    np.testing.assert_allclose(back[:, exact], c[:, exact], atol=1e-9)
    close = [CANONICAL_JOINTS.index(j) for j in derived]
    assert np.abs(back[:, close] - c[:, close]).max() < 0.12


@pytest.mark.parametrize("storage", [StoragePlugin.SQLITE3, StoragePlugin.MCAP])
def test_bag_recording_pairs_imu_skeleton_and_labels(tmp_path, recordings, storage):
    write_bag(tmp_path / "session1", recordings, storage)
    rec = load_rosbag(tmp_path / "session1")
    total = sum(r.acc.shape[0] for r in recordings)
    assert rec.acc.shape == (total, 3) and rec.topology == "mediapipe_pose" and rec.skeleton.shape[1:] == (33, 3)
    np.testing.assert_allclose(rec.acc[: recordings[0].acc.shape[0]], recordings[0].acc, atol=1e-9)
    np.testing.assert_allclose(rec.gyro[: recordings[0].acc.shape[0]], recordings[0].gyro, atol=1e-9)
    assert [s.label for s in rec.segments] == ["walking", "waving"]
    assert rec.label_at(1000.0 + 2.0) == "walking" and rec.label_at(1000.0 + 4.1 + 2.0) == "waving"
    dropped = ~np.isfinite(recordings[0].skeleton).all(axis=(1, 2))
    assert np.isnan(rec.skeleton[: len(dropped)][dropped]).all()  # low visibility -> untracked


def test_dataset_of_bags_is_cached_by_content(tmp_path, recordings, monkeypatch):
    write_bag(tmp_path / "bags" / "a", recordings[:1])
    write_bag(tmp_path / "bags" / "b", recordings[1:])
    import training.data.cache as cache

    monkeypatch.setattr(cache, "DEFAULT_ROOT", tmp_path / "cache")
    first = load_dataset("rosbag", tmp_path / "bags")
    assert [r.subject for r in first] == ["a", "b"] and len(list((tmp_path / "cache").glob("*.npz"))) == 1
    import training.data.loaders.rosbag as rosbag_loader

    calls, real = [], rosbag_loader.load_rosbag
    monkeypatch.setattr(rosbag_loader, "load_rosbag", lambda *a, **k: (calls.append(a), real(*a, **k))[1])
    second = load_dataset("rosbag", tmp_path / "bags")
    assert calls == []  # served from the cache
    for x, y in zip(first, second, strict=True):
        np.testing.assert_array_equal(x.acc, y.acc)
        np.testing.assert_array_equal(x.skeleton, y.skeleton)
        assert x.segments == y.segments
    write_bag(tmp_path / "bags" / "c", recordings[:1])  # new content -> decoded again, a new entry
    assert len(load_dataset("rosbag", tmp_path / "bags")) == 3 and len(calls) == 3
    assert len(list((tmp_path / "cache").glob("*.npz"))) == 2


def test_bag_errors(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match="no rosbag2 folder"):
        load_dataset("rosbag", tmp_path / "empty", cache=False)
    with pytest.raises(DatasetError, match="not found"):
        load_dataset("rosbag", tmp_path / "missing")


@pytest.mark.parametrize("storage", [StoragePlugin.SQLITE3, StoragePlugin.MCAP])
@pytest.mark.parametrize("damage", ["truncated", "zeroed", "metadata", "storage_missing"])
def test_a_damaged_bag_is_one_error_naming_it_never_a_partial_dataset(tmp_path, recordings, storage, damage):
    bag = tmp_path / "bags" / "session"
    write_bag(bag, recordings, storage)
    write_bag(tmp_path / "bags" / "healthy", recordings, storage)
    (data,) = [p for p in bag.iterdir() if p.suffix in (".db3", ".mcap")]
    raw = data.read_bytes()
    if damage == "truncated":  # a recorder killed mid-write
        data.write_bytes(raw[: len(raw) // 2])
    elif damage == "zeroed":  # a disk error in the middle
        data.write_bytes(raw[: len(raw) // 3] + bytes(len(raw) // 3) + raw[2 * len(raw) // 3 :])
    elif damage == "metadata":
        (bag / "metadata.yaml").write_text("rosbag2_bagfile_information: [unclosed\n")
    else:
        data.unlink()
    with pytest.raises(DatasetError) as err:
        load_dataset("rosbag", tmp_path / "bags", cache=False)
    assert "session" in str(err.value) and "\n" not in str(err.value)


def test_classification_labels_are_timed_by_their_stamp_and_take_the_top_result(tmp_path, recordings):
    write_bag(tmp_path / "bag", recordings, classification=True)
    rec = load_rosbag(tmp_path / "bag", label_topic="/teacher/activity/classification")
    assert [s.label for s in rec.segments] == ["walking", "waving"]  # not the distractor
    assert rec.segments[0].start == pytest.approx(1000.0 + recordings[0].acc_t[0])  # recorded 0.5 s later


def test_a_big_endian_recording_reads_the_same(tmp_path, recordings):
    write_bag(tmp_path / "le", recordings)
    write_bag(tmp_path / "be", recordings, little_endian=False)
    le, be = load_rosbag(tmp_path / "le"), load_rosbag(tmp_path / "be")
    np.testing.assert_array_equal(le.acc, be.acc)
    np.testing.assert_array_equal(le.skeleton, be.skeleton)
    assert le.segments == be.segments


@pytest.mark.parametrize(
    ("topic", "damage", "expected"),
    [
        (
            "/imu",
            lambda data: data[:60],
            r"message \d+ on /imu: serialized Imu: expected \d+ bytes, got 60 \(truncated\)",
        ),
        ("/skeleton", lambda data: data[:-40], r"message \d+ on /skeleton: serialized PointCloud2: data claims"),
        ("/teacher/activity", lambda data: data[:-1] + b"x", r"message \d+ on /teacher/activity: .*NUL-terminated"),
    ],
)
def test_one_unreadable_message_is_one_error_naming_bag_topic_and_message(
    tmp_path, recordings, topic, damage, expected
):
    def damage_one(t, index, data):  # the second message on the topic
        return damage(data) if (t, index) == (topic, 1) else data

    write_bag(tmp_path / "bags" / "session", recordings, damage=damage_one)
    write_bag(tmp_path / "bags" / "healthy", recordings)
    with pytest.raises(DatasetError, match=expected) as err:
        load_dataset("rosbag", tmp_path / "bags", cache=False)
    assert "session" in str(err.value) and "\n" not in str(err.value)


def test_a_skeleton_of_another_topology_is_refused(tmp_path, recordings):
    write_bag(tmp_path / "bag", recordings)
    with pytest.raises(DatasetError, match="/skeleton has 33 points, kinect_v1 has 20"):
        load_rosbag(tmp_path / "bag", topology="kinect_v1")


def test_imu_axes_rotate_a_recorded_imu_onto_the_watch_frame(tmp_path, recordings):
    """The text imu_har takes live: a bag of an IMU mounted as "-y x z" reads back in the watch
    frame; a mirror image is a one-line DatasetError naming the option."""
    from har_kd_ros.imu.axes import AxisMap

    m = AxisMap.parse("-y x z")
    mounted = [r.with_(acc=r.acc @ m.matrix, gyro=r.gyro @ m.matrix) for r in recordings]  # imu = R^T watch
    write_bag(tmp_path / "bag", mounted)
    rec = load_rosbag(tmp_path / "bag", imu_axes="-y x z")
    n = recordings[0].acc.shape[0]
    np.testing.assert_allclose(rec.acc[:n], recordings[0].acc, atol=1e-9)
    np.testing.assert_allclose(rec.gyro[:n], recordings[0].gyro, atol=1e-9)
    assert not np.allclose(load_rosbag(tmp_path / "bag").acc[:n], recordings[0].acc, atol=1e-3)
    with pytest.raises(DatasetError, match=r"^imu_axes: 'y x z' is a mirror image"):
        load_rosbag(tmp_path / "bag", imu_axes="y x z")

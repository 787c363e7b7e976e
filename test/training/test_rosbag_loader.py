import numpy as np
import pytest
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys import Stores, get_typestore

from har_kd_ros.pointcloud import POINT_STEP, SKELETON_FIELDS, decode_skeleton, encode_skeleton
from har_kd_ros.skeleton import CANONICAL_JOINTS, to_canonical
from training.data.datasets import load_dataset
from training.data.loaders import DatasetError
from training.data.loaders.rosbag import load_rosbag
from training.data.synthetic import canonical_to_mediapipe, generate_recording, make_subject

TS = get_typestore(Stores.ROS2_HUMBLE)
T = TS.types


def stamp(t):
    sec, nanosec = divmod(round(t * 1e9), 1_000_000_000)
    return T["builtin_interfaces/msg/Time"](sec=sec, nanosec=nanosec)


def header(t, frame):
    return T["std_msgs/msg/Header"](stamp=stamp(t), frame_id=frame)


def write_bag(path, recordings, storage=StoragePlugin.SQLITE3, t0=1000.0):
    """A bag as the package's nodes record it: /imu (Imu), /skeleton (PointCloud2, MediaPipe order),
    /teacher/activity (String)."""
    V3, Imu, PC2, PF, Str = (
        T[k]
        for k in (
            "geometry_msgs/msg/Vector3",
            "sensor_msgs/msg/Imu",
            "sensor_msgs/msg/PointCloud2",
            "sensor_msgs/msg/PointField",
            "std_msgs/msg/String",
        )
    )
    fields = [PF(name=n, offset=o, datatype=d, count=c) for n, o, d, c in SKELETON_FIELDS]
    with Writer(path, version=8, storage_plugin=storage) as w:
        imu_c = w.add_connection("/imu", Imu.__msgtype__, typestore=TS)
        sk_c = w.add_connection("/skeleton", PC2.__msgtype__, typestore=TS)
        lab_c = w.add_connection("/teacher/activity", Str.__msgtype__, typestore=TS)
        offset = t0
        for rec in recordings:
            msgs = [(offset + rec.acc_t[0], lab_c, Str(data=rec.label), Str.__msgtype__)]
            for t, a in zip(rec.acc_t, rec.acc, strict=True):
                m = Imu(header=header(offset + t, "imu"), orientation=T["geometry_msgs/msg/Quaternion"](x=0.0, y=0.0, z=0.0, w=1.0),
                        orientation_covariance=np.zeros(9), angular_velocity=V3(x=0.0, y=0.0, z=0.0), angular_velocity_covariance=np.zeros(9),
                        linear_acceleration=V3(x=a[0], y=a[1], z=a[2]), linear_acceleration_covariance=np.zeros(9))  # fmt: skip
                msgs.append((offset + t, imu_c, m, Imu.__msgtype__))
            mp = canonical_to_mediapipe(rec.skeleton)
            for t, frame in zip(rec.skeleton_t, mp, strict=True):
                tracked = np.isfinite(frame).all()
                data = encode_skeleton(np.nan_to_num(frame), np.full(33, 0.99 if tracked else 0.1))
                m = PC2(header=header(offset + t, "camera"), height=1, width=33, fields=fields, is_bigendian=False,
                        point_step=POINT_STEP, row_step=POINT_STEP * 33, data=np.frombuffer(data, np.uint8), is_dense=True)  # fmt: skip
                msgs.append((offset + t, sk_c, m, PC2.__msgtype__))
            for t, conn, m, typ in sorted(msgs, key=lambda x: x[0]):
                w.write(conn, int(t * 1e9), TS.serialize_cdr(m, typ))
            offset += rec.duration_s + 0.1


@pytest.fixture(scope="module")
def recordings():
    rng = np.random.default_rng(3)
    subject = make_subject(rng, 0)
    return [generate_recording(a, subject, 0, rng, duration_s=4.0) for a in ("walking", "waving")]


def test_skeleton_pointcloud_round_trip():
    pts = np.random.default_rng(0).normal(size=(33, 3))
    vis = np.linspace(0, 1, 33)
    xyz, v = decode_skeleton(list(SKELETON_FIELDS), encode_skeleton(pts, vis), POINT_STEP, 33)
    np.testing.assert_allclose(xyz, pts, atol=1e-6)
    np.testing.assert_allclose(v, vis, atol=1e-6)
    with pytest.raises(ValueError, match="lacks"):
        decode_skeleton([("x", 0, 7, 1)], b"\0" * 64, 16, 4)


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

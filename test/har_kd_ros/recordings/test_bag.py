import numpy as np
import pytest
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys import Stores, get_typestore

from har_kd_ros.recordings.bag import is_bag, read_imu
from har_kd_ros.recordings.recording import RecordingError


def write_imu_bag(path, storage, n=50, topic="/watch/imu", gyro=True):
    ts = get_typestore(Stores.ROS2_HUMBLE)
    Imu, Header, Time = (
        ts.types["sensor_msgs/msg/Imu"],
        ts.types["std_msgs/msg/Header"],
        ts.types["builtin_interfaces/msg/Time"],
    )
    Vector3, Quaternion = ts.types["geometry_msgs/msg/Vector3"], ts.types["geometry_msgs/msg/Quaternion"]
    acc = np.stack([np.arange(n), -np.arange(n), np.full(n, 9.81)], 1).astype(float)
    with Writer(path, version=8, storage_plugin=storage) as writer:
        conn = writer.add_connection(topic, Imu.__msgtype__, typestore=ts)
        for i in range(n):
            t = 100.0 + i / 50.0
            msg = Imu(
                header=Header(stamp=Time(sec=int(t), nanosec=round((t % 1) * 1e9)), frame_id="imu"),
                orientation=Quaternion(x=0.0, y=0.0, z=0.0, w=1.0), orientation_covariance=np.zeros(9),
                angular_velocity=Vector3(x=0.1, y=0.2, z=0.3),
                # REP 145: -1 in the first element says the driver has no gyroscope
                angular_velocity_covariance=np.zeros(9) if gyro else np.array([-1.0] + [0.0] * 8),
                linear_acceleration=Vector3(x=acc[i, 0], y=acc[i, 1], z=acc[i, 2]), linear_acceleration_covariance=np.zeros(9),
            )  # fmt: skip
            writer.write(conn, int(t * 1e9), ts.serialize_cdr(msg, Imu.__msgtype__))
    return acc


@pytest.mark.parametrize("storage", [StoragePlugin.SQLITE3, StoragePlugin.MCAP])
def test_read_imu_from_bag(tmp_path, storage):
    acc = write_imu_bag(tmp_path / "bag", storage)
    assert is_bag(tmp_path / "bag")
    rec = read_imu(tmp_path / "bag")
    np.testing.assert_allclose(rec.acc, acc)
    np.testing.assert_allclose(np.diff(rec.acc_t), 0.02, atol=1e-6)
    np.testing.assert_allclose(rec.gyro[0], [0.1, 0.2, 0.3])


def test_a_bag_without_gyroscope_reads_as_a_recording_without_one(tmp_path):
    acc = write_imu_bag(tmp_path / "bag", StoragePlugin.SQLITE3, gyro=False)
    rec = read_imu(tmp_path / "bag")
    np.testing.assert_allclose(rec.acc, acc)
    assert rec.gyro is None  # not zeros: a 6-axis student must refuse it, not learn from it


def test_bag_errors(tmp_path):
    write_imu_bag(tmp_path / "bag", StoragePlugin.SQLITE3)
    with pytest.raises(RecordingError, match="no sensor_msgs/msg/Imu topic '/other'"):
        read_imu(tmp_path / "bag", "/other")
    with pytest.raises(RecordingError, match="not found"):
        read_imu(tmp_path / "missing")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "metadata.yaml").write_text("rosbag2_bagfile_information: {version: 8}\n")
    with pytest.raises(RecordingError, match="broken"):
        read_imu(tmp_path / "broken")

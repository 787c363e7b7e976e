import numpy as np
import pytest

from har_kd_ros.imu.channels import CHANNELS, channels_of, recording_values, sensor_of, uses_gyro
from har_kd_ros.messages.cdr import CHANNEL_INDEX


def test_every_channel_is_an_imu_field():
    assert set(CHANNELS) == set(CHANNEL_INDEX)


def test_sensors_expand_in_order():
    assert channels_of(["acc", "gyro"]) == ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")
    assert channels_of(["gyro"]) == ("gyro_x", "gyro_y", "gyro_z")
    assert uses_gyro(channels_of(["acc", "gyro"])) and not uses_gyro(channels_of(["acc"]))
    assert sensor_of("gyro_y") == "gyro"


@pytest.mark.parametrize("sensors", [[], ["acc", "acc"], ["mag"]])
def test_bad_sensor_lists_are_refused(sensors):
    with pytest.raises(ValueError, match="sensors"):
        channels_of(sensors)


def test_recording_values_pick_columns_by_name():
    acc = np.arange(12.0).reshape(4, 3)
    gyro = -acc
    out = recording_values(acc, gyro, ("gyro_z", "acc_x"), "rec")
    np.testing.assert_array_equal(out, np.stack([gyro[:, 2], acc[:, 0]], axis=1))


def test_a_gyro_channel_of_a_recording_without_gyro_names_the_recording():
    with pytest.raises(ValueError, match="s01_walk: has no gyroscope"):
        recording_values(np.zeros((4, 3)), None, ("acc_x", "gyro_x"), "s01_walk")

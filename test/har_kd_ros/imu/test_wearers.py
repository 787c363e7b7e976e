"""imu_topics/wearers parameters -> per-wearer topics, or one-line errors."""

import pytest

from har_kd_ros.imu.wearers import Wearer, plan_wearers, wearer_name_from_topic


def test_one_topic_keeps_the_single_wearer_topics():
    (w,) = plan_wearers(["imu"])
    assert w == Wearer("", "imu") and w.topic("activity") == "activity"


def test_wearers_are_named_by_the_namespace_of_their_topic():
    ws = plan_wearers(["/alice/imu", "/bob/watch/imu", "imu_left"])
    assert [w.name for w in ws] == ["alice", "bob/watch", "imu_left"]
    assert ws[0].topic("activity/classification") == "alice/activity/classification"
    assert ws[0].topic("/diagnostics") == "/diagnostics"


def test_explicit_names_win():
    ws = plan_wearers(["/a/imu", "/b/imu"], ["left", "right"])
    assert [(w.name, w.imu_topic) for w in ws] == [("left", "/a/imu"), ("right", "/b/imu")]
    assert plan_wearers(["imu"], ["solo"])[0].topic("activity") == "solo/activity"


@pytest.mark.parametrize(
    ("topics", "names", "message"),
    [
        ([], [], "at least one"),
        (["/a/imu", "/a/imu"], [], "distinct topics"),
        (["/a/imu", "/a/imu2"], [], "distinct wearer names"),
        (["/a/imu", "/b/imu"], ["x"], "one name per IMU topic"),
        (["/a/imu", "/b/imu"], ["x", "x"], "distinct wearer names"),
        (["/a/imu", "/b/imu"], ["x", "9y"], "not a valid"),
        (["/a/im u"], [], "not a valid ROS topic"),
    ],
)
def test_bad_plans_are_one_line_errors(topics, names, message):
    with pytest.raises(ValueError, match=message) as err:
        plan_wearers(topics, names)
    assert "\n" not in str(err.value)


def test_name_from_topic():
    assert wearer_name_from_topic("~/watch/imu") == "watch"
    assert wearer_name_from_topic("/imu") == "imu"

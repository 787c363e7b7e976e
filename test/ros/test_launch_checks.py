"""The launch file's record:=true check, without launch: each problem is one line to act on."""

from __future__ import annotations

import pytest

from har_kd_ros.ros.launch_checks import record_problem


@pytest.fixture
def ros_install(tmp_path, monkeypatch):
    """A PATH with a ``ros2`` command and an ament index; ``add('ros2bag')`` installs a package."""
    bin_dir, prefix = tmp_path / "bin", tmp_path / "prefix"
    bin_dir.mkdir()
    (bin_dir / "ros2").write_text("#!/bin/sh\n")
    (bin_dir / "ros2").chmod(0o755)
    index = prefix / "share" / "ament_index" / "resource_index" / "packages"
    index.mkdir(parents=True)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("AMENT_PREFIX_PATH", str(prefix))
    monkeypatch.setenv("ROS_DISTRO", "jazzy")
    return lambda package: (index / package).write_text("")


def test_a_recording_without_rosbag2_is_refused_with_what_to_install(ros_install, tmp_path):
    problem = record_problem(str(tmp_path / "session1"))
    assert problem == "ros2 bag is not installed: sudo apt install ros-jazzy-rosbag2 (or record:=false)"
    ros_install("ros2bag")
    assert record_problem(str(tmp_path / "session1")) is None


def test_no_ros2_command_an_existing_folder_and_a_missing_parent_are_named(ros_install, tmp_path, monkeypatch):
    ros_install("ros2bag")
    (tmp_path / "old").mkdir()
    assert "exists already" in record_problem(str(tmp_path / "old"))
    assert "does not exist" in record_problem(str(tmp_path / "no" / "such" / "s1"))
    assert "bag is empty" in record_problem("  ")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert "ros2 command is not on PATH" in record_problem(str(tmp_path / "s2"))


def test_an_environment_without_an_ament_index_is_told_to_install_rosbag2(ros_install, tmp_path, monkeypatch):
    monkeypatch.delenv("AMENT_PREFIX_PATH")
    assert "sudo apt install ros-jazzy-rosbag2" in record_problem(str(tmp_path / "s1"))

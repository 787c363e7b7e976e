"""What watch_har.launch.py checks before it starts anything, as one line a user can act on:
a session that runs on without the recording it was asked for is a session lost."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def rosbag2_missing() -> str | None:
    """Why ``ros2 bag record`` cannot run here, or None where it can."""
    if shutil.which("ros2") is None:
        return "the ros2 command is not on PATH (source your ROS 2 setup.bash)"
    try:
        from ament_index_python.packages import PackageNotFoundError, get_package_prefix
    except ImportError:
        return "ament_index_python is not importable (source your ROS 2 setup.bash)"
    try:
        get_package_prefix("ros2bag")
    except (PackageNotFoundError, OSError):  # OSError: no AMENT_PREFIX_PATH at all
        distro = os.environ.get("ROS_DISTRO", "<distro>")
        return f"ros2 bag is not installed: sudo apt install ros-{distro}-rosbag2 (or record:=false)"
    return None


def record_problem(bag: str) -> str | None:
    """Why ``record:=true bag:=<bag>`` would not record, or None."""
    if not bag.strip():
        return "bag is empty: give the recording's folder (bag:=/data/session1)"
    if Path(bag).exists():
        return f"bag:={bag} exists already: ros2 bag record writes a new folder (choose another bag:=)"
    if not Path(bag).resolve().parent.is_dir():
        return f"bag:={bag}: the folder {Path(bag).resolve().parent} does not exist"
    return rosbag2_missing()

"""Every node stops cleanly on SIGINT or SIGTERM, once or repeatedly, at any moment of its life:
exit code 0 and no traceback, while its input keeps arriving.

A round starts the node, waits a random time (from its imports, before rclpy is initialised, to
well after the first messages), then sends the signal once, or two to three times a few milliseconds apart (a
terminal's Ctrl-C reaches every process in the group and ``ros2 launch`` forwards another).
The interpreter's own start-up (its first tens of milliseconds, before any code of the package
runs) is left out: a SIGINT there is Python's KeyboardInterrupt before anything can take it.
HAR_STOP_ROUNDS sets the rounds per node and signal (2 here; 50 for a soak of the stop paths).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import HELPERS, wait_for_line

pytestmark = pytest.mark.ros
ROUNDS = int(os.environ.get("HAR_STOP_ROUNDS", "2"))
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def _images(tmp) -> str:
    path = tmp / "frame.npy"
    np.save(path, np.random.default_rng(0).integers(0, 255, (120, 160, 3), dtype=np.uint8))
    return str(path)


def _load(procs, node: str, short_stream) -> None:
    """What keeps the node busy while it is stopped."""
    if node == "skeleton_node":
        pytest.importorskip("mediapipe", reason="the camera requirements are not installed")
        procs.start(
            sys.executable, str(HELPERS / "image_publisher.py"), _images(procs.tmp), "rgb8", "100000", "30", name="load"
        )
    elif node != "imu_replay_node":  # imu_har and teacher: the replay's IMU and skeletons
        procs.node("imu_replay_node", f"recording:={short_stream}", "loop:=true", "rate_scale:=5.0", log="load")


def _start(procs, node: str, short_stream, k: int) -> subprocess.Popen:
    if node == "imu_replay_node":  # its own load: publishing fast, around a loop's end
        return procs.node(node, f"recording:={short_stream}", "loop:=true", "rate_scale:=20.0", log=f"round{k}")
    return procs.node(node, log=f"round{k}")


@pytest.mark.parametrize("signame", SIGNALS)
@pytest.mark.parametrize("node", ["imu_har_node", "imu_replay_node", "teacher_node", "skeleton_node"])
def test_a_stop_at_any_moment_is_exit_code_0_without_a_traceback(procs, short_stream, node, signame):
    _load(procs, node, short_stream)
    rng = random.Random(f"{node}{signame}")
    for k in range(ROUNDS):
        proc = _start(procs, node, short_stream, k)
        if k % 2:  # every other round well after start-up: working on its input
            wait_for_line(proc, "[INFO]", 60)
            time.sleep(rng.uniform(0.0, 1.5))
        else:  # anywhere from the imports to the first messages
            time.sleep(rng.uniform(0.25, 2.5))
        for _ in range(rng.choice([1, 1, 2, 3])):
            proc.send_signal(SIGNALS[signame])
            time.sleep(rng.uniform(0.0, 0.02))
        try:
            code = proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError(f"{node} did not stop on {signame}:\n{proc.log_path.read_text()[-2000:]}") from None
        log = proc.log_path.read_text()
        assert code == 0, f"round {k}: {node} exited {code} on {signame}:\n{log[-3000:]}"
        assert "Traceback" not in log and "Error" not in log, f"round {k}: {node} on {signame}:\n{log[-3000:]}"
        assert "after the stop signal" not in log, f"round {k}: {node}'s clean-up hung:\n{log[-3000:]}"

"""DDS tests: every ROS participant runs in its own process, on an isolated domain on loopback."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
HELPERS = HERE / "helpers"  # the ROS programs the tests run: probes, publishers, fuzzers, a lifecycle client
REPO = HERE.parents[1]

rclpy = pytest.importorskip("rclpy", reason="ROS 2 Python (rclpy) is not installed")

from vision_msgs_build import ensure_vision_msgs, env_with  # noqa: E402

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def ros_env() -> dict[str, str]:
    """Environment for ROS subprocesses: a domain no other session uses, loopback only, vision_msgs."""
    env = env_with(ensure_vision_msgs())
    env["ROS_DOMAIN_ID"] = str(random.Random(os.getpid()).randint(100, 199))
    env["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
    env["PYTHONUNBUFFERED"] = "1"
    paths = [str(REPO), str(REPO / "test" / "support")]  # the checkout's training/ and shared helpers
    env["PYTHONPATH"] = ":".join([*paths, env["PYTHONPATH"]] if env.get("PYTHONPATH") else paths)
    return env


def executable(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e .)")
    return str(path)


class Processes:
    """Starts subprocesses and always stops them (SIGINT, then kill) at the end of a test."""

    def __init__(self, env: dict[str, str], tmp: Path):
        self.env, self.tmp, self.procs = env, tmp, []

    def start(self, *cmd: str, env: dict[str, str] | None = None, name: str = "proc") -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(list(cmd), env=env or self.env, stdout=log, stderr=subprocess.STDOUT, text=True)
        proc.log_path = self.tmp / f"{name}.log"
        self.procs.append((proc, log))
        return proc

    def node(
        self, name: str, *params: str, namespace: str = "", log: str = "", env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        """An installed node (``name`` = its console script) with ``-p`` parameters, in ``namespace``."""
        ns = ["-r", f"__ns:={namespace}"] if namespace else []
        cmd = [executable(name), "--ros-args", *[a for p in params for a in ("-p", p)], *ns]
        return self.start(*cmd, env=env, name=log or name)

    def probe(
        self, seconds: float, namespace: str = "", imu: bool = True, teacher: bool = False
    ) -> tuple[subprocess.Popen, Path]:
        """A probe.py subscriber; in ``namespace`` it sees that wearer's topics (/diagnostics stays global).
        ``teacher``: also wait until the teacher node's label publishers are discovered."""
        out = self.tmp / f"probe_{len(self.procs)}.json"
        ns = ["--ros-args", "-r", f"__ns:={namespace}"] if namespace else []
        flags = ([] if imu else ["--no-imu"]) + (["--teacher"] if teacher else [])
        proc = self.start(
            sys.executable,
            str(HELPERS / "probe.py"),
            str(out),
            str(seconds),
            *flags,
            *ns,
            name=f"probe{len(self.procs)}",
        )
        wait_for_line(proc, "probe ready", 15)
        return proc, out

    @staticmethod
    def stop(proc: subprocess.Popen, timeout: float = 10) -> int:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        return proc.returncode

    def close(self) -> None:
        for proc, log in self.procs:
            self.stop(proc)
            log.close()


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if text in proc.log_path.read_text():
            return
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(f"{proc.args[0]} never printed {text!r}:\n{proc.log_path.read_text()[-2000:]}")


def assert_exits(proc: subprocess.Popen, timeout: float, code: int = 0) -> None:
    """``proc`` ends within ``timeout`` with exit ``code``; otherwise fail with the end of its log
    (a timeout too: a process that hangs says in its log what it was waiting for)."""
    try:
        returned = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"{Path(proc.args[0]).name} still running after {timeout:.0f} s:\n{proc.log_path.read_text()[-3000:]}"
        ) from None
    assert returned == code, f"{Path(proc.args[0]).name} exited {returned}:\n{proc.log_path.read_text()[-3000:]}"


def run_lifecycle(procs: Processes, node: str, topic: str, input_topic: str, *transitions: str) -> list[dict]:
    """lifecycle_client.py's report after each transition of ``node`` (its services, as a manager)."""
    client = procs.start(
        sys.executable, str(HELPERS / "lifecycle_client.py"), node, topic, input_topic, *transitions, name="lifecycle"
    )
    assert_exits(client, 120)
    return [json.loads(line) for line in client.log_path.read_text().splitlines() if line.startswith("{")]


def read_probe(proc: subprocess.Popen, out: Path) -> dict:
    Processes.stop(proc)
    return json.loads(out.read_text())


@pytest.fixture(scope="session")
def short_stream(tmp_path_factory):
    """24 s of a held-out synthetic subject: walking, waving, running (8 s each), with
    MediaPipe-ordered skeletons as the camera path sees them."""
    from har_kd_ros.recordings.recording import save_npz
    from training.data.synthetic import generate_stream

    path = tmp_path_factory.mktemp("rec") / "stream.npz"
    save_npz(generate_stream(("walking", "waving", "running"), segment_s=8.0, seed=5, subject_index=77), path)
    return path


@pytest.fixture
def procs(ros_env, tmp_path):
    p = Processes(ros_env, tmp_path)
    yield p
    p.close()

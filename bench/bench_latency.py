"""End-to-end latency: IMU sample published -> classification received, across three processes' DDS.

This process publishes sensor_msgs/Imu at a fixed rate (stamp = publish time); imu_har runs in
its own process, and a third process (test/ros/helpers/probe.py) receives ``activity/classification``
and notes the arrival time (one machine, one clock). A classification's latency is
measured from the publication of the sample that completed its window (the first sample stamped
at or after the window's last grid point) to its arrival here. Also reported: samples the node
accepted vs sent (from its /diagnostics) and the node's resident memory.

python bench/bench_latency.py [--seconds 20] [--rates 100,1000] [--executor events] [--imu-receive deadline,executor]
                              [--receiver events]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from common import REPO, report


def _load_vision_msgs_build():
    """The tests' vision_msgs builder (test/support), loaded from its file: it is no package."""
    path = REPO / "test" / "support" / "vision_msgs_build.py"
    spec = importlib.util.spec_from_file_location("vision_msgs_build", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_vision_msgs = _load_vision_msgs_build()
ensure_vision_msgs, env_with = _vision_msgs.ensure_vision_msgs, _vision_msgs.env_with


def reexec_with_vision_msgs() -> None:
    """Typesupport libraries are found through LD_LIBRARY_PATH, which only a new process reads."""
    if os.environ.get("HAR_BENCH_CHILD"):
        return
    env = env_with(ensure_vision_msgs())
    env["HAR_BENCH_CHILD"] = "1"
    env.setdefault("ROS_DOMAIN_ID", str(random.randint(100, 199)))
    env["ROS_AUTOMATIC_DISCOVERY_RANGE"] = "LOCALHOST"
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def rss_mb(pid: int) -> tuple[float, float]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return float(fields["VmRSS"].split()[0]) / 1024, float(fields["VmHWM"].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, all threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_run(receiver: subprocess.Popen, node_proc: subprocess.Popen, node: object, receiver_wait: float) -> None:
    """End one measurement: the receiver first (it writes its record on SIGINT), then the node
    under test, then this process's publisher node."""
    import rclpy

    receiver.send_signal(signal.SIGINT)
    receiver.wait(receiver_wait)
    node_proc.send_signal(signal.SIGINT)
    node_proc.wait(10)
    node.destroy_node()
    rclpy.try_shutdown()


def wait_for_subscribers(pubs: list, settle_s: float, timeout_s: float = 30.0) -> None:
    """Until the node under test has matched every one of ``pubs``, then ``settle_s`` more (past
    its start-up)."""
    deadline = time.time() + timeout_s
    while any(p.get_subscription_count() < 1 for p in pubs) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(settle_s)


def publish_imu_stream(pub: object, rate_hz: float, seconds: float) -> list[float]:
    """One wrist's sensor_msgs/Imu stream at ``rate_hz`` for ``seconds``, stamped at publication
    (a 1.5 Hz swing plus noise); returns the stamps."""
    from sensor_msgs.msg import Imu

    from har_kd_ros.ros.convert import fill_imu

    stamps = []
    period = 1.0 / rate_hz
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for i in range(int(seconds * rate_hz)):
        delay = start + i * period - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # no busy-waiting: the node under test needs the CPU
        t = time.time()
        swing = np.sin(2 * np.pi * 1.5 * i * period)
        acc = [2.0 * swing + rng.normal(0, 0.2), rng.normal(0, 0.2), 9.81]
        gyro = [rng.normal(0, 0.02), 1.5 * swing + rng.normal(0, 0.02), rng.normal(0, 0.02)]
        pub.publish(fill_imu(Imu(), t, "imu_link", acc, gyro))
        stamps.append(t)
    return stamps


def completion_latencies(stamps: np.ndarray, classified: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Latency (ms) of each (window stamp, arrival time) classification, from the publication of
    the sample that completed its window (the first stamped at or after the window's end; stamps
    are publish times), and that sample's time. Windows ending after the last sample are left out."""
    latencies, completed = [], []
    for stamp, received in classified:
        k = int(np.searchsorted(stamps, stamp - 1e-7))
        if k < len(stamps):
            latencies.append(1e3 * (received - stamps[k]))
            completed.append(stamps[k])
    return np.array(latencies), np.array(completed)


def run_rate(
    rate_hz: float,
    seconds: float,
    executor: str,
    receiver: str,
    workdir: Path,
    node_cmd: list[str] | None = None,
    imu_receive: str = "deadline",
) -> dict:
    """Publish at ``rate_hz`` into imu_har (or ``node_cmd``, a node publishing the same topics)."""
    import rclpy
    from rclpy.qos import QoSProfile, ReliabilityPolicy
    from sensor_msgs.msg import Imu

    bin_dir = Path(sys.executable).parent
    node_proc = subprocess.Popen(
        node_cmd
        or [
            str(bin_dir / "imu_har_node"),
            "--ros-args",
            "-p",
            f"executor:={executor}",
            "-p",
            f"imu_receive:={imu_receive}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = workdir / f"probe_{int(rate_hz)}.json"
    probe = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "test" / "ros" / "helpers" / "probe.py"),
            str(out),
            str(seconds + 60),
            "--no-imu",
            *(["--events"] if receiver == "events" else []),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    probe.stdout.readline()  # "probe ready"
    rclpy.init()
    node = rclpy.create_node("latency_bench")
    pub = node.create_publisher(Imu, "imu", QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE))
    wait_for_subscribers([pub], settle_s=1.0)  # imu_har

    cpu0 = cpu_seconds(node_proc.pid)
    stamps = publish_imu_stream(pub, rate_hz, seconds)
    n = len(stamps)
    time.sleep(2.5)  # the last window and one more /diagnostics period
    rss, hwm = rss_mb(node_proc.pid)
    node_cpu = cpu_seconds(node_proc.pid) - cpu0
    stop_run(probe, node_proc, node, receiver_wait=20)

    record = json.loads(out.read_text())
    lat, _ = completion_latencies(np.array(stamps), [(c["stamp"], c["recv"]) for c in record["classification"]])
    diagnostics = record["diagnostics"][-1] if record["diagnostics"] else {}
    accepted = int(diagnostics["samples_accepted"]) if "samples_accepted" in diagnostics else None
    return {
        "rate_hz": rate_hz,
        "sent": n,
        "dropped": None if accepted is None else n - accepted,
        "node_cpu_s": node_cpu,
        "node_cpu_pct": 100 * node_cpu / (seconds + 2.5),
        "node_cpu_ms_per_window": 1e3 * node_cpu / max(len(lat), 1),
        "classifications": len(lat),
        "p50_ms": float(np.percentile(lat, 50)) if lat.size else float("nan"),
        "p99_ms": float(np.percentile(lat, 99)) if lat.size else float("nan"),
        "max_ms": float(lat.max()) if lat.size else float("nan"),
        "node_processing_p50_ms": float(diagnostics.get("processing_latency_ms_p50", "nan")),
        "status": {name: entries[-1] for name, entries in record["status"].items()},
        "node_rss_mb": rss,
        "node_peak_rss_mb": hwm,
    }


def main() -> None:
    reexec_with_vision_msgs()
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rates", default="100,1000")
    parser.add_argument(
        "--executor", default="single_threaded", choices=["single_threaded", "events"], help="imu_har's executor"
    )
    parser.add_argument(
        "--receiver",
        default="single_threaded",
        choices=["single_threaded", "events"],
        help="the receiving process's executor",
    )
    parser.add_argument("--imu-receive", default="deadline", help="imu_har's imu_receive, comma-separated")
    args = parser.parse_args()
    rows = []
    for imu_receive in args.imu_receive.split(","):
        for rate in (float(r) for r in args.rates.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                r = run_rate(rate, args.seconds, args.executor, args.receiver, Path(tmp), imu_receive=imu_receive)
            rows.append(row(r, args.executor, imu_receive, args.receiver))
    report(
        f"latency_{args.executor}_{args.imu_receive.replace(',', '_')}_{args.receiver}",
        [
            "input Hz",
            "node executor",
            "IMU receive",
            "receiver executor",
            "sent",
            "dropped",
            "windows",
            "p50 ms",
            "p99 ms",
            "max ms",
            "in-node p50 ms",
            "node CPU %",
            "node RSS MB",
            "node peak RSS MB",
        ],
        rows,
        {"seconds": args.seconds},
    )


def row(r: dict, executor: str, imu_receive: str, receiver: str) -> list:
    return [
        int(r["rate_hz"]),
        executor,
        imu_receive,
        receiver,
        r["sent"],
        r["dropped"],
        r["classifications"],
        round(r["p50_ms"], 2),
        round(r["p99_ms"], 2),
        round(r["max_ms"], 2),
        r["node_processing_p50_ms"],
        round(r["node_cpu_pct"], 1),
        round(r["node_rss_mb"]),
        round(r["node_peak_rss_mb"]),
    ]


if __name__ == "__main__":
    main()

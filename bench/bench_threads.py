"""Where imu_har's CPU goes, thread by thread: idle, and under one IMU stream.

imu_har runs in its own process (once per ``--imu-receive`` value); this process publishes one
100 Hz sensor_msgs/Imu stream into it for ``--seconds``, or nothing (the idle rows). Each thread's
CPU time comes from /proc/<pid>/task/<tid>/schedstat (the scheduler's nanoseconds, not 10 ms
ticks) before and after, shown in ms of CPU per second. Our threads name themselves
(``name_os_thread``): ``imu_receiver`` (the deadline receiver) and ``imu_har_infer`` (GAF, ONNX,
publishing); the main thread runs the executor (IMU callbacks with ``imu_receive:=executor``,
timers, /diagnostics, parameter services); Fast DDS's threads are ``dds.*``. Nothing subscribes
to the node's outputs except a /diagnostics reader here, for the receiver's wake-ups.

python bench/bench_threads.py [--seconds 20] [--rate 100] [--imu-receive deadline,executor]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench_latency import publish_imu_stream, wait_for_subscribers
from common import report

OURS = ("imu_receiver", "imu_har_infer")


def thread_cpu_ns(pid: int) -> dict[tuple[int, str], int]:
    """(tid, name) -> nanoseconds on a CPU, for every live thread of ``pid``."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            ns = int(Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):  # the thread ended meanwhile
            continue
        out[(int(tid), name)] = ns
    return out


def by_role(pid: int, before: dict, after: dict) -> dict[str, float]:
    """Nanoseconds spent between the two readings, summed per role."""
    roles = {"main": 0, **dict.fromkeys(OURS, 0), "dds": 0, "other": 0}
    for (tid, name), ns in after.items():
        spent = ns - before.get((tid, name), 0)
        if tid == pid:
            roles["main"] += spent
        elif name in OURS:
            roles[name] += spent
        elif name.startswith("dds."):
            roles["dds"] += spent
        else:
            roles["other"] += spent
    return roles


def run(imu_receive: str, rate_hz: float, seconds: float) -> dict:
    import rclpy
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.qos import QoSProfile, ReliabilityPolicy
    from sensor_msgs.msg import Imu

    node_proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "imu_har_node"), "--ros-args", "-p", f"imu_receive:={imu_receive}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rclpy.init()
    node = rclpy.create_node("threads_bench")
    readings: list[tuple[float, int]] = []  # (stamp of the /diagnostics message, receiver wake-ups)

    def on_diagnostics(msg: DiagnosticArray) -> None:
        for s in msg.status:
            if s.name == "imu_har: batched inference":
                wakeups = next((kv.value for kv in s.values if kv.key == "receiver_wakeups"), "0")
                readings.append((msg.header.stamp.sec + 1e-9 * msg.header.stamp.nanosec, int(wakeups)))

    node.create_subscription(DiagnosticArray, "/diagnostics", on_diagnostics, 10)
    pub = node.create_publisher(Imu, "imu", QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE))
    wait_for_subscribers([pub], settle_s=2.0)
    t0, wakeups0 = _reading_after(node, readings, time.time())
    before, start = thread_cpu_ns(node_proc.pid), time.perf_counter()
    if rate_hz > 0:
        publish_imu_stream(pub, rate_hz, seconds)
    time.sleep(max(0.0, start + seconds - time.perf_counter()))
    after, elapsed = thread_cpu_ns(node_proc.pid), time.perf_counter() - start
    t1, wakeups1 = _reading_after(node, readings, time.time())
    node_proc.terminate()
    node_proc.wait(10)
    node.destroy_node()
    rclpy.shutdown()
    roles = by_role(node_proc.pid, before, after)
    return {
        "imu_receive": imu_receive,
        "rate_hz": rate_hz,
        "seconds": elapsed,
        "ms_per_s": {role: 1e-6 * ns / elapsed for role, ns in roles.items()},
        "receiver_wakeups_per_s": (wakeups1 - wakeups0) / (t1 - t0),
    }


def _reading_after(node: object, readings: list[tuple[float, int]], since: float) -> tuple[float, int]:
    """The first /diagnostics reading stamped after ``since`` (the node publishes once a second;
    what waited in the subscription's queue meanwhile is older and skipped)."""
    import rclpy

    end = time.time() + 5
    while time.time() < end:
        fresh = [r for r in readings if r[0] >= since]
        if fresh:
            return fresh[0]
        rclpy.spin_once(node, timeout_sec=0.1)
    raise RuntimeError("imu_har published no /diagnostics for 5 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--imu-receive", default="deadline,executor", help="comma-separated: deadline,executor")
    args = parser.parse_args()
    results = []
    for imu_receive in args.imu_receive.split(","):
        for rate in (0.0, args.rate):
            r = run(imu_receive, rate, args.seconds)
            results.append(r)
            print(f"{imu_receive} at {rate:g} Hz: {sum(r['ms_per_s'].values()):.1f} ms/s", flush=True)
    roles = ["main", *OURS, "dds", "other"]
    rows = [
        [
            r["imu_receive"],
            "idle" if r["rate_hz"] == 0 else f"{r['rate_hz']:g} Hz",
            round(sum(r["ms_per_s"].values()), 1),
            *(round(r["ms_per_s"][role], 1) for role in roles),
            round(r["receiver_wakeups_per_s"], 1),
        ]
        for r in results
    ]
    report(
        "threads",
        ["IMU receive", "IMU stream", "node CPU ms/s", *(f"{role} ms/s" for role in roles), "receiver wakeups/s"],
        rows,
        {"seconds": args.seconds, "details": results},
    )


if __name__ == "__main__":
    main()

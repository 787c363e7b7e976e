"""Many wearers, one imu_har: throughput, latency and where the time goes, for N IMU streams.

This process publishes N sensor_msgs/Imu streams (``/w<i>/imu``, 100 Hz each, stamp = publish
time, each stream starting at a random phase as independent watches do); imu_har runs in its
own process with ``imu_topics`` = those N topics, and a receiver process (this script with
``--receive``, EventsExecutor) records every ``/w<i>/activity/classification`` and the node's
/diagnostics. Latency is measured as in bench_latency.py: from the publication of the sample
that completed a window to the arrival of its classification. The node's own time accounting
(IMU callbacks, GAF, ONNX, publishing) and its process CPU time say where the time goes; the
rest of its CPU is rclpy's executor (wait set, take, deserialisation) and the interpreter.

python bench/bench_wearers.py [--streams 1,4,16,64] [--rate 100] [--seconds 20] [--executor events]
                              [--imu-receive deadline,executor]
python bench/bench_wearers.py --soak --streams 4 --rate 200 --seconds 600   (the soak: RSS and latency over time)
python bench/bench_wearers.py --aligned ...   (every watch completes its windows at the same tick)
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_latency import completion_latencies, cpu_seconds, reexec_with_vision_msgs, stop_run, wait_for_subscribers
from bench_latency import rss_mb as rss_and_peak_mb
from common import report


def rss_mb(pid: int) -> float:
    return rss_and_peak_mb(pid)[0]


# -- receiver (its own process) -------------------------------------------------------------------
def receive(n: int, out: str, seconds: float) -> None:
    import rclpy
    from diagnostic_msgs.msg import DiagnosticArray
    from rclpy.experimental import EventsExecutor
    from vision_msgs.msg import Classification

    from har_kd_ros.ros.convert import stamp_seconds

    rclpy.init()
    node = rclpy.create_node("wearers_receiver")
    got: list[list[float]] = []  # [stream, stamp, recv]
    status: dict[str, dict[str, str]] = {}

    def on_class(i: int, msg: Classification) -> None:
        got.append([i, stamp_seconds(msg.header.stamp), time.time()])

    def on_diag(msg: DiagnosticArray) -> None:
        for s in msg.status:
            if s.name.startswith("imu_har"):
                status[s.name] = {kv.key: kv.value for kv in s.values}

    for i in range(n):
        node.create_subscription(Classification, f"/w{i}/activity/classification", lambda m, i=i: on_class(i, m), 100)
    node.create_subscription(DiagnosticArray, "/diagnostics", on_diag, 10)
    executor = EventsExecutor()
    executor.add_node(node)
    stop = {"now": False}
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    deadline = time.time() + 30
    while time.time() < deadline and any(node.count_publishers(f"/w{i}/activity/classification") < 1 for i in range(n)):
        executor.spin_once(timeout_sec=0.05)
    print("receiver ready", flush=True)
    end = time.time() + seconds
    while not stop["now"] and time.time() < end:
        executor.spin_once(timeout_sec=0.05)
    Path(out).write_text(json.dumps({"classifications": got, "status": status}))
    executor.shutdown()
    rclpy.try_shutdown()


# -- one measurement -------------------------------------------------------------------------------
def run(
    n: int,
    rate_hz: float,
    seconds: float,
    executor: str,
    workdir: Path,
    soak: bool = False,
    aligned: bool = False,
    imu_receive: str = "deadline",
) -> dict:
    import rclpy
    from rclpy.qos import QoSProfile, ReliabilityPolicy
    from sensor_msgs.msg import Imu

    from har_kd_ros.ros.convert import fill_imu

    topics = ", ".join(f"/w{i}/imu" for i in range(n))
    node_proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "imu_har_node"),
            "--ros-args",
            "-p",
            f"imu_topics:=[{topics}]",
            "-p",
            f"wearers:=[{', '.join(f'w{i}' for i in range(n))}]",
            "-p",
            f"executor:={executor}",
            "-p",
            f"imu_receive:={imu_receive}",
            "-p",
            "teacher_topic:=''",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = workdir / f"receiver_{n}.json"
    receiver = subprocess.Popen(
        [sys.executable, __file__, "--receive", str(n), str(out), str(seconds + 120)],
        stdout=subprocess.PIPE,
        text=True,
    )
    receiver.stdout.readline()  # "receiver ready"
    rclpy.init()
    node = rclpy.create_node("wearers_bench")
    qos = QoSProfile(depth=100, reliability=ReliabilityPolicy.RELIABLE)
    pubs = [node.create_publisher(Imu, f"/w{i}/imu", qos) for i in range(n)]
    wait_for_subscribers(pubs, settle_s=1.0)  # imu_har, every stream

    rng = np.random.default_rng(n)
    period = 1.0 / rate_hz
    # ticks before a stream's first sample (< 1 s); aligned: every stream completes its windows at once
    phase = np.zeros(n, dtype=int) if aligned else rng.integers(0, int(rate_hz), size=n)
    ticks = int(seconds * rate_hz)
    stamps: list[list[float]] = [[] for _ in range(n)]
    msg = Imu()
    samples: list[list[float]] = []  # soak: [elapsed s, node RSS MB]
    cpu0, wall0 = cpu_seconds(node_proc.pid), time.perf_counter()
    start = time.perf_counter()
    for k in range(ticks):
        delay = start + k * period - time.perf_counter()
        if delay > 0:
            time.sleep(delay)  # no busy-waiting: the node under test needs the CPU
        t = time.time()
        for i in range(n):
            if k < phase[i]:
                continue
            a = 2.0 * np.sin(2 * np.pi * (1.0 + 0.1 * i) * k * period)
            pub = pubs[i]
            pub.publish(fill_imu(msg, t, "imu_link", (a, 0.3 * a, 9.81), (0.2 * a, 0.1 * a, 0.0)))
            stamps[i].append(t)
        if soak and k % int(10 * rate_hz) == 0:
            samples.append([round(k * period, 1), round(rss_mb(node_proc.pid), 2)])
    publish_wall = time.perf_counter() - start
    lag = publish_wall - seconds  # the publisher itself could not keep up when this is large
    time.sleep(2.5)  # the last windows and one more /diagnostics period
    node_cpu = cpu_seconds(node_proc.pid) - cpu0
    node_wall = time.perf_counter() - wall0
    rss_end = rss_mb(node_proc.pid)
    stop_run(receiver, node_proc, node, receiver_wait=30)

    record = json.loads(out.read_text())
    per_stream = [
        completion_latencies(np.array(stamps[i]), [(s, r) for j, s, r in record["classifications"] if j == i])
        for i in range(n)
    ]
    lat = np.concatenate([p[0] for p in per_stream])
    when = np.concatenate([p[1] for p in per_stream])
    status = record["status"]
    sent = sum(len(s) for s in stamps)
    accepted = sum(int(status.get(_name(i), {}).get("samples_accepted", 0)) for i in range(n))
    skipped = sum(int(status.get(_name(i), {}).get("windows_skipped", 0)) for i in range(n))
    batched = status.get("imu_har: batched inference", {})
    busy = {k: float(batched.get(f"busy_s_{k}", "nan")) for k in ("imu_callback", "gaf", "onnx", "publish")}
    result = {
        "streams": n,
        "rate_hz": rate_hz,
        "executor": executor,
        "imu_receive": imu_receive,
        "receiver_wakeups_per_s": int(batched.get("receiver_wakeups", 0)) / node_wall,
        "sent": sent,
        "dropped": sent - accepted,
        "windows": int(lat.size),
        "windows_skipped": skipped,
        "p50_ms": _pct(lat, 50),
        "p99_ms": _pct(lat, 99),
        "max_ms": float(lat.max()) if lat.size else float("nan"),
        "batch_mean": float(batched.get("batch_size_mean", "nan")),
        "node_cpu_pct": 100 * node_cpu / node_wall,
        "node_cpu_ms_per_window": 1e3 * node_cpu / max(lat.size, 1),
        "busy_share": {k: v / node_cpu for k, v in busy.items()},
        "publisher_lag_s": lag,
        "node_rss_mb": rss_end,
    }
    if soak:
        result["rss_samples"] = samples
        minute = ((when - when.min()) // 60).astype(int) if when.size else when
        result["latency_by_minute"] = [
            [m, _pct(lat[minute == m], 50), _pct(lat[minute == m], 99)] for m in range(int(np.ceil(seconds / 60)))
        ]
    return result


def _name(i: int) -> str:
    return f"imu_har: activity classifier (w{i})"


def _pct(x: np.ndarray, q: float) -> float:
    return round(float(np.percentile(x, q)), 2) if x.size else float("nan")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--receive":
        receive(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
        return
    reexec_with_vision_msgs()
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", default="1,4,16,64")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--executor", default="events", help="comma-separated: single_threaded,events")
    parser.add_argument("--imu-receive", default="deadline", help="comma-separated: deadline,executor")
    parser.add_argument("--soak", action="store_true", help="also sample RSS every 10 s and latency per minute")
    parser.add_argument("--aligned", action="store_true", help="all streams in phase: the batching worst case")
    parser.add_argument("--name", default="", help="result file name (default: wearers_<executors> or soak)")
    args = parser.parse_args()
    rows, details = [], []
    modes = [(e, r) for e in args.executor.split(",") for r in args.imu_receive.split(",")]
    for executor, imu_receive in modes:
        for n in (int(s) for s in args.streams.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                r = run(n, args.rate, args.seconds, executor, Path(tmp), args.soak, args.aligned, imu_receive)
            details.append(r)
            share = r["busy_share"]
            rows.append(
                [
                    n,
                    executor,
                    imu_receive,
                    r["sent"],
                    r["dropped"],
                    r["windows"],
                    r["windows_skipped"],
                    r["p50_ms"],
                    r["p99_ms"],
                    round(r["max_ms"], 1),
                    round(r["batch_mean"], 2),
                    round(r["node_cpu_pct"]),
                    round(r["node_cpu_ms_per_window"], 2),
                    round(r["receiver_wakeups_per_s"]),
                    " / ".join(f"{100 * share[k]:.0f}" for k in ("imu_callback", "gaf", "onnx", "publish")),
                    round(r["publisher_lag_s"], 2),
                    round(r["node_rss_mb"]),
                ]
            )
            print(f"{n} streams ({executor}, {imu_receive}): p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms", flush=True)
    name = args.name or (
        "soak" if args.soak else f"wearers_{args.executor.replace(',', '_')}_{args.imu_receive.replace(',', '_')}"
    )
    report(
        name,
        [
            "streams",
            "executor",
            "IMU receive",
            "sent",
            "dropped",
            "windows",
            "skipped",
            "p50 ms",
            "p99 ms",
            "max ms",
            "batch",
            "node CPU %",
            "CPU ms/window",
            "receiver wakeups/s",
            "% callback/GAF/ONNX/publish",
            "publisher lag s",
            "RSS MB",
        ],
        rows,
        {"rate_hz": args.rate, "seconds": args.seconds, "details": details},
    )


if __name__ == "__main__":
    main()

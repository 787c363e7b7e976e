"""har_kd_ros against the node a user would otherwise write, in one run, through the same harness.

Each candidate runs as its own process and receives the same 100 Hz sensor_msgs/Imu stream
from bench_latency.py's publisher; a probe process times every classification (sample that
completed the window published -> classification received). CPU per window is the node
process's CPU time (all threads, /proc) over the run divided by the windows it classified, so
it includes rclpy's and Fast DDS's per-message cost, which both pay; "GAF + model" is the
time each spends on a window's image and network alone (ours: wall time of the single-threaded
GAF and ONNX calls in the worker; naive: process CPU inside the callback, torch threads included).

* ``har_kd_ros``: imu_har_node (EventsExecutor, deadline IMU receiver): GAF (ours) + the INT8 edge
  student (ONNX Runtime) off the callback; once more with ``imu_receive:=executor`` (every IMU
  message through the executor, as before the receiver), so the two compare in the same run.
* ``naive edge``: bench/naive_har_node.py: pyts GAF + the same edge architecture in torch eager, in the callback.
* ``naive resnet18``: the same with the papers' ResNet18 student (what a user following the papers would run).

Torch keeps its default threads (all cores), as a user's script would.

python bench/bench_naive.py [--seconds 20] [--rate 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench_latency import reexec_with_vision_msgs, run_rate
from common import REPO, report


def main() -> None:
    reexec_with_vision_msgs()
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=100.0)
    args = parser.parse_args()
    naive = [sys.executable, str(REPO / "bench" / "naive_har_node.py")]
    har = [str(Path(sys.executable).parent / "imu_har_node"), "--ros-args", "-p", "executor:=events"]
    candidates = {
        "har_kd_ros (GAF + ONNX INT8 edge, worker, deadline receiver)": har,
        "har_kd_ros, imu_receive:=executor": [*har, "-p", "imu_receive:=executor"],
        "naive: pyts + torch eager edge, in callback": [*naive, "edge", str(args.rate)],
        "naive: pyts + torch eager ResNet18, in callback": [*naive, "resnet18", str(args.rate)],
    }
    results = {}
    for name, cmd in candidates.items():
        with tempfile.TemporaryDirectory() as tmp:
            accounting = Path(tmp) / "accounting.json"
            is_naive = cmd[0] == sys.executable
            r = run_rate(
                args.rate,
                args.seconds,
                "events",
                "events",
                Path(tmp),
                node_cmd=cmd + ([str(accounting)] if is_naive else []),
            )
            if is_naive:  # process CPU in GAF + model (torch's threads included)
                spent = json.loads(accounting.read_text())
                r["compute_ms_per_window"] = 1e3 * spent["cpu_s"] / max(spent["windows"], 1)
            else:  # wall time of GAF + ONNX in the worker (one thread each, so wall ~ CPU)
                batched = r["status"]["imu_har: batched inference"]
                busy = float(batched["busy_s_gaf"]) + float(batched["busy_s_onnx"])
                r["compute_ms_per_window"] = (
                    1e3 * busy / max(int(r["status"]["imu_har: activity classifier"]["windows"]), 1)
                )
        results[name] = r
        print(f"{name}: p99 {r['p99_ms']:.2f} ms, CPU {r['node_cpu_ms_per_window']:.2f} ms/window", flush=True)
    ours = next(iter(results.values()))
    rows = [
        [
            name,
            r["classifications"],
            round(r["p50_ms"], 2),
            round(r["p99_ms"], 2),
            round(r["node_cpu_ms_per_window"], 2),
            round(r["compute_ms_per_window"], 3),
            round(r["p99_ms"] / ours["p99_ms"], 1),
            round(r["node_cpu_ms_per_window"] / ours["node_cpu_ms_per_window"], 1),
            round(r["compute_ms_per_window"] / ours["compute_ms_per_window"]),
            round(r["node_peak_rss_mb"]),
        ]
        for name, r in results.items()
    ]
    report(
        "naive",
        [
            "node",
            "windows",
            "p50 ms",
            "p99 ms",
            "process CPU ms/window",
            "GAF + model CPU ms/window",
            "p99 x ours",
            "process CPU x ours",
            "GAF + model x ours",
            "peak RSS MB",
        ],
        rows,
        {"rate_hz": args.rate, "seconds": args.seconds, "details": results},
    )


if __name__ == "__main__":
    main()

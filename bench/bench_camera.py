"""The camera path: per-frame pose latency, teacher latency, and what it does to the IMU path.

1. In process: MediaPipe Pose (legacy solutions, tracking mode) per frame on a real photo at
   several sizes, the skeleton windowing per frame, and the teacher per window (1 thread).
2. Over DDS: the IMU latency of bench_latency (IMU published at 100 Hz -> classification
   received) with the camera path off, then on: skeleton_node on 512 x 512 rgb8 images at
   30 Hz and teacher_node on its skeletons, each in its own process; skeleton_node's own
   image-in -> skeleton-out latency is measured at the same time by a subscriber.

python bench/bench_camera.py [--seconds 20] [--max-rate 0]
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
from bench_latency import reexec_with_vision_msgs, run_rate
from common import REPO, report


def _percentiles(ms: list[float]) -> tuple[float, float]:
    a = np.array(ms)
    return round(float(np.percentile(a, 50)), 2), round(float(np.percentile(a, 99)), 2)


def in_process(frames: int = 40) -> list[list[object]]:
    from skimage.data import astronaut

    from har_kd_ros.inference.classifier import TeacherClassifier
    from har_kd_ros.messages.image import image_to_rgb
    from har_kd_ros.recordings.recording import load_npz
    from har_kd_ros.skeleton.pose import SolutionsPose
    from har_kd_ros.skeleton.window import StreamingSkeletonWindow

    rows = []
    photo = astronaut()
    for name, image in (
        ("256x256", np.ascontiguousarray(photo[::2, ::2])),
        ("512x512", photo),
        ("640x480", np.pad(photo, ((0, 0), (64, 64), (0, 0)))[16:496]),
    ):
        pose = SolutionsPose()  # tracking mode, as on a video stream
        raw = image.tobytes()
        times = []
        for k in range(frames):
            t = time.perf_counter()
            rgb = image_to_rgb("rgb8", image.shape[0], image.shape[1], image.shape[1] * 3, raw)
            pose.estimate(rgb, 33 * k)
            times.append(1e3 * (time.perf_counter() - t))
        pose.close()
        rows.append([f"MediaPipe Pose (solutions), {name} rgb8", "per frame", *_percentiles(times[5:])])

    teacher = TeacherClassifier()
    card = teacher.card
    demo = load_npz(REPO / "har_kd_ros" / "data" / "demo_recording.npz")
    stream = StreamingSkeletonWindow.for_card(card, topology=demo.topology)
    push_ms, infer_ms = [], []
    for t, x in zip(demo.skeleton_t, demo.skeleton, strict=True):
        start = time.perf_counter()
        windows = stream.push(t, x)
        push_ms.append(1e3 * (time.perf_counter() - start))
        for w in windows:
            if w is not None:
                start = time.perf_counter()
                teacher.probabilities(w.data)
                infer_ms.append(1e3 * (time.perf_counter() - start))
    rows.append(["skeleton windowing (33 landmarks -> canonical, window cut)", "per frame", *_percentiles(push_ms)])
    rows.append(["skeleton teacher (ONNX Runtime, 1 thread)", "per window", *_percentiles(infer_ms)])
    return rows


def camera_processes(env_dir: Path, seconds: float, max_rate: float) -> tuple[list[subprocess.Popen], Path]:
    from skimage.data import astronaut

    bin_dir = Path(sys.executable).parent
    image = env_dir / "astronaut.npy"
    np.save(image, astronaut())
    out = env_dir / "skeletons.json"
    procs = [
        subprocess.Popen(
            [str(bin_dir / "skeleton_node"), "--ros-args", "-p", "image_reliability:=reliable",
             "-p", f"max_rate_hz:={max_rate}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [str(bin_dir / "teacher_node"), "--ros-args", "-p", "min_visibility:=0.0"],  # the photo has no legs
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [sys.executable, str(REPO / "test" / "ros" / "helpers" / "skeleton_probe.py"), str(out), str(seconds + 90)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    time.sleep(4.0)  # MediaPipe start-up
    procs.append(
        subprocess.Popen(
            [sys.executable, str(REPO / "test" / "ros" / "helpers" / "image_publisher.py"), str(image), "rgb8",
             str(int((seconds + 15) * 30)), "30", "reliable"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    )  # fmt: skip
    time.sleep(3.0)
    return procs, out


def main() -> None:
    reexec_with_vision_msgs()
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--max-rate", type=float, default=0.0, help="skeleton_node max_rate_hz (0 = uncapped)")
    args = parser.parse_args()

    rows = in_process()
    dds_rows = []
    with tempfile.TemporaryDirectory() as tmp:
        off = run_rate(100.0, args.seconds, "single_threaded", "single_threaded", Path(tmp))
        procs, skeletons = camera_processes(Path(tmp), args.seconds, args.max_rate)
        on = run_rate(100.0, args.seconds, "single_threaded", "single_threaded", Path(tmp))
        for p in reversed(procs):
            p.send_signal(signal.SIGINT)
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        record = json.loads(skeletons.read_text())
    latency = [1e3 * (s["recv"] - s["stamp"]) for s in record["skeletons"]]
    seconds_seen = record["skeletons"][-1]["recv"] - record["skeletons"][0]["recv"] if len(latency) > 1 else 1.0
    rows.append(["skeleton_node over DDS, 512x512 at 30 Hz: image published -> skeleton received", "per skeleton",
                 *_percentiles(latency)])  # fmt: skip
    for label, r in (("off", off), ("on", on)):
        dds_rows.append(
            [f"camera path {label}", int(r["rate_hz"]), r["dropped"], r["classifications"], round(r["p50_ms"], 2),
             round(r["p99_ms"], 2), round(r["max_ms"], 2)]
        )  # fmt: skip
    suffix = f"_cap{args.max_rate:g}hz" if args.max_rate > 0 else ""
    report(
        "camera" + suffix,
        ["stage", "unit", "p50 ms", "p99 ms"],
        rows,
        {
            "skeletons_per_second": round(len(latency) / max(seconds_seen, 1e-6), 1),
            "skeleton_node_max_rate_hz": args.max_rate,
        },
    )
    print(f"skeleton_node published {len(latency) / max(seconds_seen, 1e-6):.1f} skeletons/s from 30 images/s")
    # the rows say 30 Hz: with a cap, fewer images are processed; the JSON records the rate achieved
    report(
        "camera_imu_latency" + suffix,
        ["IMU path", "input Hz", "dropped", "windows", "p50 ms", "p99 ms", "max ms"],
        dds_rows,
        {"seconds": args.seconds, "skeleton_node_max_rate_hz": args.max_rate},
    )


if __name__ == "__main__":
    main()

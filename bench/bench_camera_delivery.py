"""Camera frames that reach skeleton_node: how many of the frames a camera publishes at 30 Hz get
into the pose worker's newest-frame slot (``images_received`` in /diagnostics), by frame size,
the camera's reliability and the node's ``image_reliability``. The pose worker runs as it does
in use (MediaPipe on every frame it can take), so the frames arrive on a busy host.

python bench/bench_camera_delivery.py [--frames 150]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from bench_latency import reexec_with_vision_msgs
from common import REPO, report

HELPERS = REPO / "test" / "ros" / "helpers"
SIZES = {"320x240": (240, 320), "640x480": (480, 640), "1280x720": (720, 1280)}


def frame(size: tuple[int, int]) -> np.ndarray:
    """A real photo (skimage's astronaut) in the middle of a frame of ``size``."""
    from skimage.data import astronaut

    photo = astronaut()
    out = np.zeros((*size, 3), np.uint8)
    h, w = min(size[0], 512), min(size[1], 512)
    top, left = (size[0] - h) // 2, (size[1] - w) // 2
    out[top : top + h, left : left + w] = photo[:h, :w]
    return out


def deliver(tmp: Path, size: str, camera: str, node_setting: str, frames: int) -> dict:
    image = tmp / f"{size}.npy"
    np.save(image, frame(SIZES[size]))
    bin_dir = Path(sys.executable).parent
    node = subprocess.Popen(
        [str(bin_dir / "skeleton_node"), "--ros-args", "-p", f"image_reliability:={node_setting}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    out = tmp / "probe.json"
    probe = subprocess.Popen(
        [sys.executable, str(HELPERS / "skeleton_probe.py"), str(out), "120"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(5.0)  # MediaPipe start-up and discovery
    flags = ["reliable"] if camera == "reliable" else []
    publisher = subprocess.run(
        [sys.executable, str(HELPERS / "image_publisher.py"), str(image), "rgb8", str(frames), "30", *flags],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    time.sleep(1.5)  # the last diagnostics period
    probe.send_signal(2)
    probe.wait(10)
    node.send_signal(2)
    log = node.communicate(timeout=10)[0]
    diag = [d for d in json.loads(out.read_text())["diagnostics"] if "images_received" in d]
    received = int(diag[-1]["images_received"]) if diag else 0
    subscribed = "reliable" if "subscribing reliable" in log or node_setting == "reliable" else "best_effort"
    return {
        "size": size,
        "frame_mb": round(np.prod(SIZES[size]) * 3 / 1e6, 2),
        "camera": camera,
        "image_reliability": node_setting,
        "subscribed": subscribed,
        "published": frames if publisher.returncode == 0 else 0,
        "received": received,
        "received_pct": round(100.0 * received / frames, 1),
        "posed": int(diag[-1]["images_processed"]) if diag else 0,
    }


def main() -> None:
    reexec_with_vision_msgs()
    parser = argparse.ArgumentParser()
    parser.add_argument("--frames", type=int, default=150, help="frames per run, published at 30 Hz")
    args = parser.parse_args()
    rows, details = [], []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            for camera in ("reliable", "best_effort"):
                for setting in ("auto", "best_effort"):
                    r = deliver(Path(folder), size, camera, setting, args.frames)
                    details.append(r)
                    rows.append([r["size"], r["frame_mb"], r["camera"], r["image_reliability"], r["subscribed"],
                                 r["published"], r["received"], r["received_pct"], r["posed"]])  # fmt: skip
                    print(rows[-1], flush=True)
    columns = ["frame", "MB", "camera QoS", "image_reliability", "subscribed", "published", "received",
               "received %", "posed"]  # fmt: skip
    report("camera_delivery", columns, rows, {"frames": args.frames, "rate_hz": 30, "details": details})


if __name__ == "__main__":
    main()

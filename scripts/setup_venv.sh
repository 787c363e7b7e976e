#!/usr/bin/env bash
# Create ./.venv with everything a profile needs, from PyPI only (no ROS install required).
#   runtime: numpy, onnxruntime, rosbags + ROS 2 rclpy/messages wheels   (run the nodes)
#   camera:  runtime + MediaPipe 0.10.21 (skeleton_node; the pose model ships in the wheel)
#   dev:     runtime + camera + torch 2.13.0 CPU, training deps, test and lint tools, colcon
# With an apt ROS 2 install, use requirements/runtime.txt (and training.txt) without ros-pypi.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"
python3 -m venv .venv
case "$profile" in
  runtime) reqs=(-r requirements/runtime.txt -r requirements/ros-pypi.txt) ;;
  camera) reqs=(-r requirements/runtime.txt -r requirements/ros-pypi.txt -r requirements/camera.txt) ;;
  dev) reqs=(-r requirements/test.txt) ;;
  *) echo "setup_venv.sh: profile must be 'runtime', 'camera' or 'dev', got '$profile'" >&2; exit 2 ;;
esac
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
if [ "$profile" != runtime ]; then
  # mediapipe's metadata pulls jax, jaxlib, sentencepiece and sounddevice, which pose never imports
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements/camera-nodeps.txt
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
if [ "$profile" = dev ]; then  # the training side (torch): its own package, kept out of the ROS one
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e training/
fi

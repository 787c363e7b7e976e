#!/usr/bin/env bash
# Create ./.venv with everything a profile needs, from PyPI only (no ROS install required).
#   runtime: numpy, onnxruntime, rosbags + ROS 2 rclpy/messages wheels   (run the nodes)
#   dev:     runtime + torch 2.13.0 CPU, training deps, test and lint tools, colcon
# With an apt ROS 2 install, use requirements/runtime.txt (and training.txt) without ros-pypi.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"
python3 -m venv .venv
case "$profile" in
  runtime) reqs=(-r requirements/runtime.txt -r requirements/ros-pypi.txt) ;;
  dev) reqs=(-r requirements/test.txt) ;;
  *) echo "setup_venv.sh: profile must be 'runtime' or 'dev', got '$profile'" >&2; exit 2 ;;
esac
.venv/bin/python -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .

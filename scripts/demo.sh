#!/usr/bin/env bash
# The out-of-the-box demo without a ROS install: replay the bundled recording (IMU + the camera
# skeletons recorded with it) into imu_har and the skeleton teacher, and print both labels. DEMO_SECONDS (default 40) bounds the run; Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/imu_har_node ] || bash scripts/setup_venv.sh runtime
export ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST ROS_DOMAIN_ID="${ROS_DOMAIN_ID:-$((RANDOM % 100 + 100))}"
pids=()
cleanup() { kill -INT "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/imu_har_node --ros-args --params-file config/watch_har.yaml & pids+=($!)
.venv/bin/teacher_node --ros-args --params-file config/watch_har.yaml & pids+=($!)
.venv/bin/imu_replay_node --ros-args --params-file config/watch_har.yaml -p wait_for_subscribers:=1 & pids+=($!)
timeout --signal=INT "${DEMO_SECONDS:-40}" .venv/bin/activity_echo || true

"""imu_har's parameters: every one declared with a descriptor (description, range, read-only),
read once into a HarConfig."""

from __future__ import annotations

from dataclasses import dataclass

from rclpy.node import Node

from har_kd_ros.inference.classifier import DEFAULT_MODEL
from har_kd_ros.ros.params import declare


@dataclass(frozen=True)
class HarConfig:
    """The node's parameters, read once at start-up (the tunable ones are updated on change)."""

    model: str
    imu_topics: list[str]
    wearers: list[str]
    max_batch: int
    min_confidence: float
    smoothing_alpha: float
    hysteresis: float
    max_gap: float
    frame_id: str
    imu_axes: str
    inference_threads: int
    imu_reliability: str
    imu_queue_depth: int
    imu_receive: str
    executor: str
    teacher_topic: str
    agreement_window: int
    agreement_tolerance: float
    min_agreement: float


def declare_parameters(node: Node) -> HarConfig:
    """Declare every parameter with a descriptor (description, range, read-only) and read them."""
    ro = {"read_only": True}
    values = declare(
        node,
        [
            ("model", "", "Student .onnx (its .json card beside it); empty = the bundled default", ro),
            ("imu_topics", ["imu"], "IMU topics, one per wearer; outputs go under each wearer's namespace", ro),
            ("wearers", [""], "Wearer names (namespaces of their outputs), one per IMU topic; [''] = from the topics", ro),
            ("max_batch", 64, "Most windows classified in one ONNX call", {"range": (1, 4096), **ro}),
            ("min_confidence", 0.5, "Below this smoothed probability the label is 'unknown'", {"range": (0.0, 1.0)}),
            ("smoothing_alpha", 0.6, "EMA weight of the newest window (1 = no smoothing)", {"range": (0.01, 1.0)}),
            ("hysteresis", 0.1, "A new label must beat the current one by this margin", {"range": (0.0, 0.9)}),
            ("max_gap", 0.5, "Seconds without IMU samples after which the window restarts", {"range": (0.01, 60.0), **ro}),
            ("frame_id", "", "Accept only Imu messages in this frame (empty = any); outputs carry the input frame", ro),
            ("imu_axes", "x y z", "The IMU axis (optionally signed) that points along each of the watch frame's x (along the forearm), y and z: e.g. '-y x z'; a rotation, applied to acceleration and angular velocity alike", ro),
            ("inference_threads", 1, "ONNX Runtime intra-op threads", {"range": (1, 16), **ro}),
            ("imu_reliability", "best_effort", "IMU subscription QoS: best_effort (REP 2003 sensor data) or reliable", {"choices": ("best_effort", "reliable"), **ro}),
            ("imu_queue_depth", 100, "IMU subscription depth: every sample matters for a window, so deeper than the sensor-data default of 5; the deadline receiver lets half of it fill between takes", {"range": (1, 10000), **ro}),
            ("imu_receive", "deadline", "deadline: a receiver thread takes IMU messages in batches and waits message by message only before a window completes (falls back to executor where rclpy lacks what it needs); executor: every message through the executor", {"choices": ("deadline", "executor"), **ro}),
            ("executor", "events", "events (rclpy.experimental.EventsExecutor; single_threaded where rclpy has none) or single_threaded", {"choices": ("single_threaded", "events"), **ro}),
            ("teacher_topic", "teacher/activity/classification", "Teacher labels (vision_msgs/Classification; without vision_msgs the String labels at this name minus '/classification') to measure agreement with; empty = off", ro),
            ("agreement_window", 60, "Student-teacher label pairs in the sliding agreement window", {"range": (1, 100000), **ro}),
            ("agreement_tolerance", 0.5, "Max seconds between a student and a teacher window end to pair them", {"range": (0.01, 10.0), **ro}),
            ("min_agreement", 0.6, "Below this agreement (over a half-full window) /diagnostics warns that the student drifts", {"range": (0.0, 1.0)}),
        ],
    )  # fmt: skip
    values["wearers"] = [w for w in values["wearers"] if w]
    return HarConfig(**{**values, "model": values["model"] or str(DEFAULT_MODEL)})


FLOAT_TUNABLES = ("min_confidence", "smoothing_alpha", "hysteresis", "min_agreement")


def tunable_problem(changes: list[tuple[str, object]]) -> str | None:
    """Why a parameter change is refused, or None: the tunable floats take floats only (an
    integer would pass the descriptor's range and then be stored as another type)."""
    for name, value in changes:
        if name in FLOAT_TUNABLES and not isinstance(value, float):
            return f"{name}: expected a float"
    return None

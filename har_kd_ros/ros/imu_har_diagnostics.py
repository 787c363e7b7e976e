"""What imu_har's /diagnostics statuses say, as pure functions of its counters: the levels a
robot's monitor acts on are decided here, testable without DDS."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from diagnostic_msgs.msg import DiagnosticStatus

from har_kd_ros.inference.agreement import AgreementStats
from har_kd_ros.ros.convert import latency_values


def classifier_level(idle: bool, no_gyroscope: int, accepted: int) -> tuple[bytes, str]:
    """ERROR when every sample lacked the gyroscope the model reads, WARN without input, else OK."""
    if no_gyroscope and accepted == 0:
        return DiagnosticStatus.ERROR, "IMU without the gyroscope the model reads"
    if idle:
        return DiagnosticStatus.WARN, "no IMU input"
    return DiagnosticStatus.OK, "classifying"


def agreement_level(stats: AgreementStats, window: int, min_agreement: float) -> tuple[bytes, str]:
    """WARN once at least half the window is paired and the student agrees less than
    ``min_agreement`` with the camera teacher: the watch model drifts from what the camera sees."""
    if stats.pairs == 0:
        return DiagnosticStatus.OK, "no teacher labels to compare with"
    if stats.pairs >= max(1, window // 2) and stats.agreement < min_agreement:
        return DiagnosticStatus.WARN, f"student agrees with the teacher on {stats.agreement:.0%}: drifting?"
    return DiagnosticStatus.OK, f"student agrees with the teacher on {stats.agreement:.0%}"


def agreement_values(stats: AgreementStats, window: int, teacher_malformed: int) -> dict[str, object]:
    return {
        "agreement": "nan" if stats.pairs == 0 else f"{stats.agreement:.3f}",
        "pairs_in_window": stats.pairs,
        "window": window,
        "paired_total": stats.paired_total,
        "unpaired_total": stats.unpaired_total,
        "teacher_labels_unknown_to_student": stats.teacher_label_unknown,
        "teacher_labels_malformed": teacher_malformed,
    }


def stream_values(stream, model_id: str, topic: str, skipped: int, now: float) -> dict[str, object]:
    """One wearer's status values: its input rate since the last call (``stream.last_accepted``
    moves on to ``now``), what its ingest and window dropped and why, and its latency."""
    ingest = stream.ingest
    s, c = ingest.window.stats, ingest.counts
    accepted, since = stream.last_accepted
    rate = (s.accepted - accepted) / max(now - since, 1e-6)
    stream.last_accepted = (s.accepted, now)
    values = {
        "model_id": model_id,
        "imu_topic": topic,
        "input_rate_hz": f"{rate:.1f}",
        "samples_accepted": s.accepted,
        "samples_dropped": ingest.dropped,
        "dropped_non_finite": s.non_finite,
        "dropped_duplicate": s.duplicate,
        "dropped_out_of_order": s.out_of_order,
        "dropped_wrong_shape": s.wrong_shape,
        "dropped_malformed": c.malformed,
        "dropped_wrong_frame": c.wrong_frame,
        "dropped_no_gyroscope": c.no_gyro,
        "unstamped": c.unstamped,
        "gaps_reset": s.gaps,
        "time_jumps_reset": s.time_jumps,
        "windows": s.windows,
        "windows_skipped": skipped,
        "classifications_published": stream.published,
        **latency_values("processing_latency_ms", stream.latencies_ms),
    }
    if stream.wearer.name:
        values["wearer"] = stream.wearer.name
    return values


def worker_values(
    wearers: int,
    receiver: str,
    wakeups: int,
    batch_sizes: Iterable[int],
    pending: int,
    latencies_ms: Iterable[float],
    busy_s: Mapping[str, float],
) -> dict[str, object]:
    """The shared worker: how big its batches are, how long windows wait for a label, and where
    the node's time goes (seconds busy in the receive path, GAF, ONNX and publishing)."""
    sizes = list(batch_sizes) or [0]  # one atomic copy; the worker appends
    return {
        "wearers": wearers,
        "imu_receive": receiver,
        "receiver_wakeups": wakeups,
        "batch_size_mean": f"{sum(sizes) / len(sizes):.2f}",
        "batch_size_max": max(sizes),
        "pending_windows": pending,
        **latency_values("processing_latency_ms", latencies_ms, ("p50", "p99")),
        **{f"busy_s_{k}": f"{v:.3f}" for k, v in busy_s.items()},
    }

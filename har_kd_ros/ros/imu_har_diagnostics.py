"""What imu_har's /diagnostics statuses say, as pure functions of its counters: the levels a
robot's monitor acts on are decided here, testable without DDS."""

from __future__ import annotations

from diagnostic_msgs.msg import DiagnosticStatus

from har_kd_ros.agreement import AgreementStats


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

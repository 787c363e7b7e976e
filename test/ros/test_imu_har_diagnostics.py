"""The levels imu_har's /diagnostics report, which a robot's monitor acts on."""

from __future__ import annotations

from diagnostic_msgs.msg import DiagnosticStatus

from har_kd_ros.inference.agreement import AgreementStats
from har_kd_ros.ros.imu_har_diagnostics import agreement_level, agreement_values, classifier_level

OK, WARN, ERROR = DiagnosticStatus.OK, DiagnosticStatus.WARN, DiagnosticStatus.ERROR


def stats(agreement: float, pairs: int) -> AgreementStats:
    return AgreementStats(
        agreement=agreement, pairs=pairs, paired_total=pairs, unpaired_total=3, teacher_label_unknown=1
    )


def test_the_classifier_is_an_error_only_when_every_sample_lacked_the_gyroscope():
    assert classifier_level(idle=False, no_gyroscope=0, accepted=10) == (OK, "classifying")
    assert classifier_level(idle=True, no_gyroscope=0, accepted=10) == (WARN, "no IMU input")
    assert classifier_level(idle=True, no_gyroscope=50, accepted=0)[0] == ERROR
    assert classifier_level(idle=False, no_gyroscope=5, accepted=10)[0] == OK  # some had it


def test_drift_is_a_warning_only_over_half_a_window_of_pairs():
    assert agreement_level(stats(float("nan"), 0), 60, 0.6) == (OK, "no teacher labels to compare with")
    assert agreement_level(stats(0.2, 29), 60, 0.6)[0] == OK  # too few pairs to judge
    assert agreement_level(stats(0.2, 30), 60, 0.6) == (WARN, "student agrees with the teacher on 20%: drifting?")
    assert agreement_level(stats(0.6, 60), 60, 0.6) == (OK, "student agrees with the teacher on 60%")
    assert agreement_level(stats(0.0, 1), 1, 0.6)[0] == WARN  # a window of one pair


def test_agreement_values_name_what_a_user_reads():
    values = agreement_values(stats(0.75, 40), 60, teacher_malformed=2)
    assert values == {
        "agreement": "0.750", "pairs_in_window": 40, "window": 60, "paired_total": 40, "unpaired_total": 3,
        "teacher_labels_unknown_to_student": 1, "teacher_labels_malformed": 2,
    }  # fmt: skip
    assert agreement_values(stats(float("nan"), 0), 60, 0)["agreement"] == "nan"

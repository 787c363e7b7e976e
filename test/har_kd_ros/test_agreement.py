import math

import pytest

from har_kd_ros.agreement import AgreementTracker

LABELS = ("walking", "waving", "running")


def test_pairs_each_student_label_with_the_nearest_teacher_label():
    tracker = AgreementTracker(LABELS, window=10, tolerance_s=0.3)
    for k in range(10):  # teacher every 0.5 s; the student 0.1 s later, wrong on the last 4
        tracker.add_teacher(k * 0.5, "walking")
        tracker.add_student(k * 0.5 + 0.1, "walking" if k < 6 else "waving")
    tracker.add_teacher(5.0, "walking")  # moves the teacher past the last student label
    s = tracker.stats()
    assert (s.pairs, s.paired_total, s.unpaired_total) == (10, 10, 0)
    assert s.agreement == pytest.approx(0.6)


def test_a_late_teacher_still_counts_and_the_window_slides():
    tracker = AgreementTracker(LABELS, window=3, tolerance_s=0.3)
    for k in range(5):
        tracker.add_student(float(k), "running")
    assert tracker.stats().pairs == 0  # nothing to compare yet: waiting, not disagreeing
    for k in range(6):
        tracker.add_teacher(k + 0.2, "running" if k < 2 else "walking")
    s = tracker.stats()
    assert s.paired_total == 5 and s.pairs == 3 and s.agreement == 0.0  # only the last 3 pairs


def test_student_labels_without_a_teacher_in_reach_are_unpaired_not_wrong():
    tracker = AgreementTracker(LABELS, window=10, tolerance_s=0.25, max_wait_s=2.0)
    tracker.add_student(0.0, "walking")
    tracker.add_teacher(1.0, "walking")  # too far from 0.0
    for k in range(1, 8):  # the teacher goes quiet: stop waiting after max_wait_s
        tracker.add_student(1.0 + 0.5 * k, "walking")
    s = tracker.stats()
    assert s.paired_total == 0 and s.unpaired_total >= 3
    assert math.isnan(s.agreement)


def test_teacher_labels_the_student_cannot_produce_are_not_compared():
    tracker = AgreementTracker(LABELS, tolerance_s=0.3)
    tracker.add_teacher(0.0, "sit_down")
    tracker.add_teacher(0.0, "walking")
    tracker.add_teacher(-1.0, "walking")  # out of order: ignored
    assert tracker.stats().teacher_label_unknown == 1


@pytest.mark.parametrize(("window", "tolerance", "wait"), [(0, 0.5, 5.0), (10, 0.0, 5.0), (10, 1.0, 0.5)])
def test_bad_settings_are_one_line_errors(window, tolerance, wait):
    with pytest.raises(ValueError, match="window|tolerance"):
        AgreementTracker(LABELS, window, tolerance, wait)

import math

import pytest

from har_kd_ros.inference.agreement import AgreementTracker

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


def test_one_teacher_label_from_the_far_future_does_not_blind_the_tracker():
    """A corrupted stamp (year 2100) arrives first: the real labels after it step back by more
    than max_wait_s, so the teacher's timeline restarts instead of rejecting them all."""
    tracker = AgreementTracker(LABELS, window=10, tolerance_s=0.3, max_wait_s=2.0)
    tracker.add_teacher(4.1e9, "walking")
    for k in range(10):
        tracker.add_teacher(100 + k * 0.5, "walking")
        tracker.add_student(100 + k * 0.5 + 0.1, "walking")
    s = tracker.stats()
    assert s.paired_total == 9 and s.agreement == 1.0  # the last student waits for the next teacher


def test_both_clocks_restarting_starts_pairing_again_and_nothing_waits_forever():
    """A bag replayed twice: both timelines jump back. The student labels of the old timeline
    that were still waiting are counted unpaired instead of blocking the queue."""
    tracker = AgreementTracker(LABELS, window=50, tolerance_s=0.3, max_wait_s=2.0)
    for k in range(10):
        tracker.add_teacher(1000 + k * 0.5, "waving")
        tracker.add_student(1000 + k * 0.5 + 0.1, "waving")
    before = tracker.stats()
    for k in range(10):  # again from t = 10, a different activity
        tracker.add_teacher(10 + k * 0.5, "running")
        tracker.add_student(10 + k * 0.5 + 0.1, "running")
    s = tracker.stats()
    assert before.paired_total == 9
    assert s.paired_total == 18 and s.unpaired_total == 1  # 1000.1 + 4.5 never got its teacher
    assert len(tracker._pending) == 1  # the newest, waiting for the next teacher label


@pytest.mark.parametrize(("window", "tolerance", "wait"), [(0, 0.5, 5.0), (10, 0.0, 5.0), (10, 1.0, 0.5)])
def test_bad_settings_are_one_line_errors(window, tolerance, wait):
    with pytest.raises(ValueError, match="window|tolerance"):
        AgreementTracker(LABELS, window, tolerance, wait)

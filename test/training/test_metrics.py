import numpy as np

from training.engine.metrics import majority_vote, recording_report


def test_majority_vote_by_hand():
    recordings = np.array([7, 7, 7, 2, 2, 5])
    truth = np.array([1, 1, 1, 0, 0, 2])
    pred = np.array([1, 0, 1, 0, 2, 1])  # 7: 2 of 3 right; 2: tie 0/2 -> lower index 0; 5: wrong
    t, v = majority_vote(recordings, truth, pred)
    np.testing.assert_array_equal(t, [0, 2, 1])  # recordings in sorted order: 2, 5, 7
    np.testing.assert_array_equal(v, [0, 1, 1])
    report = recording_report(recordings, truth, pred, ("a", "b", "c"))
    assert report["n"] == 3 and report["accuracy"] == 2 / 3

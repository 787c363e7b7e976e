"""The classes a run trains are the classes its recordings hold: a synthetic run on a subset of the
activities trains that subset (and the rests between them), in the synthetic set's order."""

from __future__ import annotations

import numpy as np
from tiny_config import TINY

from har_kd_ros.recordings.recording import Recording, Segment
from training.config import load_config
from training.data.synthetic import ACTIVITIES, generate_dataset
from training.prepare import label_names_of, prepare


def test_a_synthetic_run_on_every_activity_keeps_the_canonical_classes():
    recordings = generate_dataset(n_subjects=1, trials=1)
    assert label_names_of({"dataset": {"name": "synthetic"}}, recordings) == ACTIVITIES


def test_a_synthetic_subset_trains_its_activities_and_their_rests_in_canonical_order():
    recordings = generate_dataset(n_subjects=1, trials=1, activities=("waving", "walking", "sit_down"))
    names = label_names_of({"dataset": {"name": "synthetic"}}, recordings)
    assert names == tuple(a for a in ACTIVITIES if a in {"walking", "waving", "sit_down", "standing", "sitting"})


def test_segment_labels_count_beside_the_recordings_own_label():
    t = np.arange(100) / 50.0
    rec = Recording(subject="1", trial="1", label="waving", acc=np.zeros((100, 3)), acc_t=t,
                    segments=(Segment(0.0, 0.5, "standing"),))  # fmt: skip
    assert label_names_of({"dataset": {"name": "generic"}}, [rec]) == ("standing", "waving")


def test_prepare_on_a_synthetic_subset_labels_every_window_with_one_of_its_classes(tmp_path):
    config = load_config(
        "training/configs/synthetic/supervised.yaml",
        [*TINY, "dataset.options={n_subjects: 4, trials: 2, activities: [walking, waving]}", f"out={tmp_path}"],
    )
    prepared = prepare(config, cache=False)
    assert prepared.label_names == ("walking", "waving", "standing")
    labels = np.concatenate([split["y"] for split in prepared.splits.values()])
    assert set(np.unique(labels)) == {0, 1, 2}

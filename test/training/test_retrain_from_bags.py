"""The record -> retrain loop: bags of IMU + camera skeletons, labelled by the exported teacher,
distilled into a student that classifies held-out subjects' IMU windows."""

import json

import numpy as np
import pytest
from bag_writer import write_bag

from har_kd_ros.inference.classifier import DEFAULT_TEACHER, StudentClassifier, TeacherClassifier
from training.config import load_config
from training.data.pairing import WindowSpec, pair_recordings
from training.data.synthetic import generate_recording, make_subject
from training.pipeline import run

ACTIVITIES = ("walking", "waving", "clapping", "jumping", "punching")


def session(subject_index: int, trials: int = 2):
    rng = np.random.default_rng([11, subject_index])
    subject = make_subject(rng, subject_index)
    return [generate_recording(a, subject, k, rng, duration_s=8.0) for k in range(trials) for a in ACTIVITIES]


@pytest.fixture(scope="module")
def bags(tmp_path_factory):
    root = tmp_path_factory.mktemp("sessions")
    for s in range(1, 7):  # subjects 1, 3, 5 train (one of them validates), 2, 4, 6 test
        write_bag(root / f"s{s}_session", session(s), labels=False)  # no annotation: the teacher labels
    return root


@pytest.fixture(scope="module")
def retrained(bags, tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    config = load_config(
        "training/configs/rosbag/vskd.yaml",
        [f"dataset.root={bags}", f"out={out}", f"export={out / 'student.onnx'}", "optim.epochs=12",
         "progress=false", "optim.threads=1"],
    )  # fmt: skip
    windows_seen = []  # how many windows each call of the exported teacher ran on
    real = TeacherClassifier.logits_and_embedding
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            TeacherClassifier, "logits_and_embedding", lambda self, w: (windows_seen.append(len(w)), real(self, w))[1]
        )
        result = run(config, cache=False)
    return result, out / "student.onnx", sum(windows_seen)


def test_student_from_bags_beats_chance_on_unseen_subjects(retrained):
    result, onnx, _ = retrained
    student = StudentClassifier(onnx)
    assert student.labels == StudentClassifier(DEFAULT_TEACHER.with_name("student_default.onnx")).labels
    # ground truth the training never saw: two new subjects, not in any bag
    held_out = [r for s in (21, 22) for r in session(s, trials=1)]
    card = student.card
    spec = WindowSpec(card.sample_rate_hz, card.window_samples, card.hop_samples, channels=card.channels)
    paired = pair_recordings(held_out, spec, card.labels)
    accuracy = float((student.probabilities(paired.imu).argmax(1) == paired.labels).mean())
    print(f"held-out accuracy of the student retrained from bags: {accuracy:.3f} on {len(paired)} windows")
    assert len(paired) > 50 and accuracy > 0.6  # chance: 0.2 among the 5 activities, 0.1 over all labels
    assert result["n_train"] > 100


def test_run_records_teacher_labels_and_the_exported_teacher(retrained):
    _, onnx, _ = retrained
    provenance = json.loads(onnx.with_suffix(".json").read_text())["provenance"]
    assert provenance["dataset"] == "rosbag" and provenance["method"] == "vskd"
    assert provenance["metrics"]["teacher_test_accuracy"]["skeleton"] is not None


def test_the_exported_teacher_runs_once_per_window(retrained):
    """It labels every split, and its outputs on the train split are the distillation targets:
    reused, not computed a second time."""
    result, _, windows_seen = retrained
    assert windows_seen == result["n_train"] + result["n_val"] + result["n_test"]


def test_teacher_labels_need_an_exported_teacher(bags, tmp_path):
    config = load_config(
        "training/configs/rosbag/vskd.yaml", [f"dataset.root={bags}", f"out={tmp_path}", "teacher.model=null"]
    )
    with pytest.raises(ValueError, match="teacher.model"):
        run(config, cache=False)


def test_bags_without_label_topics_read_with_no_segments(tmp_path):
    """A session recorded with the camera path only (no annotation topic) is still a recording."""
    from training.data.loaders.rosbag import load_rosbag

    write_bag(tmp_path / "bag", session(1, trials=1)[:1], labels=False)
    back = load_rosbag(tmp_path / "bag")
    assert back.skeleton.shape[1:] == (33, 3) and back.segments == () and back.label is None

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


@pytest.fixture(scope="module")
def mixed_bags(tmp_path_factory):
    """Annotated sessions (a label topic, five of the teacher's 13 classes) and two more: one
    annotated, one recorded with the camera path only."""
    root = tmp_path_factory.mktemp("mixed")
    for s in range(1, 7):
        write_bag(root / f"s{s}_session", session(s), labels=True)
    write_bag(root / "s7_session", session(7), labels=False)
    write_bag(root / "s8_session", session(8), labels=True)
    return root


def mixed_config(root, out, *more):
    return load_config(
        "training/configs/rosbag/vskd.yaml",
        [f"dataset.root={root}", f"out={out}", "dataset.labels=recorded", "optim.epochs=2", "progress=false",
         "optim.threads=1", "dataset.extra_subjects=[s7_session, s8_session]", *more],
    )  # fmt: skip


def test_the_exported_teachers_soft_targets_mean_the_runs_classes(mixed_bags, tmp_path):
    """The run trains the recordings' 5 classes, the bundled teacher knows 13 in another order:
    its soft targets are read by class name, so on the tracked training windows their top class is
    the annotated one."""
    from training.prepare import prepare
    from training.teachers import attach_onnx_teacher

    prepared = prepare(mixed_config(mixed_bags, tmp_path), cache=False)
    assert prepared.label_names == tuple(sorted(ACTIVITIES)) and len(prepared.teacher.labels) == 13
    train = prepared.splits["train"]
    attach_onnx_teacher(train, "skeleton", prepared.teacher, prepared.teacher_classes)
    z, valid = train["t_logits.skeleton"], train["t_valid.skeleton"]
    assert z.shape[1] == len(ACTIVITIES) and int(valid.sum()) > 100
    agree = float((z[valid].argmax(1) == train["y"][valid]).float().mean())
    assert agree > 0.8, agree


def test_mixed_sessions_distil_with_the_teacher_labelling_the_extra_ones(mixed_bags, tmp_path):
    """Annotated sessions keep their labels; the extra ones, with a label topic or without, are
    labelled by the teacher in the run's classes (a window it gives a class the run does not train
    is left out, not forced into one it does)."""
    result = run(mixed_config(mixed_bags, tmp_path, f"export={tmp_path / 'student.onnx'}"), cache=False)
    extra = result["extra"]
    assert extra["labels"] == "teacher" and extra["subjects"] == ["s7_session", "s8_session"]
    assert extra["windows"] > 200  # both sessions' tracked windows, the unannotated one's too
    assert extra["teacher_label_accuracy"] > 0.8  # scored on s8, whose annotation the run did not use
    assert StudentClassifier(tmp_path / "student.onnx").labels == tuple(sorted(ACTIVITIES))

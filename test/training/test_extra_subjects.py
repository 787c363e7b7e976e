"""Extra subjects: recordings that train the student only, labelled by the teacher (or their own labels)."""

import csv
import json
from pathlib import Path

import pytest
import torch

from training.config import ConfigError, load_config
from training.engine.loop import predict
from training.engine.objectives import teacher_keys
from training.extra_subjects import label_extra, merge_splits
from training.methods import teachers_trained
from training.pipeline import run
from training.prepare import prepare, set_aside_extra
from training.run_dirs import teacher_run_dir
from training.teachers import get_teacher

CONFIGS = "training/configs/synthetic"
EXTRA = ["dataset.options={n_subjects: 6, trials: 2}", "dataset.extra_subjects=[s05, s06]"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    from tiny_config import TINY

    return [*TINY, *EXTRA, f"out={tmp_path_factory.mktemp('extra')}"]


def subjects_of(prep, split_) -> set[str]:
    return {prep.recordings[i].subject for i in split_["recording"].tolist()}


def test_extra_subjects_never_train_a_teacher_validate_or_test(shared):
    config = load_config(f"{CONFIGS}/supervised.yaml", shared)
    prep = prepare(config)
    assert subjects_of(prep, prep.extra) == {"s05", "s06"}
    assert {"s05", "s06"}.isdisjoint(set().union(*(subjects_of(prep, s) for s in prep.splits.values())))
    assert {prep.recordings[i].subject for i in prep.parts["extra"]} == {"s05", "s06"}
    # the protocol splits the rest as it would without them: s01 s03 train or validate, s02 s04 test
    assert subjects_of(prep, prep.splits["test"]) == {"s02", "s04"}
    _, result = get_teacher(config, prep, "skeleton")
    assert result["n_train"] == int(prep.splits["train"]["skeleton_valid"].sum())  # the labelled windows only


def test_teacher_labels_are_its_top_class_on_the_windows_it_can_read(shared):
    config = load_config(f"{CONFIGS}/supervised.yaml", [*shared, "dataset.extra_balance=false"])
    prep = prepare(config)
    extra, train = dict(prep.extra), dict(prep.splits["train"])
    extra["skeleton_valid"][:3] = False  # untracked skeletons: nothing for the teacher to label
    teacher, _ = get_teacher(config, prep, "skeleton")
    readable = {k: v[extra["skeleton_valid"]] for k, v in extra.items()}
    expected = predict(teacher, readable)[0].argmax(1)
    report = label_extra(config, prep)
    merged = prep.splits["train"]
    n = len(train["y"])
    assert len(merged["y"]) == n + len(expected) == n + report["windows"]
    assert torch.equal(merged["y"][:n], train["y"]) and torch.equal(merged["y"][n:], expected)
    assert torch.equal(merged["gaf"][n:], readable["gaf"]) and torch.equal(
        merged["window"], torch.arange(len(merged["y"]))
    )
    recorded = readable["y"]
    assert report["teacher_label_accuracy"] == pytest.approx(float((expected == recorded).float().mean()))
    assert report["subjects"] == ["s05", "s06"] and report["labels"] == "teacher" and "repeated" not in report


def test_classes_no_teacher_label_can_give_keep_their_share(shared):
    """A still watch has no skeleton, so teacher-labelled windows never add to 'still': its labelled
    windows are repeated so its share of the training windows stays what it was."""
    config = load_config(f"{CONFIGS}/supervised.yaml", shared)
    prep = prepare(config)
    train = prep.splits["train"]
    still = prep.label_names.index("still")
    n, n_still = len(train["y"]), int((train["y"] == still).sum())
    assert n_still > 0 and not bool(train["skeleton_valid"][train["y"] == still].any())
    report = label_extra(config, prep)
    merged = prep.splits["train"]
    copies = round((n + report["windows"]) / n) - 1
    assert copies >= 1 and report["repeated"] == {"classes": ["still"], "copies": copies}
    assert len(merged["y"]) == n + copies * n_still + report["windows"]
    assert int((merged["y"] == still).sum()) == (1 + copies) * n_still
    share = lambda split_: float((split_["y"] == still).float().mean())  # noqa: E731
    assert abs(share(merged) - share(train)) < abs(n_still / len(merged["y"]) - share(train))


def test_repeats_only_the_unlabelable_classes():
    from training.extra_subjects import keep_unlabelable_share

    train = {"y": torch.tensor([0, 0, 1, 2, 2]), "skeleton_valid": torch.tensor([True, True, False, True, False])}
    out, classes, copies = keep_unlabelable_share(train, n_extra=10)  # (5 + 10) / 5 = 3: two copies
    assert classes == [1] and copies == 2 and out["y"].tolist() == [0, 0, 1, 2, 2, 1, 1]
    assert keep_unlabelable_share(train, n_extra=1)[1:] == ([], 0)  # the share barely moves: nothing to repeat


def test_recorded_labels_keep_the_recordings_own(shared):
    config = load_config(f"{CONFIGS}/supervised.yaml", [*shared, "dataset.extra_labels=recorded"])
    prep = prepare(config)
    recorded = prep.extra["y"].clone()
    report = label_extra(config, prep)
    assert torch.equal(prep.splits["train"]["y"][-len(recorded) :], recorded)
    assert "teacher_label_accuracy" not in report and report["windows"] == len(recorded)
    assert teachers_trained(config) == []  # nobody to label them: no teacher is trained


def test_a_distilling_run_learns_from_the_extra_windows(shared):
    config = load_config(f"{CONFIGS}/vskd.yaml", shared)
    result = run(config)
    prep = prepare(config)
    assert result["extra"]["windows"] == int(prep.extra["skeleton_valid"].sum())
    train = prep.splits["train"]
    n_still = int((train["y"] == prep.label_names.index("still")).sum())
    repeats = result["extra"]["repeated"]["copies"] * n_still  # still windows keep their share
    assert result["n_train"] == len(train["y"]) + repeats + result["extra"]["windows"]
    assert 0.0 <= result["extra"]["teacher_label_accuracy"] <= 1.0
    tracked = int(prep.splits["test"]["skeleton_valid"].sum())  # the still watch's windows have no skeleton
    assert result["test_tracked"]["n"] == tracked < result["n_test"]
    with (Path(result["run_dir"]) / "recordings.csv").open() as f:
        split_of = {row["subject"]: row["split"] for row in csv.DictReader(f)}
    assert split_of["s05"] == split_of["s06"] == "extra" and split_of["s02"] == "test"
    assert json.loads((Path(result["run_dir"]) / "metrics.json").read_text())["extra"] == result["extra"]


def test_labels_come_from_the_attached_teacher_outputs(shared):
    """A distilling student's extra windows carry the teacher's logits; the labels are their top class."""
    config = load_config(f"{CONFIGS}/vskd.yaml", [*shared, "dataset.extra_balance=false"])
    prep = prepare(config)
    train = prep.splits["train"]
    n, m, k = len(train["y"]), len(prep.extra["y"]), len(prep.label_names)
    logits_key, emb_key, valid_key = teacher_keys("skeleton")
    for split_ in (train, prep.extra):
        split_[logits_key] = torch.zeros(len(split_["y"]), k)
        split_[emb_key] = torch.zeros(len(split_["y"]), 8)
        split_[valid_key] = split_["skeleton_valid"].clone()
    chosen = torch.arange(m) % k
    prep.extra[logits_key][torch.arange(m), chosen] = 5.0
    label_extra(config, prep)
    valid = prep.extra["skeleton_valid"]
    merged = prep.splits["train"]
    assert torch.equal(merged["y"][n:], chosen[valid]) and torch.equal(
        merged[logits_key][n:], prep.extra[logits_key][valid]
    )


def test_teachers_do_not_depend_on_extra_subjects(shared):
    with_extra = load_config(f"{CONFIGS}/teacher.yaml", shared)
    without = load_config(f"{CONFIGS}/teacher.yaml", [*shared, "dataset.extra_subjects=[]"])
    assert teacher_run_dir(with_extra, "skeleton") == teacher_run_dir(without, "skeleton")
    for setting in ("dataset.extra_balance=false", "dataset.extra_labels=recorded"):
        other = load_config(f"{CONFIGS}/teacher.yaml", [*shared, setting])
        assert teacher_run_dir(other, "skeleton") == teacher_run_dir(with_extra, "skeleton")
    supervised = load_config(f"{CONFIGS}/supervised.yaml", shared)
    assert teachers_trained(supervised) == ["skeleton"]  # it labels the extra windows
    assert teachers_trained(load_config(f"{CONFIGS}/vskd.yaml", shared)) == ["skeleton"]


def test_bad_extra_subjects_are_one_line_errors(shared):
    config = load_config(f"{CONFIGS}/supervised.yaml", [*shared, "dataset.extra_subjects=[s05, s99]"])
    with pytest.raises(ValueError, match=r"dataset.extra_subjects: \['s99'\] not in the dataset \(its subjects: s01, "):
        prepare(config)
    every = "dataset.extra_subjects=[s01, s02, s03, s04, s05, s06]"
    with pytest.raises(ValueError, match="names every subject of the dataset"):
        prepare(load_config(f"{CONFIGS}/supervised.yaml", [*shared, every]))
    with pytest.raises(ConfigError, match="'dataset.extra_subjects': expected a list of distinct subject names"):
        load_config(f"{CONFIGS}/supervised.yaml", ["dataset.extra_subjects=[s05, s05]"])
    with pytest.raises(ConfigError, match="'dataset.extra_labels': expected one of 'recorded', 'teacher'"):
        load_config(f"{CONFIGS}/supervised.yaml", ["dataset.extra_labels=camera"])
    with pytest.raises(ConfigError, match="extra subjects train students only"):
        load_config(f"{CONFIGS}/supervised.yaml", [*shared, "method=minirocket"])


def test_merge_refuses_splits_with_different_fields():
    a = {"y": torch.zeros(2, dtype=torch.long), "window": torch.arange(2)}
    b = {**a, "t_logits.skeleton": torch.zeros(2, 3)}
    with pytest.raises(ValueError, match=r"different fields cannot be merged: \['t_logits.skeleton'\]"):
        merge_splits(a, b)


def test_set_aside_keeps_every_other_recording():
    from types import SimpleNamespace

    recs = [SimpleNamespace(subject=s) for s in ("a", "b", "a", "c")]
    assert set_aside_extra(recs, ["a"]) == ([1, 3], [0, 2])
    assert set_aside_extra(recs, []) == ([0, 1, 2, 3], [])


def test_an_exported_teacher_labels_the_extra_windows(tmp_path):
    """With teacher.model (a robot's camera teacher) the exported graph labels them, no teacher trains."""
    from training.prepare import onnx_teacher_outputs

    model = "har_kd_ros/models/teacher_default.onnx"
    overrides = [*EXTRA, f"teacher.model={model}", f"out={tmp_path}", "progress=false", "dataset.extra_balance=false"]
    config = load_config(f"{CONFIGS}/supervised.yaml", overrides)
    assert teachers_trained(config) == []
    prep = prepare(config)
    valid = prep.extra["skeleton_valid"]
    expected = onnx_teacher_outputs(prep.teacher, prep.extra["skeleton"][valid].numpy())[0].argmax(1)
    n = len(prep.splits["train"]["y"])
    report = label_extra(config, prep)
    assert prep.splits["train"]["y"][n:].tolist() == expected.tolist() and report["windows"] == len(expected)
    assert not (tmp_path / "synthetic_cross_subject" / "teachers").exists()


def test_a_run_labelled_by_its_teacher_labels_the_extra_windows_too(tmp_path):
    """dataset.labels: teacher leaves no recorded label to keep: extra_labels: recorded is moot."""
    model = "har_kd_ros/models/teacher_default.onnx"
    overrides = [*EXTRA, f"teacher.model={model}", "dataset.labels=teacher", "dataset.extra_labels=recorded"]
    config = load_config(f"{CONFIGS}/supervised.yaml", [*overrides, f"out={tmp_path}", "dataset.extra_balance=false"])
    prep = prepare(config)
    n = len(prep.splits["train"]["y"])
    report = label_extra(config, prep)
    assert report["labels"] == "teacher" and report["windows"] == int(prep.extra["skeleton_valid"].sum())
    assert bool((prep.splits["train"]["y"][n:] >= 0).all())


def test_logits_a_distilling_run_read_are_not_computed_again(tmp_path, monkeypatch):
    """The exported teacher's outputs on the extra windows (kept when distillation attaches them)
    label them too: the graph is not run over those windows a second time."""
    from training.prepare import onnx_teacher_outputs

    model = "har_kd_ros/models/teacher_default.onnx"
    overrides = [*EXTRA, f"teacher.model={model}", f"out={tmp_path}", "progress=false", "dataset.extra_balance=false"]
    config = load_config(f"{CONFIGS}/supervised.yaml", overrides)
    prep = prepare(config)
    logits = onnx_teacher_outputs(prep.teacher, prep.extra["skeleton"].numpy())[0]
    prep.extra_teacher_logits = logits

    def no_second_pass(*_):
        raise AssertionError("the teacher ran over the extra windows again")

    monkeypatch.setattr(prep.teacher, "logits_and_embedding", no_second_pass)
    n = len(prep.splits["train"]["y"])
    label_extra(config, prep)
    valid = prep.extra["skeleton_valid"].numpy()
    assert prep.splits["train"]["y"][n:].tolist() == logits[valid].argmax(1).tolist()


def test_a_distilling_run_reads_the_exported_teacher_over_the_extra_windows_once(tmp_path, monkeypatch):
    """Through the pipeline: the logits that distillation attaches to the extra windows are the
    ones that label them (one pass of the graph), and the labels are their top class."""
    from tiny_config import TINY

    import training.extra_subjects as extra_subjects
    import training.pipeline as pipeline
    import training.prepare
    from training.data.synthetic import ACTIVITIES

    passes: list[int] = []
    real = pipeline.onnx_teacher_outputs

    def counted(teacher, skeleton):
        passes.append(len(skeleton))
        return real(teacher, skeleton)

    def no_second_pass(*_):
        raise AssertionError("the teacher ran over the extra windows again")

    monkeypatch.setattr(pipeline, "onnx_teacher_outputs", counted)
    monkeypatch.setattr(extra_subjects, "onnx_teacher_outputs", no_second_pass)
    model = "har_kd_ros/models/teacher_default.onnx"
    # the run's classes in another order than the teacher's: its logits reach the run through a
    # class map, as they do for a robot's own annotated classes
    monkeypatch.setattr(training.prepare, "label_names_of", lambda *_: tuple(sorted(ACTIVITIES)))
    tiny = [o for o in TINY if not o.startswith("window.")]  # the exported teacher reads 2.56 s windows
    overrides = [*tiny, *EXTRA, f"teacher.model={model}", f"out={tmp_path}", "optim.epochs=1"]
    overrides.append("dataset.extra_balance=false")
    config = load_config(f"{CONFIGS}/kd.yaml", overrides)
    result = run(config)
    prep = prepare(config)
    assert not prep.teacher_classes.identity and passes == [len(prep.extra["y"])]
    logits = real(prep.teacher, prep.extra["skeleton"].numpy())[0]
    labels = torch.from_numpy(prep.teacher_classes.labels(logits))
    readable = prep.extra["skeleton_valid"] & (labels >= 0)
    assert result["extra"]["windows"] == int(readable.sum()) > 0
    recorded = prep.extra["y"][readable]
    agree = float((labels[readable] == recorded).float().mean())
    assert result["extra"]["teacher_label_accuracy"] == pytest.approx(agree)

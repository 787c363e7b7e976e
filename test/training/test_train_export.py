import json

import numpy as np
import pytest

from har_kd_ros.inference.classifier import StudentClassifier
from har_kd_ros.inference.model_card import ModelCard
from training.__main__ import main
from training.data.synthetic import ACTIVITIES

CONFIGS = "training/configs/synthetic"
K = len(ACTIVITIES)  # the synthetic classes


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from tiny_config import TINY

    out = tmp_path_factory.mktemp("runs")
    model = out / "student.onnx"
    sets = [x for item in TINY for x in ("--set", item)]
    code = main(
        [
            "run",
            "--config",
            f"{CONFIGS}/supervised.yaml",
            "--out",
            str(out),
            "--export",
            str(model),
            "--seed",
            "1",
            "--set",
            "int8=static",
            "--set",
            "gaf.gyro_mu_law=1000",  # the card must carry it to the robot
            "--set",
            "gaf.shape_sensors=[gyro]",  # and the per-window gyroscope images
            *sets,
        ]
    )
    assert code == 0
    return out, model


def test_run_folder_holds_everything(trained):
    out, _ = trained
    run = out / "synthetic_cross_subject" / "supervised_seed1"
    for name in (
        "config.json",
        "metrics.csv",
        "metrics.json",
        "best.pt",
        "last.pt",
        "curves.png",
        "confusion_matrix.png",
    ):
        assert (run / name).is_file(), name
    metrics = json.loads((run / "metrics.json").read_text())
    assert {"accuracy", "macro_f1", "per_class_f1", "confusion_matrix"} <= set(metrics["test"])
    assert metrics["val_accuracy"] > 0.2  # 10 classes, 162 windows: chance is 0.1
    lines = (run / "metrics.csv").read_text().splitlines()
    assert len(lines) == 5 and lines[0].startswith("epoch,train_loss")
    config = json.loads((run / "config.json").read_text())
    assert config["config"]["seed"] == 1 and config["config"]["window"]["window_samples"] == 64
    assert len(config["git_commit"]) >= 40


def test_export_card_and_parity(trained):
    _, model = trained
    card = ModelCard.load(model.with_suffix(".json"))
    assert (card.window_samples, card.hop_samples, card.image_size) == (64, 32, 32)
    assert card.provenance["onnx_parity_max_abs_logit_diff"] < 1e-4
    assert card.provenance["command"].startswith("python -m training run --config")
    assert card.provenance["method"] == "supervised"
    clf = StudentClassifier(model)
    assert card.channels == ("acc_x", "acc_y", "acc_z", "gyro_x", "gyro_y", "gyro_z")  # the synthetic recipe's
    p = clf.probabilities(np.random.default_rng(0).normal(0, 5, (3, 6, 64)))
    assert p.shape == (3, K)


def test_the_robot_encodes_windows_as_training_did(trained):
    """The card carries every encoding setting of the run, the gyroscope's companding and shape
    images too: the runtime's images of a window are the ones the training loop made of it."""
    from tiny_config import TINY

    from har_kd_ros.inference.gaf import gaf
    from training.config import load_config
    from training.prepare import gaf_kwargs

    _, model = trained
    config = load_config(f"{CONFIGS}/supervised.yaml", [*TINY, "gaf.gyro_mu_law=1000", "gaf.shape_sensors=[gyro]"])
    card = ModelCard.load(model.with_suffix(".json"))
    assert card.mu_law == (0.0, 0.0, 0.0, 1000.0, 1000.0, 1000.0)
    assert card.shape_channels == ("gyro_x", "gyro_y", "gyro_z") and card.input_shape[1] == 9
    rng = np.random.default_rng(3)
    windows = np.concatenate([rng.normal(0, 5, (4, 3, 64)), rng.normal(0, 0.05, (4, 3, 64))], axis=1)
    np.testing.assert_array_equal(StudentClassifier(model).encode(windows), gaf(windows, **gaf_kwargs(config)))


def test_int8_export_records_its_accuracy_delta(trained):
    _, model = trained
    int8 = model.with_name("student_int8.onnx")
    card = ModelCard.load(int8.with_suffix(".json"))
    q = card.provenance["int8"]
    assert q["mode"] == "static" and q["quantised_from"] == "student.onnx"
    assert q["accuracy_delta"] == pytest.approx(q["int8_test_accuracy"] - q["fp32_test_accuracy"])
    assert int8.stat().st_size < 0.5 * model.stat().st_size
    windows = np.random.default_rng(0).normal(0, 8, (64, 6, 64))
    fp32, quant = StudentClassifier(model), StudentClassifier(int8)
    agree = (fp32.probabilities(windows).argmax(1) == quant.probabilities(windows).argmax(1)).mean()
    assert agree > 0.8


def test_checkpoint_loads_weights_only(trained):
    import torch

    from training.engine.loop import load_checkpoint
    from training.models.students import build_student

    out, _ = trained
    model = load_checkpoint(build_student("edge", 9, K), next(out.glob("*/*/best.pt")))  # 6 + 3 shape images
    assert not model.training
    evil = out / "evil.pt"
    torch.save({"weights": object()}, evil)
    with pytest.raises(Exception, match="(?i)weights_only|unsupported"):
        load_checkpoint(build_student("edge", 6, K), evil)


def test_bundled_student_beats_chance_on_unseen_subjects(default_student):
    from training.data.pairing import WindowSpec, pair_recordings
    from training.data.synthetic import generate_dataset

    card = default_student.card
    recs = generate_dataset(n_subjects=2, trials=1, seed=12345)  # subjects the student never saw
    spec = WindowSpec(card.sample_rate_hz, card.window_samples, card.hop_samples, channels=card.channels)
    paired = pair_recordings(recs, spec, card.labels)
    accuracy = (default_student.probabilities(paired.imu).argmax(1) == paired.labels).mean()
    assert accuracy > 0.6  # 10 classes: chance is 0.1


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["run", "--set", "dataset.name=utd_mhad"], "error: root"),
        (["run", "--set", "optim.epoch=3"], "error: config key 'optim.epoch': unknown"),
        (["run", "--set", "method=magic"], "error: config key 'method'"),
        (["run", "--config", "nope.yaml"], "error: "),
        (["experiments", "--only", "vskd", "pskdd"], "error: only: ['pskdd'] are not variants of the synthetic suite"),
        (["experiments", "--jobs", "0"], "error: jobs: expected >= 1, got 0"),
        # --set reaches every run of a suite (here refused as a key), --dataset does not
        (["experiments", "--only", "kd", "--set", "optim.epoch=3"], "error: config key 'optim.epoch': unknown"),
        (["experiments", "--dataset", "utd_mhad", "--suite", "watch"], "error: suite watch: runs its own datasets"),
        (["demo-recording", "--segment", "0"], "error: segment_s: expected a positive number of seconds, got 0.0"),
        (["demo-recording", "--activities", "walking,flying"], "error: activity: expected one of"),
    ],
)
def test_cli_errors_are_one_line(capsys, argv, start):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(start) and "\n" not in err


def test_a_finished_run_is_recognised_only_for_its_own_config(trained):
    """What lets an interrupted experiment suite continue: the same config is reused, any change is not."""
    import os

    from tiny_config import TINY

    from training.config import load_config
    from training.run_dirs import finished_run

    out, model = trained
    base = [*TINY, "int8=static", "gaf.gyro_mu_law=1000", "gaf.shape_sensors=[gyro]", "seed=1"]
    base += [f"export={model}", f"out={out}"]
    same = finished_run(load_config(f"{CONFIGS}/supervised.yaml", [*base, "optim.threads=2", "progress=true"]))
    assert same is not None and same["run_dir"].endswith("supervised_seed1")
    assert (
        same["test"]["accuracy"]
        == json.loads((out / "synthetic_cross_subject/supervised_seed1/metrics.json").read_text())["test"]["accuracy"]
    )
    assert finished_run(load_config(f"{CONFIGS}/supervised.yaml", [*base, "optim.lr=0.01"])) is None
    assert finished_run(load_config(f"{CONFIGS}/supervised.yaml", [*base, "seed=2"])) is None
    meta = out / "synthetic_cross_subject/supervised_seed1/config.json"
    # a run written before a setting existed counts as run at that setting's default
    stat, stored = os.stat(meta), json.loads(meta.read_text())
    del stored["config"]["dask"]["ce_untaught"]
    meta.write_text(json.dumps(stored))
    os.utime(meta, (stat.st_atime, stat.st_mtime))
    assert finished_run(load_config(f"{CONFIGS}/supervised.yaml", base)) is not None
    assert finished_run(load_config(f"{CONFIGS}/supervised.yaml", [*base, "dask.ce_untaught=2"])) is None
    later = os.stat(meta).st_mtime + 5
    os.utime(meta, (later, later))  # a restarted run that did not finish: its old metrics do not count
    assert finished_run(load_config(f"{CONFIGS}/supervised.yaml", base)) is None

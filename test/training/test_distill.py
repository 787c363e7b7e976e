"""Distillation plumbing: pairing through the loop, teachers, PSKD stages, resume, end-to-end runs."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from har_kd_ros.inference.gaf import gaf
from training.config import load_config
from training.data.synthetic import ACTIVITIES
from training.engine import loop
from training.engine.loop import FitConfig, fit
from training.engine.objectives import PSKDObjective
from training.losses.acs import ACSWeights
from training.models.students import build_student
from training.models.teachers import build_teacher
from training.pipeline import run
from training.prepare import gaf_kwargs, prepare, student_channels
from training.teachers import attach_teacher, get_teacher, teacher_split

CONFIGS = "training/configs/synthetic"
K = len(ACTIVITIES)  # the synthetic classes


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One runs folder for the module, so each tiny teacher is trained once and then reused."""
    from tiny_config import TINY

    return [*TINY, f"out={tmp_path_factory.mktemp('distill')}"]


@pytest.fixture(scope="module")
def prepared(shared):
    config = load_config(f"{CONFIGS}/vskd.yaml", shared)
    return config, prepare(config)


class PairingSpy(torch.nn.Module):
    """An objective that checks, for every training batch, that all inputs describe one time span."""

    def __init__(self, model, teacher, gaf_kwargs):
        super().__init__()
        self.model, self.teacher, self.gaf_kwargs = model, teacher, gaf_kwargs
        self.batches = 0

    def forward(self, batch, epoch):
        images = gaf(batch["imu"].numpy().astype(np.float64), **self.gaf_kwargs)
        np.testing.assert_allclose(batch["gaf"].numpy(), images, atol=1e-5)
        with torch.no_grad():
            z, e = self.teacher(batch["skeleton"])
        valid = batch["t_valid.skeleton"]
        torch.testing.assert_close(batch["t_logits.skeleton"][valid], z[valid])
        torch.testing.assert_close(batch["t_emb.skeleton"][valid], e[valid])
        self.batches += 1
        logits, _ = self.model(batch["gaf"])
        return torch.nn.functional.cross_entropy(logits, batch["y"]), logits, {}


def test_teacher_and_student_see_the_same_sample_in_every_batch(prepared):
    config, data = prepared
    teacher = build_teacher("skeleton", K, width=16, embedding=32).eval()
    attach_teacher(data.splits["train"], "skeleton", teacher)
    spy = PairingSpy(build_student("edge", len(student_channels(config)), K), teacher, gaf_kwargs(config))
    fit(spy, data.splits, data.label_names, FitConfig(epochs=2, batch_size=16, progress=False), None)
    assert spy.batches == 2 * (len(data.splits["train"]["y"]) // 16)


def test_batches_are_never_padded(prepared):
    config, data = prepared
    sizes = []

    class Sizes(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = build_student("edge", len(student_channels(config)), K)

        def forward(self, batch, epoch):
            sizes.append(len(batch["y"]))
            assert (batch["gaf"].flatten(1).abs().sum(1) > 0).all()  # no all-zero filler
            logits, _ = self.model(batch["gaf"])
            return torch.nn.functional.cross_entropy(logits, batch["y"]), logits, {}

    n = len(data.splits["train"]["y"])
    fit(Sizes(), data.splits, data.label_names, FitConfig(epochs=1, batch_size=24, progress=False), None)
    assert set(sizes) == {24} and len(sizes) == n // 24


def test_teacher_split_keeps_only_tracked_skeletons(prepared):
    _, data = prepared
    train = dict(data.splits["train"])
    train["skeleton_valid"] = train["skeleton_valid"].clone()
    train["skeleton_valid"][::3] = False
    sk = teacher_split(train, build_teacher("skeleton", K, 16, 32))
    assert len(sk["y"]) == int(train["skeleton_valid"].sum()) and bool(sk["skeleton_valid"].all())
    assert len(teacher_split(train, build_teacher("acc", K, 16, 32))["y"]) == len(train["y"])
    attach_teacher(train, "fusion", build_teacher("fusion", K, 16, 32).eval())
    assert torch.equal(train["t_valid.fusion"], train["skeleton_valid"])
    assert (train["t_logits.fusion"][~train["skeleton_valid"]] == 0).all()


def test_teachers_are_trained_once_and_reused(prepared):
    config, data = prepared
    model, result = get_teacher(config, data, "skeleton")
    again, result2 = get_teacher(config, data, "skeleton")
    assert result2["test"]["accuracy"] == result["test"]["accuracy"]
    for a, b in zip(model.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    other = load_config(f"{CONFIGS}/vskd.yaml", [*_overrides(config), "teacher.width=8"])
    from training.run_dirs import teacher_run_dir

    assert teacher_run_dir(other, "skeleton") != teacher_run_dir(config, "skeleton")


def _overrides(config):
    return [f"out={config['out']}", "dataset.options={n_subjects: 4, trials: 2}"]


def test_pskd_stages_admit_teachers_progressively():
    objective = PSKDObjective(
        build_student("edge", 3, 4), 64, ["acc", "fusion", "skeleton"], [8, 8, 8],
        [(0.34, {"acc"}), (0.67, {"acc", "fusion"}), (1.0, {"acc", "fusion", "skeleton"})], 30, ACSWeights(),
    )  # fmt: skip
    active = [objective.active(e) for e in range(1, 31)]
    assert active[0] == active[10] == [True, False, False]  # epochs 1-11
    assert active[11] == active[20] == [True, True, False]  # epochs 12-21 (20/30 < 0.67)
    assert active[21] == active[29] == [True, True, True]  # epochs 22-30
    with pytest.raises(ValueError, match="not in pskd.teachers"):
        PSKDObjective(build_student("edge", 3, 4), 64, ["acc"], [8], [(1.0, {"skeleton"})], 10, ACSWeights())
    with pytest.raises(ValueError, match="the last one 1.0"):
        PSKDObjective(build_student("edge", 3, 4), 64, ["acc"], [8], [(0.5, {"acc"})], 10, ACSWeights())


@pytest.mark.parametrize("method", ["kd", "vskd", "pskd"])
def test_distillation_runs_end_to_end(shared, method):
    config = load_config(f"{CONFIGS}/{method}.yaml", shared)
    result = run(config)
    folder = Path(result["run_dir"])
    assert json.loads((folder / "metrics.json").read_text())["test"]["n"] == result["n_test"]
    rows = list(csv.DictReader((folder / "metrics.csv").open()))
    assert len(rows) == config["optim"]["epochs"]
    assert float(rows[-1]["train_loss"]) < float(rows[0]["train_loss"])  # it learns
    expected = {"kd": "loss_kd", "vskd": "loss_angle", "pskd": "loss_trust"}[method]
    assert expected in rows[0]
    assert set(result["teacher_test_accuracy"]) == ({"acc", "fusion", "skeleton"} if method == "pskd" else {"skeleton"})


def test_resume_without_a_checkpoint_says_so_and_trains_from_the_start(shared, capsys):
    result = run(load_config(f"{CONFIGS}/supervised.yaml", [*shared, "name=never_started"]), resume=True)
    assert f"resume: no {Path(result['run_dir']) / 'last.pt'} to continue from" in capsys.readouterr().err
    lines = (Path(result["run_dir"]) / "metrics.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3", "4"]


def test_interrupted_training_resumes_to_the_same_result(shared, monkeypatch):
    straight = run(load_config(f"{CONFIGS}/vskd.yaml", [*shared, "name=straight"]))
    calls = {"n": 0}
    real = loop._evaluate

    def crash_at_epoch_3(model, split_):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(model, split_)

    config = load_config(f"{CONFIGS}/vskd.yaml", [*shared, "name=resumed"])
    monkeypatch.setattr(loop, "_evaluate", crash_at_epoch_3)
    with pytest.raises(KeyboardInterrupt):
        run(config)
    monkeypatch.setattr(loop, "_evaluate", real)
    resumed = run(config, resume=True)
    assert resumed["test"]["accuracy"] == straight["test"]["accuracy"]
    assert resumed["best_epoch"] == straight["best_epoch"]
    a = torch.load(Path(straight["run_dir"]) / "best.pt", weights_only=True)
    b = torch.load(Path(resumed["run_dir"]) / "best.pt", weights_only=True)
    for key in a:
        torch.testing.assert_close(a[key], b[key])
    lines = (Path(resumed["run_dir"]) / "metrics.csv").read_text().splitlines()
    assert len(lines) == 5 and [line.split(",")[0] for line in lines[1:]] == ["1", "2", "3", "4"]


def test_crossfit_soft_targets_come_from_teachers_that_never_saw_the_subject(tmp_path):
    from tiny_config import TINY

    from training.engine.loop import predict
    from training.engine.objectives import teacher_keys
    from training.teachers import _train_folds, attach_crossfit_logits

    overrides = [*TINY, "dataset.options={n_subjects: 6, trials: 2}", "teacher.crossfit=2", f"out={tmp_path}"]
    config = load_config(f"{CONFIGS}/kd.yaml", overrides)
    prep = prepare(config)
    train = prep.splits["train"]
    subjects = {prep.recordings[i].subject for i in train["recording"].tolist()}
    assert len(subjects) == 2  # odd subjects 1, 3, 5 train, one of them validates
    full, _ = get_teacher(config, prep, "skeleton")
    attach_teacher(train, "skeleton", full)
    logits_key, _, valid_key = teacher_keys("skeleton")
    own = train[logits_key].clone()
    accuracy = attach_crossfit_logits(config, prep, "skeleton", 2, loop.SINGLE_PROCESS)
    assert 0.0 <= accuracy <= 1.0
    folds = _train_folds(prep, 2)
    for i in range(2):
        teacher, result = get_teacher(config, prep, "skeleton", fold=(2, i))  # reused from its folder
        held = torch.from_numpy(np.flatnonzero(folds == i))
        held_subjects = {prep.recordings[j].subject for j in train["recording"][held].tolist()}
        readable = train[valid_key].numpy()  # a teacher trains on the windows it can read
        assert len(held_subjects) == 1 and result["n_train"] == int(((folds != i) & readable).sum())
        z, _ = predict(teacher, {k: v[held] for k, v in train.items()})
        valid = train[valid_key][held]
        torch.testing.assert_close(train[logits_key][held][valid], z[valid])
    assert not torch.allclose(train[logits_key], own)  # other teachers, other soft targets


@pytest.mark.parametrize("method", ["vskd", "pskd"])
def test_soft_targets_leave_out_classes_a_teacher_never_read(shared, method):
    """A still watch on a table has no skeleton: the skeleton teacher never learnt 'still', so its
    soft targets cover the other classes only (teacher.unseen_classes: drop); 'keep' covers all."""
    from training.engine.objectives import known_classes
    from training.methods import build_objective, teachers_needed
    from training.models.students import embedding_dim

    config = load_config(f"{CONFIGS}/{method}.yaml", shared)
    prep = prepare(config)
    train = prep.splits["train"]
    dims = {}
    for kind in teachers_needed(config):
        teacher, _ = get_teacher(config, prep, kind)
        attach_teacher(train, kind, teacher)
        dims[kind] = embedding_dim(teacher)
    classes = {kind: known_classes(train, kind, K) for kind in dims}
    still = ACTIVITIES.index("still")
    assert not classes["skeleton"][still] and int(classes["skeleton"].sum()) == K - 1
    student = build_student("edge", len(student_channels(config)), K)
    objective = build_objective(config, student, dims, classes)
    masks = [objective.loss.classes] if method == "vskd" else [objective.loss.classes_0, objective.loss.classes_2]
    assert torch.equal(masks[-1], classes["skeleton"])
    if method == "pskd":  # the accelerometer teacher reads every window, a still watch's too
        assert bool(masks[0].all())
    kept = build_objective(
        {**config, "teacher": {**config["teacher"], "unseen_classes": "keep"}}, student, dims, classes
    )
    assert (kept.loss.classes if method == "vskd" else kept.loss.classes_2) is None


def test_known_classes_are_those_the_teacher_read_in_training():
    from training.engine.objectives import known_classes

    split_ = {"y": torch.tensor([0, 2, 2, 1, -1]), "t_valid.skeleton": torch.tensor([True, True, False, False, True])}
    assert known_classes(split_, "skeleton", 4).tolist() == [True, False, True, False]

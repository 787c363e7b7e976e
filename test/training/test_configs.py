"""Every shipped config resolves, and a bad entry fails when the config is loaded, naming its key:
not mid-run, after the dataset was decoded and the teachers were trained."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from har_kd_ros.imu.window import StreamingWindow
from har_kd_ros.inference import gaf
from training.__main__ import main
from training.config import DEFAULTS, LABEL_SOURCES, METHODS, UNSEEN_CLASSES, ConfigError, load_config
from training.data.augment import AXES, augment, crop
from training.data.datasets import DATASETS
from training.data.protocols import PROTOCOLS, get_protocol
from training.methods import build_objective
from training.models.students import NORMS, STUDENTS, build_student, embedding_dim
from training.models.teachers import TEACHERS, build_teacher
from training.prepare import augment_config, channel_scale, gaf_kwargs, image_channels, student_channels, student_inputs

CONFIGS = sorted(Path("training/configs").rglob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[str(p.relative_to("training/configs")) for p in CONFIGS])
def test_shipped_config_resolves(path):
    config = load_config(path)
    assert config["dataset"]["name"] in DATASETS
    get_protocol(config["dataset"]["protocol"])  # a protocol that exists, fold names included
    w = config["window"]
    assert w["hop_samples"] == "auto" or w["hop_samples"] <= w["window_samples"]


def test_an_unknown_key_is_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: " + str(Path("training/configs/mmact/vskd.yaml").resolve()) + "\nwindow:\n  hop: 5\n")
    with pytest.raises(ConfigError, match="hop"):
        load_config(bad)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("optim.epochs=abc", "'optim.epochs': expected an integer, got 'abc'"),
        ("optim.epochs=2.5", "'optim.epochs': expected an integer, got 2.5"),
        ("optim.threads=0", "'optim.threads': expected in [1, 1024], got 0"),
        ("optim.lr=-1", "'optim.lr': expected > 0, got -1"),
        ("seed=-1", "'seed': expected in [0, 2**32) (numpy's global seed), got -1"),
        ("seed=4294967296", "'seed': expected in [0, 2**32) (numpy's global seed), got 4294967296"),
        ("window.rate_hz=.nan", "'window.rate_hz': expected a finite number or 'auto' (from the data), got nan"),
        ("dataset.val_fraction=1", "'dataset.val_fraction': expected in [0, 1), got 1"),
        ("dataset.name=utd", "'dataset.name': expected one of 'synthetic', "),
        ("dataset.protocol=cross_view", "'dataset.protocol': expected one of 'cross_subject', "),
        ("dataset.labels=camera", "'dataset.labels': expected one of 'recorded', 'teacher', got 'camera'"),
        ("gaf.image_size=256", "'gaf.image_size': expected <= window.window_samples (128), got 256"),
        ("window.min_rest_share=2", "'window.min_rest_share': expected in [0, 1] (0: every window), got 2"),
        ("gaf.shape_sensors=[mag]", "'gaf.shape_sensors': expected a list of distinct sensors out of"),
        ("student.arch=resnet50", "'student.arch': expected one of 'edge', 'resnet18', 'cnn1d', got 'resnet50'"),
        ("int8=fast", "'int8': expected one of null, 'static', 'dynamic', got 'fast'"),
        ("progress=maybe", "'progress': expected true or false, got 'maybe'"),
        ("name=../elsewhere", "'name': expected letters, digits"),
        ("export=[a, b]", "'export': expected a path or null, got ['a', 'b']"),
        ("optim=3", "'optim': expected a mapping, got 3"),
        ("pskd.teachers=[acc, acc]", "'pskd.teachers': expected a list of distinct teachers"),
        ("pskd.schedule=[0.5, 1.0]", "'pskd.schedule': stage 0: expected {until: "),
        ("pskd.schedule=[{until: 1.0, teachers: [imu]}]", "'pskd.schedule': stage 0: teachers ['imu'] are not in"),
        (
            "pskd.schedule=[{until: 0.6, teachers: [acc]}, {until: 0.3, teachers: [acc]}]",
            "'pskd.schedule': expected stages with increasing 'until', the last one 1.0, got [0.6, 0.3]",
        ),
    ],
)
def test_a_bad_entry_is_one_error_naming_its_key(override, message):
    with pytest.raises(ConfigError) as caught:
        load_config("training/configs/synthetic/pskd.yaml", [override])
    assert str(caught.value).startswith(f"config key {message}")
    assert "\n" not in str(caught.value)


def test_shape_images_need_a_sensor_the_student_reads():
    with pytest.raises(ConfigError, match=r"'gaf.shape_sensors': expected sensors of window.sensors \['acc'\]"):
        load_config("training/configs/synthetic/supervised.yaml", ["window.sensors=[acc]", "gaf.shape_sensors=[gyro]"])
    config = load_config("training/configs/synthetic/supervised.yaml", ["gaf.shape_sensors=[gyro]"])
    assert image_channels(config) == 9 and gaf_kwargs(config)["shape_channels"] == (3, 4, 5)


def test_numbers_written_as_yaml_1_1_strings_are_numbers():
    """PyYAML reads ``1e-3`` as a string (YAML 1.1 wants ``1.0e-3``): a number entry takes it."""
    config = load_config(None, ["optim.lr=1e-3", "kd.temperature=2"])
    assert config["optim"]["lr"] == 0.001 and config["kd"]["temperature"] == 2


def test_leave_one_subject_out_names_its_subject():
    assert load_config(None, ["dataset.protocol=loso_s3_kitchen"])["dataset"]["protocol"] == "loso_s3_kitchen"
    with pytest.raises(
        ConfigError, match="'dataset.protocol': expected one of .* 'loso_<subject>' or 'kfold_<k>_<i>', got 'loso'"
    ):
        load_config(None, ["dataset.protocol=loso"])


def test_the_command_line_prints_the_error_and_trains_nothing(tmp_path, capsys):
    assert main(["run", "--set", "optim.threads=0", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == "error: config key 'optim.threads': expected in [1, 1024], got 0\n"
    assert not any(tmp_path.iterdir())


# -- what load_config accepts, everything that reads the config accepts ---------------------------
def _leaves(tree: dict, where: str = "") -> list[str]:
    out = []
    for key, value in tree.items():
        path = f"{where}.{key}" if where else key
        if path != "dataset.options":  # the loader's own options: free-form
            out += _leaves(value, path) if isinstance(value, dict) else [path]
    return out


def _accepted_or_named(key: str, value: str) -> dict | None:
    """The config with ``key=value``, or None after checking the ConfigError is one line naming a key."""
    try:
        return load_config(None, [f"{key}={value}"])
    except ConfigError as exc:
        assert str(exc).startswith("config key '") and "\n" not in str(exc), str(exc)
        return None


def _every_reader_takes(config: dict) -> None:
    """Windows, GAF, teacher, optimisers and every distillation loss built and run from the
    config: where a rule were missing, one of them would raise (deep inside a run)."""
    w, t = config["window"], config["teacher"]
    np.random.RandomState(config["seed"])  # what seed_everything gives np.random.seed, without its side effect
    torch.Generator().manual_seed(config["seed"])
    threads = torch.get_num_threads()
    torch.set_num_threads(config["optim"]["threads"])
    torch.set_num_threads(threads)
    channels = student_channels(config)
    StreamingWindow(w["rate_hz"], w["window_samples"], w["hop_samples"], len(channels), max_gap_s=w["max_gap_s"])
    augmentation = augment_config(config)
    margin = augmentation.context_samples(w["window_samples"])
    context = np.random.default_rng(0).normal(size=(2, len(channels), w["window_samples"] + 2 * margin))
    bounds = np.array([0, 0]), np.array([context.shape[2], w["window_samples"]]), np.array([margin, 0])
    rng = np.random.default_rng(0)
    windows = augment(crop(context, *bounds, w["window_samples"], augmentation, rng), channels, augmentation, rng)
    images = gaf.gaf(windows, **gaf_kwargs(config))
    assert np.isfinite(images).all() and images.shape[:2] == (2, image_channels(config))
    build_teacher(t["kind"], 4, t["width"], t["embedding"])
    student = build_student(
        config["student"]["arch"],
        student_inputs(config),
        4,
        norm=config["student"]["norm"],
        scale=channel_scale(config),
    )
    student(torch.from_numpy(images if config["student"]["arch"] != "cnn1d" else windows).float())
    for lr in (config["optim"]["lr"], t["lr"]):
        torch.optim.AdamW(student.parameters(), lr=lr, weight_decay=config["optim"]["weight_decay"])
    n, dim = 4, embedding_dim(student)
    zs, es, y = torch.randn(n, 4), torch.randn(n, dim), torch.arange(n) % 4
    for method in ("kd", "vskd", "pskd"):
        known = {k: torch.arange(4) != 1 for k in TEACHERS}  # a class some teacher never read
        objective = build_objective({**config, "method": method}, student, dict.fromkeys(TEACHERS, 8), known)
        if method == "pskd":
            k = len(config["pskd"]["teachers"])
            objective.loss(zs, es, torch.randn(k, n, 4), [torch.randn(n, 8)] * k, y, torch.ones(k, n, dtype=torch.bool))
        else:
            objective.loss(zs, es, torch.randn(n, 4), torch.randn(n, 8), y)


NAMES = [
    *(*METHODS, *LABEL_SOURCES, *DATASETS, *PROTOCOLS, *STUDENTS, *TEACHERS, *gaf.METHODS, *gaf.NORMALISATIONS),
    *("adaptive", "uniform", "static", "dynamic", *NORMS, *AXES, *UNSEEN_CLASSES),
]
PROBES = [
    *("-1", "0", "0.0", "1e-3", "0.5", "1", "1.0", "2", "64", "129", "1.0e+308", ".nan", ".inf", "-.inf"),
    *("true", "null", "''", "abc", "../x", "[]", "{}", "[acc]", "[acc, acc]", "[imu]", "[skeleton, fusion, acc]"),
    *("[acc, gyro]", "[gyro]"),
    "[{until: 1.0, teachers: []}]",
]


@pytest.mark.parametrize("key", _leaves(DEFAULTS))
def test_every_entry_refuses_what_its_readers_would_refuse(key):
    """Each entry set to the edges of every type (and every registered name): refused with one
    line naming a key, or taken by everything that reads it."""
    accepted = 0
    for value in (*PROBES, *NAMES):
        config = _accepted_or_named(key, value)
        if config is not None:
            _every_reader_takes(config)
            accepted += 1
    assert accepted >= 1  # each entry takes some value: no rule refuses everything


def _yaml_float(x: float) -> str:
    return ".nan" if math.isnan(x) else ".inf" if x == math.inf else "-.inf" if x == -math.inf else repr(x)


values = st.one_of(
    st.integers(-3, 200).map(str),
    st.floats(width=64).map(_yaml_float),
    st.lists(st.sampled_from([*TEACHERS, "imu"]), max_size=4).map(lambda v: "[" + ", ".join(v) + "]"),
    st.lists(
        st.tuples(st.sampled_from(["0.3", "0.5", "1.0", "1", "0", "1.5"]), st.sampled_from(["[]", "[acc]", "[imu]"])),
        max_size=3,
    ).map(lambda stages: "[" + ", ".join(f"{{until: {u}, teachers: {t}}}" for u, t in stages) + "]"),
    st.text(max_size=8),
)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "200")),
    derandomize="HYPOTHESIS_EXAMPLES" not in os.environ,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(key=st.sampled_from(_leaves(DEFAULTS)), value=values)
def test_any_text_for_any_entry_is_refused_in_one_line_or_read(key, value):
    config = _accepted_or_named(key, value)
    event("refused" if config is None else "accepted")
    if config is not None:
        _every_reader_takes(config)

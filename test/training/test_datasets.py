"""Loader options (``--option`` for ``python -m training data``, ``dataset.options`` in a config)
are read as their defaults' types and checked against the loader's own signature before any file
is opened: a typo is one line naming the dataset and the option, not a TypeError in the loader."""

from __future__ import annotations

import inspect

import pytest

from training.__main__ import main
from training.config import ConfigError, load_config
from training.data.datasets import _LOADERS, DATASETS, check_options, load_dataset
from training.data.loaders.rosbag import load_rosbag


def test_every_dataset_has_a_loader_whose_options_are_declared():
    assert set(_LOADERS) == set(DATASETS)
    for name in DATASETS:
        check_options(name, {})  # imports the loader and reads its signature


def test_options_are_read_as_their_defaults_types():
    opts = check_options("synthetic", {"n_subjects": 2, "activities": ["walking", "waving"]})
    assert opts == {"n_subjects": 2, "activities": ("walking", "waving")}
    opts = check_options("rosbag", {"min_visibility": "0.3", "imu_topic": "/watch/imu", "label_hold_s": 2})
    assert opts == {"min_visibility": 0.3, "imu_topic": "/watch/imu", "label_hold_s": 2}
    # the rosbag options are the per-bag loader's
    assert {"imu_topic", "skeleton_topic", "label_topic"} <= set(inspect.signature(load_rosbag).parameters)


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("synthetic", {"subjects": 3}, "synthetic option 'subjects': unknown (the loader takes ['activities', "),
        ("synthetic", {"n_subjects": "abc"}, "synthetic option 'n_subjects': expected an integer, got 'abc'"),
        ("synthetic", {"activities": "walking"}, "synthetic option 'activities': expected a list of names, got"),
        ("basic_motions", {"shimmer": 2}, "basic_motions option 'shimmer': unknown (the loader takes none)"),
        ("berkeley_mhad", {"shimmer": 2.5}, "berkeley_mhad option 'shimmer': expected an integer, got 2.5"),
        ("mmact", {"pose_fps": "fast"}, "mmact option 'pose_fps': expected a finite number, got 'fast'"),
        ("rosbag", {"with_skeleton": True}, "rosbag option 'with_skeleton': unknown"),
        ("utd_mhad", {"with_skeleton": "no"}, "utd_mhad option 'with_skeleton': expected true or false, got 'no'"),
        ("kinetics", {}, "dataset: expected one of"),
    ],
)
def test_a_bad_option_is_refused_before_any_file_is_read(tmp_path, name, options, message):
    with pytest.raises(ValueError) as caught:
        load_dataset(name, tmp_path / "never_opened", **options)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_a_config_checks_its_loader_options_when_it_loads():
    with pytest.raises(ConfigError, match="^config key 'dataset.options': synthetic option 'n_subject': unknown"):
        load_config(None, ["dataset.options.n_subject=3"])
    assert load_config(None, ["dataset.options.activities=[walking]"])["dataset"]["options"] == {
        "activities": ("walking",)
    }


def test_the_data_command_reads_options_as_yaml_and_names_a_bad_one(capsys):
    assert main(["data", "--option", "activities=[walking, waving]", "--option", "n_subjects=2"]) == 0
    assert "walking" in capsys.readouterr().out
    assert main(["data", "--option", "n_subjects=two"]) == 2
    assert capsys.readouterr().err == "error: synthetic option 'n_subjects': expected an integer, got 'two'\n"
    assert main(["data", "--option", "activities=[walking"]) == 2
    assert capsys.readouterr().err.startswith("error: --option activities: '[walking' is not a YAML value (")

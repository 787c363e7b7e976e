"""Every shipped config resolves: a typo in a key, dataset, protocol or method fails here, not mid-run."""

from pathlib import Path

import pytest

from training.config import ConfigError, load_config
from training.data.datasets import DATASETS
from training.data.protocols import PROTOCOLS

CONFIGS = sorted(Path("training/configs").rglob("*.yaml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[str(p.relative_to("training/configs")) for p in CONFIGS])
def test_shipped_config_resolves(path):
    config = load_config(path)
    assert config["dataset"]["name"] in DATASETS
    assert config["dataset"]["protocol"] in PROTOCOLS
    assert config["window"]["hop_samples"] <= config["window"]["window_samples"]


def test_an_unknown_key_is_refused(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("extends: " + str(Path("training/configs/mmact/vskd.yaml").resolve()) + "\nwindow:\n  hop: 5\n")
    with pytest.raises(ConfigError, match="hop"):
        load_config(bad)

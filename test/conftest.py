"""Shared fixtures: a small synthetic dataset, the bundled student, repo paths."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # training/ is not installed; tests import it from the checkout
    sys.path.insert(0, str(REPO))


@pytest.fixture(scope="session")
def small_dataset():
    from training.data.synthetic import generate_dataset

    return generate_dataset(n_subjects=4, trials=2, seed=7)


@pytest.fixture(scope="session")
def default_student():
    from har_kd_ros.classifier import StudentClassifier

    return StudentClassifier()


TINY = [
    "dataset.options={n_subjects: 4, trials: 2}",
    "window.window_samples=64",
    "window.hop_samples=32",
    "window.skeleton_frames=16",
    "gaf.image_size=32",
    "optim.epochs=4",
    "optim.batch_size=32",
    "teacher.epochs=4",
    "teacher.width=16",
    "teacher.embedding=32",
    "progress=false",
    "optim.threads=1",  # torch threads spin when cores are shared: one thread keeps a test test-sized
]


@pytest.fixture()
def tiny_overrides(tmp_path):
    """A config small enough for a test: 4 synthetic subjects, short windows, a few epochs."""
    return [*TINY, f"out={tmp_path / 'runs'}"]

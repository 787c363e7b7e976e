"""Shared fixtures: a small synthetic dataset, the bundled student, repo paths."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def small_dataset():
    from training.data.synthetic import generate_dataset

    return generate_dataset(n_subjects=4, trials=2, seed=7)


@pytest.fixture(scope="session")
def default_student():
    from har_kd_ros.inference.classifier import StudentClassifier

    return StudentClassifier()

"""The same training command under torchrun: 2 CPU processes (gloo) == 1 process, same global batch."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[2]


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=240, check=False)


@pytest.mark.skipif(not torch.distributed.is_available(), reason="torch built without torch.distributed")
def test_two_processes_match_one_with_the_same_global_batch(tmp_path):
    from tiny_config import TINY

    sets = [x for item in TINY for x in ("--set", item)]
    # two epochs: the second one's permutation is drawn again on every rank. Longer runs are not
    # bit-comparable: summing half-batch gradients rounds differently, and Adam scales the
    # rounding of near-zero gradients (rare classes) up to whole steps
    common = ["-m", "training", "run", "--config", str(REPO / "training/configs/synthetic/teacher.yaml"), *sets,
              "--set", "teacher.epochs=2", "--set", "teacher.batch_size=32"]  # fmt: skip
    single = _run([sys.executable, *common, "--out", str(tmp_path / "one")], tmp_path)
    assert single.returncode == 0, single.stderr[-2000:]
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    double = _run([*torchrun, *common, "--out", str(tmp_path / "two")], tmp_path)
    assert double.returncode == 0, double.stderr[-2000:]
    assert double.stdout.count("best epoch") == 1  # rank 0 reports, rank 1 stays quiet

    one = next((tmp_path / "one").glob("*/teachers/skeleton_*"))
    two = next((tmp_path / "two").glob("*/teachers/skeleton_*"))
    assert one.name == two.name
    m1, m2 = (json.loads((d / "metrics.json").read_text()) for d in (one, two))
    assert m1["best_epoch"] == m2["best_epoch"]
    assert m1["test"]["confusion_matrix"] == m2["test"]["confusion_matrix"]
    w1, w2 = (torch.load(d / "best.pt", weights_only=True) for d in (one, two))
    for key in w1:
        torch.testing.assert_close(w1[key], w2[key], rtol=1e-4, atol=1e-5)
    # the per-epoch log is rank 0's, with losses summed over both ranks
    rows1 = (one / "metrics.csv").read_text().splitlines()
    rows2 = (two / "metrics.csv").read_text().splitlines()
    assert len(rows1) == len(rows2) == 3
    for a, b in zip(rows1[1:], rows2[1:], strict=True):
        loss1, loss2 = float(a.split(",")[1]), float(b.split(",")[1])
        assert loss1 == pytest.approx(loss2, rel=1e-4)

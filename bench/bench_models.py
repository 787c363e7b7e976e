"""Cost of every teacher and student: params, FLOPs, ONNX size, single-window latency (1 thread), fp32 and INT8.

python bench/bench_models.py [--repeats 300]

Costs depend on the architecture, not the weights, so the models are seeded random inits at the
shapes the synthetic configs train (students: 6x64x64 GAF of acc + gyro; teachers: 32 skeleton frames x 16
joints, 128 accelerometer samples). INT8 = ONNX Runtime static QDQ quantisation calibrated on
GAF images of synthetic windows (teachers: on their own synthetic inputs). Accuracy deltas of
INT8 for trained students are recorded by ``python -m training run ... --set int8=static``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from common import report
from torch.utils.flop_counter import FlopCounterMode

from training.export import export_onnx
from training.models.students import LogitsOnly, build_student
from training.models.teachers import build_teacher
from training.quantize import quantize_int8

CLASSES = 13  # the synthetic set's
STUDENT_CHANNELS = 6  # acc + gyro (training/configs/watch.yaml)


def inputs_for(model: torch.nn.Module, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    shapes = {"gaf": (STUDENT_CHANNELS, 64, 64), "skeleton": (32, 16, 3), "acc": (3, 128)}
    out = {}
    for name in model.inputs:
        x = rng.normal(0, 1, (n, *shapes[name]))
        out[name] = (
            np.clip(x, -1, 1).astype(np.float32)
            if name == "gaf"
            else (x * (9.8 if name == "acc" else 0.3)).astype(np.float32)
        )
    return out


def latency_ms(session, feed: dict[str, np.ndarray], repeats: int) -> tuple[float, float]:
    for _ in range(30):
        session.run(None, feed)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        session.run(None, feed)
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times)), 1e3 * float(np.percentile(times, 99))


def session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=300)
    args = parser.parse_args()
    torch.manual_seed(0)
    models = {
        "student edge": build_student("edge", STUDENT_CHANNELS, CLASSES),
        "student resnet18": build_student("resnet18", STUDENT_CHANNELS, CLASSES),
        "teacher skeleton": build_teacher("skeleton", CLASSES),
        "teacher acc": build_teacher("acc", CLASSES),
        "teacher fusion": build_teacher("fusion", CLASSES),
    }
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, model in models.items():
            model.eval()
            one = inputs_for(model, 1, rng)
            examples = {k: torch.from_numpy(v) for k, v in one.items()}
            params = sum(p.numel() for p in model.parameters())
            with FlopCounterMode(display=False) as counter, torch.no_grad():
                model(*examples.values())
            flops = counter.get_total_flops()
            fp32 = export_onnx(LogitsOnly(model), examples, Path(tmp) / f"{name}.onnx")
            fp32_p50, fp32_p99 = latency_ms(session(fp32), one, args.repeats)
            calibration = inputs_for(model, 64, rng)
            int8 = Path(tmp) / f"{name}_int8.onnx"
            quantize_int8(fp32, int8, calibration)
            int8_p50, int8_p99 = latency_ms(session(int8), one, args.repeats)
            int8_kb = int8.stat().st_size / 1024
            rows.append(
                [name, params / 1e6, flops / 1e6, fp32.stat().st_size / 1024, fp32_p50, fp32_p99, int8_kb, int8_p50,
                 int8_p99]
            )  # fmt: skip
    edge, resnet = rows[0], rows[1]
    report(
        "models",
        ["model", "params (M)", "MFLOPs", "fp32 KB", "fp32 p50 ms", "fp32 p99 ms", "int8 KB", "int8 p50 ms",
         "int8 p99 ms"],
        rows,
        {"resnet18_over_edge_flops": resnet[2] / edge[2]},
    )  # fmt: skip
    print(f"ResNet18 / edge FLOPs: {resnet[2] / edge[2]:.0f}x")


if __name__ == "__main__":
    main()

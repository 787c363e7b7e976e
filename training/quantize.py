"""INT8 students with ONNX Runtime quantisation, and what they cost in accuracy.

Static quantisation (QDQ, per-channel int8 weights, uint8 activations calibrated on real GAF
images) is the one that speeds up convolutions; dynamic quantisation only quantises weights
of MatMul/Gemm and converts activations at run time, which helps the linear head alone.

Activation ranges are the 99.99th percentile of what calibration saw, not its extremes: a few
saturated windows (a jump on a +-4 g watch) stretch a min-max range until ordinary windows
use a handful of the 256 levels (the 6-axis synthetic student lost 12 points that way, 0.3
with percentiles).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import numpy as np

MODES = ("static", "dynamic")


class _Calibration:
    """A calibration reader over named model inputs (aligned on axis 0), in whole batches (the
    percentile calibrator stacks them, so a short last batch is left out)."""

    def __init__(self, inputs: dict[str, np.ndarray], batch: int = 16):
        n = len(next(iter(inputs.values())))
        if n >= batch:
            n -= n % batch
        self.batches = iter(
            [{k: v[i : i + batch].astype(np.float32) for k, v in inputs.items()} for i in range(0, n, batch)]
        )

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self.batches, None)


def quantize_int8(
    onnx_in: str | Path,
    onnx_out: str | Path,
    calibration: np.ndarray | dict[str, np.ndarray] | None,
    input_name: str = "",
    mode: str = "static",
) -> Path:
    """Write an INT8 copy of ``onnx_in``; ``calibration`` = model inputs (an array for ``input_name``,
    or a dict by input name), required for 'static'."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_dynamic, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    onnx_out = Path(onnx_out)
    if mode == "dynamic":
        quantize_dynamic(str(onnx_in), str(onnx_out), weight_type=QuantType.QInt8)
        return onnx_out
    if mode != "static":
        raise ValueError(f"int8: expected one of {MODES}, got {mode!r}")
    if calibration is None or len(calibration) == 0:
        raise ValueError("calibration: static INT8 needs model inputs to calibrate on")
    inputs = calibration if isinstance(calibration, dict) else {input_name: calibration}
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(onnx_in), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(Path(tmp) / "int8.onnx"),
            _Calibration(inputs),
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            weight_type=QuantType.QInt8,
            activation_type=QuantType.QUInt8,
            calibrate_method=CalibrationMethod.Percentile,
            extra_options={"CalibPercentile": 99.99},
        )
        shutil.copyfile(Path(tmp) / "int8.onnx", onnx_out)
    return onnx_out

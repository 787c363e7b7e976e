"""The optimiser settings of a config as the training loop's FitConfig (a teacher's or a student's)."""

from __future__ import annotations

from typing import Any

from training.engine.loop import FitConfig


def fit_config(config: dict[str, Any], teacher: bool = False) -> FitConfig:
    o, t = config["optim"], config["teacher"]
    return FitConfig(
        epochs=int(t["epochs"] if teacher else o["epochs"]),
        batch_size=int(t["batch_size"] if teacher else o["batch_size"]),
        lr=float(t["lr"] if teacher else o["lr"]),
        weight_decay=float(o["weight_decay"]),
        seed=int(config["seed"]),
        threads=int(o["threads"]),
        progress=bool(config.get("progress", True)),
        # the student's stabilisers; teachers train as they always have
        ema=0.0 if teacher else float(o["ema"]),
        precise_bn=0 if teacher else int(o["precise_bn"]),
        select_radius=int(o["select_radius"]),
        label_smoothing=0.0 if teacher else float(o["label_smoothing"]),
    )

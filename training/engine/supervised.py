"""The plain supervised path: a GAF student trained with cross-entropy, selected on validation.

This is the baseline every distillation method must beat, and the trainer of the first
bundled student. Model selection uses validation only; the test split is evaluated once,
with the selected checkpoint.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from training.engine.metrics import classification_report
from training.engine.run import RunFolder
from training.models.students import build_student


@dataclass(frozen=True)
class TrainConfig:
    arch: str = "edge"
    epochs: int = 30
    batch_size: int = 64
    lr: float = 3e-3
    weight_decay: float = 1e-4
    seed: int = 0
    threads: int = 2


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


@torch.no_grad()
def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 256
) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and predictions, in eval mode."""
    model.eval()
    losses, preds = [], []
    for i in range(0, len(images), batch_size):
        logits, _ = model(images[i : i + batch_size])
        losses.append(nn.functional.cross_entropy(logits, labels[i : i + batch_size], reduction="sum").item())
        preds.append(logits.argmax(1).numpy())
    return sum(losses) / max(len(images), 1), np.concatenate(preds) if preds else np.zeros(0, np.int64)


def train_supervised(
    images: dict[str, np.ndarray],
    labels: dict[str, np.ndarray],
    label_names: tuple[str, ...],
    config: TrainConfig,
    run: RunFolder,
    progress: bool = True,
) -> tuple[nn.Module, dict]:
    """Train on ``images['train']``, select on ``images['val']``, report ``images['test']`` once."""
    seed_everything(config.seed)
    torch.set_num_threads(config.threads)
    x = {k: torch.from_numpy(np.ascontiguousarray(v, dtype=np.float32)) for k, v in images.items()}
    y = {k: torch.from_numpy(np.asarray(v, dtype=np.int64)) for k, v in labels.items()}
    model = build_student(config.arch, x["train"].shape[1], len(label_names))
    optimiser = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps = config.epochs * max(1, len(x["train"]) // config.batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=config.lr, total_steps=max(steps, 1))
    generator = torch.Generator().manual_seed(config.seed)
    best = (-1.0, None, -1)
    history = []
    bar = tqdm(range(1, config.epochs + 1), desc=f"train {config.arch}", disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        order = torch.randperm(len(x["train"]), generator=generator)
        total, correct, loss_sum = 0, 0, 0.0
        # drop_last: no padded or tiny last batch to skew BatchNorm statistics
        for i in range(0, len(order) - config.batch_size + 1, config.batch_size):
            idx = order[i : i + config.batch_size]
            logits, _ = model(x["train"][idx])
            loss = nn.functional.cross_entropy(logits, y["train"][idx])
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
            schedule.step()
            loss_sum += loss.item() * len(idx)
            correct += int((logits.argmax(1) == y["train"][idx]).sum())
            total += len(idx)
        val_loss, val_pred = evaluate(model, x["val"], y["val"])
        val_acc = float((val_pred == labels["val"]).mean())
        row = {
            "epoch": epoch,
            "train_loss": loss_sum / max(total, 1),
            "train_acc": correct / max(total, 1),
            "val_loss": val_loss,
            "val_acc": val_acc,
        }
        history.append(row)
        run.log_epoch(row)
        bar.set_postfix(val_acc=f"{val_acc:.3f}")
        if val_acc > best[0]:
            best = (val_acc, copy.deepcopy(model.state_dict()), epoch)
    model.load_state_dict(best[1])
    torch.save(best[1], Path(run.path) / "best.pt")
    _, test_pred = evaluate(model, x["test"], y["test"])
    report = classification_report(labels["test"], test_pred, label_names)
    _, val_pred = evaluate(model, x["val"], y["val"])
    result = {
        "best_epoch": best[2],
        "val_accuracy": best[0],
        "test": report,
        "val": classification_report(labels["val"], val_pred, label_names),
        "n_train": len(x["train"]),
        "n_val": len(x["val"]),
        "n_test": len(x["test"]),
    }
    run.write_json("metrics.json", result)
    run.plot_curves(history)
    run.plot_confusion(np.array(report["confusion_matrix"]), label_names, f"test accuracy {report['accuracy']:.3f}")
    return model.eval(), result


def load_checkpoint(model: nn.Module, path: str | Path) -> nn.Module:
    """Checkpoints are untrusted files: tensors only (weights_only), never pickled code."""
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()

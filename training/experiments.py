"""The experiment suites behind docs/results.md: every method x seed, aggregated as mean +- std.

``python -m training experiments --suite synthetic`` runs the teachers, the student alone,
vanilla KD, VSKD (DASK), PSKD (ACS) and the ablations of DASK's terms and of PSKD's schedule
and confidence weighting, for each seed; selection is on validation inside every run, and the
test split is read once per run. Results go to ``<out>/<suite>.json`` and a markdown table.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from training.config import CONFIG_DIR, load_config


@dataclass(frozen=True)
class Variant:
    name: str
    config: str  # relative to training/configs
    overrides: tuple[str, ...] = field(default_factory=tuple)
    note: str = ""


def _synthetic() -> list[Variant]:
    c = "synthetic/"
    stage_all = "pskd.schedule=[{until: 1.0, teachers: [acc, fusion, skeleton]}]"
    reversed_ = (
        "pskd.schedule=[{until: 0.34, teachers: [skeleton]}, {until: 0.67, teachers: [skeleton, fusion]}, "
        "{until: 1.0, teachers: [skeleton, fusion, acc]}]"
    )
    return [
        Variant("teacher_skeleton", c + "teacher.yaml", ("teacher.kind=skeleton",), "skeleton only (VSKD's teacher)"),
        Variant("teacher_fusion", c + "teacher.yaml", ("teacher.kind=fusion",), "skeleton + accelerometer"),
        Variant("teacher_acc", c + "teacher.yaml", ("teacher.kind=acc",), "raw accelerometer, 1-D CNN"),
        Variant("supervised", c + "supervised.yaml", (), "student alone (CE)"),
        Variant("kd", c + "kd.yaml", (), "vanilla KD from the skeleton teacher"),
        Variant("vskd", c + "vskd.yaml", (), "DASK: CE + KD + distance + angle + semantic"),
        Variant("vskd_no_distance", c + "vskd.yaml", ("dask.distance=0",), "DASK without the distance term"),
        Variant("vskd_no_angle", c + "vskd.yaml", ("dask.angle=0",), "DASK without the angle term"),
        Variant("vskd_no_semantic", c + "vskd.yaml", ("dask.semantic=0",), "DASK without the semantic term"),
        Variant("vskd_no_kd", c + "vskd.yaml", ("dask.kd=0",), "DASK without the soft-target term"),
        Variant("pskd", c + "pskd.yaml", (), "progressive acc -> fusion -> skeleton, ACS"),
        Variant("pskd_all_at_once", c + "pskd.yaml", (stage_all,), "no schedule: all teachers from epoch 1, ACS"),
        Variant("pskd_reversed", c + "pskd.yaml", (reversed_,), "schedule reversed: skeleton first"),
        Variant("pskd_uniform", c + "pskd.yaml", ("pskd.mode=uniform",), "progressive, teachers averaged (no ACS)"),
        Variant("supervised_resnet18", c + "supervised.yaml", ("student.arch=resnet18",), "ResNet18 student alone"),
        Variant("vskd_resnet18", c + "vskd.yaml", ("student.arch=resnet18",), "ResNet18 student, DASK"),
        Variant("pskd_resnet18", c + "pskd.yaml", ("student.arch=resnet18",), "ResNet18 student, PSKD"),
    ]


SUITES = {
    "synthetic": _synthetic,
    "basic_motions": lambda: [Variant("supervised", "basic_motions/supervised.yaml", (), "student alone")],
}


def _stats(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, std


def run_suite(suite: str, seeds: list[int], out: str | Path, only: list[str] | None = None, cache: bool = True) -> dict:
    from training.pipeline import run

    if suite not in SUITES:
        raise ValueError(f"suite: expected one of {sorted(SUITES)}, got {suite!r}")
    variants = [v for v in SUITES[suite]() if not only or v.name in only]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / f"{suite}.json"
    previous = json.loads(json_path.read_text()) if json_path.is_file() else {}
    rows = {r["name"]: r for r in previous.get("variants", [])}
    for v in variants:
        runs = []
        for seed in seeds:
            overrides = [*v.overrides, f"seed={seed}", f"out={out / 'runs'}", f"name={v.name}", "progress=false"]
            config = load_config(CONFIG_DIR / v.config, overrides)
            t0 = time.perf_counter()
            result = run(config, cache=cache)
            seconds = time.perf_counter() - t0
            runs.append(
                {
                    "seed": seed,
                    "val_accuracy": result["val_accuracy"],
                    "test_accuracy": result["test"]["accuracy"],
                    "test_macro_f1": result["test"]["macro_f1"],
                    "best_epoch": result["best_epoch"],
                    "seconds": seconds,
                    "run_dir": result["run_dir"],
                }
            )
            print(
                f"{v.name} seed {seed}: val {result['val_accuracy']:.3f} test acc {result['test']['accuracy']:.3f} "
                f"macro-F1 {result['test']['macro_f1']:.3f} ({seconds:.0f} s)",
                flush=True,
            )
        row = {"name": v.name, "note": v.note, "config": v.config, "overrides": list(v.overrides), "runs": runs}
        for key in ("val_accuracy", "test_accuracy", "test_macro_f1"):
            row[key] = _stats([r[key] for r in runs])
        rows[v.name] = row
        order = [x.name for x in SUITES[suite]()]
        result_doc = {
            "suite": suite,
            "seeds": seeds,
            "variants": sorted(rows.values(), key=lambda r: order.index(r["name"])),
        }
        json_path.write_text(json.dumps(result_doc, indent=2) + "\n")
    print(markdown_table(json.loads(json_path.read_text())))
    return json.loads(json_path.read_text())


def markdown_table(doc: dict) -> str:
    lines = [
        "| variant | what | val acc | test acc | test macro-F1 | seeds |",
        "|---|---|---|---|---|---|",
    ]
    for r in doc["variants"]:
        cells = [f"{r[k][0]:.3f} ± {r[k][1]:.3f}" for k in ("val_accuracy", "test_accuracy", "test_macro_f1")]
        lines.append(f"| {r['name']} | {r['note']} | {' | '.join(cells)} | {len(r['runs'])} |")
    return "\n".join(lines)

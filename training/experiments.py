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
from pathlib import Path

from training.config import CONFIG_DIR, load_config
from training.suites import Variant, variants_of


def subjects_of(config_path: str, overrides: list[str], cache: bool) -> list[str]:
    """The dataset's subjects, for leave-one-subject-out over all of them."""
    from training.prepare import load_recordings

    return sorted({r.subject for r in load_recordings(load_config(CONFIG_DIR / config_path, overrides), cache)})


# what a suite's rows report of their runs (mean +- std), in the tables' column order
SCORES = ("val_accuracy", "test_accuracy", "test_tracked_accuracy", "test_macro_f1", "test_recording_accuracy")
# zero-shot on BasicMotions, means over the six gravity axes (training/transfer.py)
TRANSFER_SCORES = tuple(
    f"transfer_{key}" for key in ("shared_window_accuracy", "rest_vs_motion_accuracy", "motion_labels_on_rest")
)


def _stats(values: list[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    std = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1)) if len(values) > 1 else 0.0
    return mean, std


def _run_one(config_path: str, overrides: list[str], cache: bool, reuse: bool = True, transfer: bool = False) -> dict:
    """One (variant, seed) run; a top-level function so a process pool can call it.

    With ``reuse`` a completed run of the same config is read back instead of trained again; with
    ``transfer`` the student is exported into its run folder and scored zero-shot on BasicMotions.
    """
    from training.pipeline import run
    from training.run_dirs import finished_run, student_run_dir

    config = load_config(CONFIG_DIR / config_path, overrides)
    if transfer:
        config["export"] = str(student_run_dir(config) / "student.onnx")
    t0 = time.perf_counter()
    result = finished_run(config) if reuse and config["method"] != "teacher" else None
    reused = result is not None
    if result is None:
        result = run(config, cache=cache)
    return {
        "reused": reused,
        "seed": config["seed"],
        "protocol": config["dataset"]["protocol"],
        "val_accuracy": result["val_accuracy"],
        "test_accuracy": result["test"]["accuracy"],
        "test_macro_f1": result["test"]["macro_f1"],
        # on the windows with a tracked skeleton, where a skeleton teacher is scored
        "test_tracked_accuracy": _tracked_accuracy(config, result),
        # recording-level majority vote (teachers and older runs have none)
        "test_recording_accuracy": result.get("test_recordings", {}).get("accuracy", math.nan),
        "best_epoch": result["best_epoch"],
        "train_seconds": result.get("train_seconds", math.nan),
        "seconds": time.perf_counter() - t0,
        "run_dir": result["run_dir"],
        **(_transfer(config["export"]) if transfer else {}),
    }


def _tracked_accuracy(config: dict, result: dict) -> float:
    """Test accuracy on the windows with a tracked skeleton: a student's ``test_tracked``; a
    skeleton-reading teacher is scored on those windows alone; an accelerometer teacher has none."""
    if config["method"] != "teacher":
        scored = result.get("test_tracked", {})
        return scored["accuracy"] if scored.get("n", 0) > 0 else math.nan
    return result["test"]["accuracy"] if config["teacher"]["kind"] in ("skeleton", "fusion") else math.nan


def _transfer(model: str) -> dict[str, float]:
    from training.transfer import evaluate_transfer

    mean = evaluate_transfer(model)["mean"]
    return {key: mean[key.removeprefix("transfer_")] for key in TRANSFER_SCORES}


def run_suite(
    suite: str,
    seeds: list[int],
    out: str | Path,
    only: list[str] | None = None,
    cache: bool = True,
    jobs: int = 1,
    fresh: bool = False,
    folds: int = 0,
    loso: bool = False,
    data: list[str] = (),
    config: str | None = None,
) -> dict:
    """Run the suite's variants x seeds (x folds); ``jobs`` > 1 runs that many single-threaded
    processes. With ``folds`` = k every variant runs on every fold of the subject-grouped k-fold
    protocol (``kfold_<k>_<i>``), and the mean +- std is over all (fold, seed) runs.

    One process per core with one thread each beats one process with two threads here: torch's
    worker threads spin when a core is taken, so two multi-threaded processes on two cores slow
    each other down by orders of magnitude. Teachers are trained first (once per seed and kind),
    so the students that share them never race to train the same one. Completed runs of the same
    config are reused (an interrupted suite continues) unless ``fresh``.

    With ``loso`` every subject of the dataset tests once (``loso_<subject>``). ``data`` are
    overrides applied to every run (the dataset's name and root, ``--set``) and recorded in each
    row; ``config`` is the config the ``baselines`` suite runs (:func:`dataset_config`).
    """
    from training.methods import teachers_trained
    from training.run_dirs import data_identity, teacher_run_dir

    all_variants = variants_of(suite, config)
    order = [v.name for v in all_variants]
    unknown = sorted(set(only or ()) - set(order))
    if unknown:
        raise ValueError(f"only: {unknown} are not variants of the {suite} suite (it has {order})")
    if jobs < 1:
        raise ValueError(f"jobs: expected >= 1, got {jobs}")
    if folds == 1 or folds < 0:
        raise ValueError(f"folds: expected 0 (the configs' protocol) or k >= 2, got {folds}")
    if folds and loso:
        raise ValueError("folds and loso: expected one protocol family, got both")
    data = list(data)
    if loso:
        subjects = subjects_of(all_variants[0].config, data, cache)
        if len(subjects) < 2:
            raise ValueError(f"loso: expected at least 2 subjects, the dataset has {subjects}")
        protocols = [f"loso_{s}" for s in subjects]
    else:
        protocols = [f"kfold_{folds}_{i}" for i in range(folds)] if folds else [None]
    variants = [v for v in all_variants if not only or v.name in only]
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stem = suite
    if suite == "baselines":
        stem += "_" + data_identity(load_config(CONFIG_DIR / all_variants[0].config, data))
    stem += f"_kfold{folds}" if folds else "_loso" if loso else ""
    json_path = out / f"{stem}.json"
    previous = json.loads(json_path.read_text()) if json_path.is_file() else {}
    rows = {r["name"]: r for r in previous.get("variants", [])}
    threads = 1 if jobs > 1 else 2

    def overrides(v: Variant, seed: int, protocol: str | None) -> list[str]:
        fold = [f"dataset.protocol={protocol}"] if protocol else []
        return [*data, *v.overrides, *fold, f"seed={seed}", f"out={out / 'runs'}", f"name={v.name}", "progress=false",
                f"optim.threads={threads}"]  # fmt: skip

    runs_of = [(seed, protocol) for protocol in protocols for seed in seeds]
    teacher_jobs: dict[tuple[Path, int], tuple[str, list[str]]] = {}
    for v in variants:
        for seed, protocol in runs_of:
            config = load_config(CONFIG_DIR / v.config, overrides(v, seed, protocol))
            kinds = [config["teacher"]["kind"]] if config["method"] == "teacher" else teachers_trained(config)
            for kind in kinds:
                teacher_cfg = str(Path(v.config).parent / "teacher.yaml")
                teacher_jobs[(teacher_run_dir(config, kind), config["teacher"]["crossfit"])] = (
                    teacher_cfg,
                    [*overrides(v, seed, protocol), f"teacher.kind={kind}", "method=teacher"],
                )
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        for future in [pool.submit(_run_one, c, o, cache) for c, o in teacher_jobs.values()]:
            future.result()
        futures = {
            (v.name, seed, protocol): pool.submit(
                _run_one, v.config, overrides(v, seed, protocol), cache, not fresh, v.transfer
            )
            for v in variants
            for seed, protocol in runs_of
        }
        for v in variants:
            runs = []
            for seed, protocol in runs_of:
                r = futures[(v.name, seed, protocol)].result()
                runs.append(r)
                took = "reused" if r["reused"] else f"{r['seconds']:.0f} s"
                print(
                    f"{v.name} {r['protocol']} seed {seed}: val {r['val_accuracy']:.3f} "
                    f"test acc {r['test_accuracy']:.3f} macro-F1 {r['test_macro_f1']:.3f} "
                    f"recordings {r['test_recording_accuracy']:.3f} ({took})",
                    flush=True,
                )
            row = {"name": v.name, "note": v.note, "config": v.config, "overrides": [*data, *v.overrides], "runs": runs}
            keys = [*SCORES, "train_seconds"]
            keys += list(TRANSFER_SCORES) if v.transfer else []
            for key in keys:
                row[key] = _stats([r[key] for r in runs])
            rows[v.name] = row
            doc = {
                "suite": suite,
                "seeds": seeds,
                "folds": folds,
                "protocols": [p for p in protocols if p],
                "variants": sorted(rows.values(), key=lambda r: order.index(r["name"])),
            }
            json_path.write_text(json.dumps(doc, indent=2) + "\n")
    doc = json.loads(json_path.read_text())
    print(markdown_table(doc))
    return doc


def markdown_table(doc: dict) -> str:
    transfer = any(TRANSFER_SCORES[0] in r for r in doc["variants"])
    head = "| variant | what | val acc | test acc | tracked windows | test macro-F1 | recording vote |"
    head += " BasicMotions zero-shot | rest vs motion | motion labels on rest |" if transfer else ""
    lines = [head + " train s | runs |", "|---" * (head.count("|") + 1) + "|"]
    keys = list(SCORES)
    keys += list(TRANSFER_SCORES) if transfer else []
    for r in doc["variants"]:
        cells = [_cell(r, k) for k in keys]
        seconds = r.get("train_seconds", (math.nan, 0.0))[0]
        lines.append(f"| {r['name']} | {r['note']} | {' | '.join(cells)} | {seconds:.1f} | {len(r['runs'])} |")
    return "\n".join(lines)


def _cell(row: dict, key: str) -> str:
    mean, std = row.get(key, (math.nan, 0.0))
    return "-" if math.isnan(mean) else f"{mean:.3f} ± {std:.3f}"

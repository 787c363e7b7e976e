"""``python -m training <command>``: data summaries, student training + export, demo recording."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from training.values import parse_yaml

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "har_kd_ros" / "models" / "student_default.onnx"
DEFAULT_DEMO = REPO / "har_kd_ros" / "data" / "demo_recording.npz"
# kept beside the registry (training.data.datasets.DATASETS) by a test: --help imports no torch
DATASET_HELP = "synthetic | basic_motions | utd_mhad | berkeley_mhad | mmact | generic | rosbag"


def _add_dataset_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="synthetic", help=DATASET_HELP)
    p.add_argument("--root", default=None, help="dataset folder (not needed for synthetic)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-cache", action="store_true", help="decode the dataset again instead of using the cache")
    p.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="loader option, e.g. shimmer=2 (repeatable)"
    )


def _load(args: argparse.Namespace):
    from training.data.datasets import load_dataset

    options = {"seed": args.seed} if args.dataset == "synthetic" else {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--option: expected KEY=VALUE, got {item!r}")
        try:
            options[key] = parse_yaml(value)
        except ValueError as exc:
            raise ValueError(f"--option {key}: {exc}") from None
    return load_dataset(args.dataset, args.root, cache=not args.no_cache, **options)


def cmd_data(args: argparse.Namespace) -> int:
    from training.data.summary import plot_recordings, summarise
    from training.outputs import check_file

    if args.plot:
        check_file("--plot", args.plot)
    recordings = _load(args)
    print(summarise(recordings))
    if args.plot:
        plot_recordings(recordings, args.plot)
        print(f"wrote {args.plot}")
    return 0


def check_run_outputs(config: dict, cache: bool) -> None:
    """The run folder, the export and its card, the INT8 copy and the dataset cache can all be written."""
    from training.outputs import OutputError, check_file, check_folder

    check_folder("--out", config["out"])
    if config["export"]:
        export = Path(config["export"])
        if export.suffix != ".onnx":
            raise OutputError(f"--export {export}: expected a file name ending in .onnx")
        for path in (export, export.with_suffix(".json")):
            check_file("--export", path)
    if cache and config["dataset"]["root"]:
        from training.data.cache import DEFAULT_ROOT

        check_folder("cache folder ($HAR_KD_CACHE)", DEFAULT_ROOT)


def cmd_run(args: argparse.Namespace) -> int:
    from training.config import load_config
    from training.engine.distributed import init_distributed, shutdown_distributed
    from training.pipeline import command_line, run

    overrides = list(args.set)
    config_path = args.config
    if args.dataset:
        overrides.insert(0, f"dataset.name={args.dataset}")
        shipped = REPO / "training" / "configs" / f"{args.dataset}.yaml"
        if config_path is None and shipped.is_file():  # the dataset's own rate, windows and ranges
            config_path = str(shipped)
    if args.root:
        overrides.insert(0, f"dataset.root={args.root}")
    if args.seed is not None:
        overrides.append(f"seed={args.seed}")
    if args.export:
        overrides.append(f"export={args.export}")
    if args.out:
        overrides.append(f"out={args.out}")
    config = load_config(config_path, overrides)
    check_run_outputs(config, cache=not args.no_cache)
    ctx = init_distributed()
    try:
        result = run(config, ctx, command=command_line(args.argv), cache=not args.no_cache, resume=args.resume)
    finally:
        shutdown_distributed()
    if ctx.is_main:
        test = result["test"]
        print(
            f"{result['run_dir']}: best epoch {result['best_epoch']}, val acc {result['val_accuracy']:.3f}, "
            f"test acc {test['accuracy']:.3f}, test macro-F1 {test['macro_f1']:.3f}"
        )
        if config["export"]:
            print(f"exported {config['export']} (+ {Path(config['export']).with_suffix('.json').name})")
    return 0


def cmd_experiments(args: argparse.Namespace) -> int:
    from training.experiments import run_suite
    from training.suites import dataset_config

    data = [f"dataset.name={args.dataset}"] if args.dataset else []
    data += [f"dataset.root={args.root}"] if args.root else []
    dataset_given = bool(data or args.config)
    suite = args.suite or ("baselines" if dataset_given else "synthetic")
    config = dataset_config(args.dataset, args.config) if suite == "baselines" else (args.config or None)
    if suite != "baselines" and data:
        raise ValueError(f"suite {suite}: runs its own datasets; --dataset and --root go with --suite baselines")
    data += list(args.set)  # every run of the suite
    run_suite(
        suite,
        args.seeds,
        args.out,
        args.only or None,
        cache=not args.no_cache,
        jobs=args.jobs,
        fresh=args.fresh,
        folds=args.folds,
        loso=args.loso,
        data=data,
        config=config,
    )
    return 0


def cmd_transfer(args: argparse.Namespace) -> int:
    from training.transfer import evaluate_transfer, markdown, write

    doc = evaluate_transfer(args.model, args.dataset)
    if args.out:
        write(doc, args.out)
    print(markdown(doc))
    return 0


def cmd_demo_recording(args: argparse.Namespace) -> int:
    from har_kd_ros.recordings.recording import save_npz
    from training.data.synthetic import MOTION_ACTIVITIES, generate_stream

    activities = tuple(args.activities.split(",")) if args.activities else MOTION_ACTIVITIES
    rec = generate_stream(activities, segment_s=args.segment, seed=args.seed)
    rec = rec.with_(skeleton=rec.skeleton.astype("float32"))  # mm-level noise: float32 halves the file
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    save_npz(rec, args.out)
    print(
        f"wrote {args.out}: {rec.duration_s:.1f} s, {rec.acc.shape[0]} samples, segments {[s.label for s in rec.segments]}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training", description=__doc__)
    sub = parser.add_subparsers(required=True)

    p = sub.add_parser("data", help="summarise a dataset and plot a few recordings")
    _add_dataset_args(p)
    p.add_argument("--plot", default=None, help="PNG path for skeleton frames + IMU traces")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser(
        "run", help="train what a config says (teacher, student, KD, VSKD, PSKD); torchrun-ready; optional export"
    )
    p.add_argument(
        "--config", default=None, help="YAML in training/configs/ (default: the dataset's own, else the defaults)"
    )
    p.add_argument("--dataset", default=None, help=f"{DATASET_HELP} (= --set dataset.name=...)")
    p.add_argument("--root", default=None, help="dataset folder (= --set dataset.root=...)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override, e.g. optim.epochs=5")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--out", default=None, help="runs folder (default: runs)")
    p.add_argument(
        "--export", default=None, help=f"write ONNX + card here (bundled: {DEFAULT_MODEL.relative_to(REPO)})"
    )
    p.add_argument("--no-cache", action="store_true", help="decode the dataset again instead of using the cache")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last.pt")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("experiments", help="run an experiment suite (all methods x seeds) -> JSON + markdown table")
    p.add_argument(
        "--suite",
        default=None,
        help="synthetic | basic_motions | watch | baselines (GAF student vs MiniRocket and a 1-D CNN on any "
        "dataset; the default with --dataset, --root or --config, else synthetic)",
    )
    p.add_argument("--dataset", default=None, help=f"{DATASET_HELP} (suite baselines)")
    p.add_argument("--root", default=None, help="dataset folder (suite baselines)")
    p.add_argument(
        "--config", default=None, help="config the baselines run (default: the dataset's own, else generic.yaml)"
    )
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--only", nargs="*", default=[], help="variant names to run; others keep their results")
    p.add_argument("--fresh", action="store_true", help="train again even where a run of the same config finished")
    p.add_argument("--out", default="runs/experiments")
    p.add_argument("--jobs", type=int, default=2, help="parallel single-threaded runs (one per core)")
    p.add_argument(
        "--folds", type=int, default=0, help="k >= 2: every fold of a subject-grouped k-fold (kfold_<k>_<i>)"
    )
    p.add_argument("--loso", action="store_true", help="every leave-one-subject-out fold (loso_<subject>)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override for every run")
    p.add_argument("--no-cache", action="store_true")
    p.set_defaults(func=cmd_experiments)

    p = sub.add_parser("transfer", help="score an exported student zero-shot on a real wrist set (BasicMotions)")
    p.add_argument("--model", default=str(DEFAULT_MODEL))
    p.add_argument("--dataset", default="basic_motions")
    p.add_argument("--out", default="", help="also write the full result as JSON here")
    p.set_defaults(func=cmd_transfer)

    p = sub.add_parser("demo-recording", help="write the bundled replay demo (a held-out synthetic subject)")
    p.add_argument("--out", default=str(DEFAULT_DEMO))
    p.add_argument("--activities", default="", help="comma-separated; default all")
    p.add_argument("--segment", type=float, default=12.0, help="seconds per activity")
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_demo_recording)

    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    args.argv = argv  # recorded in the model card: the command that reproduces it
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as exc:  # ConfigError, DatasetError, RecordingError are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

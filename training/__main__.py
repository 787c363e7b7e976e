"""``python -m training <command>``: data summaries, student training + export, demo recording."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from har_kd_ros.gaf import METHODS, NORMALISATIONS
from training.data.loaders import DatasetError

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL = REPO / "har_kd_ros" / "models" / "student_default.onnx"
DEFAULT_DEMO = REPO / "har_kd_ros" / "data" / "demo_recording.npz"


def _add_dataset_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", default="synthetic", help="synthetic | utd_mhad | berkeley_mhad | generic | rosbag")
    p.add_argument("--root", default=None, help="dataset folder (not needed for synthetic)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-cache", action="store_true", help="decode the dataset again instead of using the cache")
    p.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="loader option, e.g. shimmer=2 (repeatable)"
    )


def _literal(text: str) -> object:
    """'2' -> 2, '0.5' -> 0.5, 'true'/'false' -> bool, anything else stays a string."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _load(args: argparse.Namespace):
    from training.data.datasets import load_dataset

    options = {"seed": args.seed} if args.dataset == "synthetic" else {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--option: expected KEY=VALUE, got {item!r}")
        options[key] = _literal(value)
    return load_dataset(args.dataset, args.root, cache=not args.no_cache, **options)


def cmd_data(args: argparse.Namespace) -> int:
    from training.data.summary import plot_recordings, summarise

    recordings = _load(args)
    print(summarise(recordings))
    if args.plot:
        plot_recordings(recordings, args.plot)
        print(f"wrote {args.plot}")
    return 0


def cmd_train_student(args: argparse.Namespace) -> int:
    from har_kd_ros.gaf import gaf
    from training.data.pairing import WindowSpec, pair_recordings
    from training.data.protocols import get_protocol, split
    from training.engine.run import RunFolder, git_commit, now_iso
    from training.engine.supervised import TrainConfig, train_supervised
    from training.export import export_student

    recordings = _load(args)
    labels = (
        tuple(sorted({r.label for r in recordings if r.label}, key=lambda s: s))
        if args.dataset != "synthetic"
        else None
    )
    if labels is None:
        from training.data.synthetic import ACTIVITIES

        labels = ACTIVITIES
    spec = WindowSpec(rate_hz=args.rate, window_samples=args.window, hop_samples=args.hop)
    sp = split(recordings, get_protocol(args.protocol), seed=args.seed)
    value_range = (-args.range, args.range) if args.normalisation == "fixed" else None
    images, targets, windows = {}, {}, {}
    for part, idx in (("train", sp.train), ("val", sp.val), ("test", sp.test)):
        paired = pair_recordings([recordings[i] for i in idx], spec, labels)
        windows[part] = paired.acc
        images[part] = gaf(paired.acc, args.method, args.image_size, args.normalisation, value_range)
        targets[part] = paired.labels
    config = TrainConfig(arch=args.arch, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    run_dir = Path(args.out) / f"{args.dataset}_{args.protocol}_{args.arch}_seed{args.seed}"
    run = RunFolder(run_dir, {**vars(config), **{k: v for k, v in vars(args).items() if k not in ("func", "argv")}})
    model, result = train_supervised(images, targets, labels, config, run)
    test = result["test"]
    print(
        f"{run_dir}: best epoch {result['best_epoch']}, val acc {result['val_accuracy']:.3f}, "
        f"test acc {test['accuracy']:.3f}, test macro-F1 {test['macro_f1']:.3f}"
    )
    if args.export:
        command = "python -m training " + shlex.join(args.argv)
        card = export_student(
            model,
            args.export,
            model_id=Path(args.export).stem + f"-{args.arch}-{args.dataset}",
            labels=labels,
            rate_hz=args.rate,
            window_samples=args.window,
            hop_samples=args.hop,
            image_size=args.image_size,
            gaf_method=args.method,
            normalisation=args.normalisation,
            value_range=value_range,
            architecture=args.arch,
            parity_windows=windows["test"][:64],
            provenance={
                "dataset": args.dataset,
                "protocol": args.protocol,
                "method": "supervised (cross-entropy)",
                "seed": args.seed,
                "command": command,
                "date": now_iso(),
                "git_commit": git_commit(),
                "metrics": {
                    "val_accuracy": result["val_accuracy"],
                    "test_accuracy": test["accuracy"],
                    "test_macro_f1": test["macro_f1"],
                    "n_train": result["n_train"],
                    "n_test": result["n_test"],
                },
            },
        )
        print(
            f"exported {args.export} (+ {Path(args.export).with_suffix('.json').name}), parity "
            f"{card.provenance['onnx_parity_max_abs_logit_diff']:.1e}"
        )
    return 0


def cmd_demo_recording(args: argparse.Namespace) -> int:
    from har_kd_ros.recording import save_npz
    from training.data.synthetic import ACTIVITIES, generate_stream

    activities = tuple(args.activities.split(",")) if args.activities else ACTIVITIES
    rec = generate_stream(activities, segment_s=args.segment, seed=args.seed)
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

    p = sub.add_parser("train-student", help="supervised GAF student (the baseline); optional ONNX export")
    _add_dataset_args(p)
    p.add_argument("--protocol", default="cross_subject")
    p.add_argument("--arch", default="edge", choices=["edge", "resnet18"])
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--rate", type=float, default=50.0, help="card sample rate (Hz)")
    p.add_argument("--window", type=int, default=128, help="window length in samples")
    p.add_argument("--hop", type=int, default=25, help="hop in samples")
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--method", default="summation", choices=METHODS)
    p.add_argument("--normalisation", default="fixed", choices=NORMALISATIONS)
    p.add_argument("--range", type=float, default=40.0, help="fixed range +-R m/s^2 (for --normalisation fixed)")
    p.add_argument("--out", default="runs")
    p.add_argument(
        "--export",
        default=None,
        help=f"write ONNX + card here (the bundled default: {DEFAULT_MODEL.relative_to(REPO)})",
    )
    p.set_defaults(func=cmd_train_student)

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
    except (DatasetError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""A training config small enough for a test: 4 synthetic subjects, short windows, a few epochs."""

TINY = [
    "dataset.options={n_subjects: 4, trials: 2}",
    "window.window_samples=64",
    "window.hop_samples=32",
    "window.skeleton_frames=16",
    "gaf.image_size=32",
    "optim.epochs=4",
    "optim.batch_size=32",
    "teacher.epochs=4",
    "teacher.width=16",
    "teacher.embedding=32",
    "progress=false",
    "optim.threads=1",  # torch threads spin when cores are shared: one thread keeps a test test-sized
]

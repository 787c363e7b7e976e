"""Outputs are checked before anything trains; a config that is not text names its file."""

from __future__ import annotations

import os

import pytest

from training.__main__ import main


@pytest.fixture
def readonly(tmp_path):
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def run(capsys, *argv: str) -> tuple[int, str]:
    code = main(["run", "--set", "optim.epochs=1", *argv])
    return code, capsys.readouterr().err.strip()


def test_an_export_that_cannot_be_written_stops_the_run_before_training(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("training.pipeline.run", lambda *a, **k: pytest.fail("trained before checking outputs"))
    code, err = run(capsys, "--export", str(tmp_path / "no_such" / "file.txt"), "--out", str(tmp_path / "runs"))
    assert (
        code == 2
        and err == f"error: --export {tmp_path / 'no_such' / 'file.txt'}: expected a file name ending in .onnx"
    )
    (tmp_path / "a_file").write_text("")
    code, err = run(capsys, "--export", str(tmp_path / "a_file" / "m.onnx"), "--out", str(tmp_path / "runs"))
    assert code == 2 and err.endswith(f"{tmp_path / 'a_file'} is not a folder")
    code, err = run(capsys, "--out", str(tmp_path / "a_file" / "runs"))
    assert code == 2 and err.startswith("error: --out ") and err.endswith("is not a folder")


def test_a_read_only_folder_is_named(readonly, capsys, monkeypatch):
    if os.access(readonly, os.W_OK):  # root writes anywhere: nothing to refuse
        pytest.skip("running as a user who can write to read-only folders")
    monkeypatch.setattr("training.pipeline.run", lambda *a, **k: pytest.fail("trained before checking outputs"))
    code, err = run(capsys, "--export", str(readonly / "m.onnx"))
    assert code == 2 and err == f"error: --export {readonly / 'm.onnx'}: {readonly} is not writable"


def test_a_binary_config_is_one_line_naming_the_file(tmp_path, capsys):
    config = tmp_path / "c.yaml"
    config.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff")
    code, err = run(capsys, "--config", str(config))
    assert code == 2 and err == f"error: {config}: not a text (UTF-8) YAML file (byte 0 is 0x89)"

"""The repository is an ament_python package that colcon builds and installs like any ROS package."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

REPO = Path(__file__).resolve().parents[1]
COLCON = Path(sys.executable).parent / "colcon"


def test_package_xml_is_format_3_with_runtime_dependencies():
    root = ElementTree.parse(REPO / "package.xml").getroot()
    assert root.get("format") == "3" and root.findtext("name") == "har_kd_ros"
    depends = {e.text for e in root.findall("exec_depend")}
    assert {"rclpy", "std_msgs", "sensor_msgs", "diagnostic_msgs", "vision_msgs"} <= depends
    assert root.find("export/build_type").text == "ament_python"
    catkin_pkg = pytest.importorskip("catkin_pkg.package")
    catkin_pkg.parse_package(str(REPO / "package.xml")).validate()  # the strict check colcon relies on


def test_runtime_never_imports_torch():
    offenders = []
    for path in (REPO / "har_kd_ros").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in ("torch", "training")]
    assert offenders == []


def test_no_parameter_or_file_path_ever_reaches_a_shell():
    """Paths come from parameters, launch arguments and configs: they must only ever be argv
    elements, never text a shell parses (no shell=True, os.system, os.popen, a list-less cmd)."""
    offenders = []
    for folder in ("har_kd_ros", "launch", "training"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                func = ast.unparse(node.func)
                if func in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
                    offenders.append(f"{path.name}: {func}")
                for k in node.keywords:
                    if k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False):
                        offenders.append(f"{path.name}: {func}(shell=...)")
                    if func == "ExecuteProcess" and k.arg == "cmd" and not isinstance(k.value, ast.List):
                        offenders.append(f"{path.name}: ExecuteProcess(cmd=<not a list>)")
    assert offenders == []


def test_launch_file_uses_only_the_standard_launch_api():
    tree = ast.parse((REPO / "launch" / "watch_har.launch.py").read_text())
    modules = {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert modules <= {"os", "datetime", "launch", "launch_ros", "ament_index_python", "har_kd_ros"}
    declared = {
        n.args[0].value
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "DeclareLaunchArgument"
    }
    assert declared == {
        "model", "imu_topic", "replay", "params_file", "camera", "image_topic", "teacher", "teacher_model", "record", "bag",
    }  # fmt: skip
    executables = {
        k.value.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        for k in n.keywords
        if k.arg == "executable" and isinstance(k.value, ast.Constant)
    }
    assert executables == {"imu_replay_node", "imu_har_node", "skeleton_node", "teacher_node"}


@pytest.mark.skipif(not COLCON.exists(), reason="colcon is not installed")
def test_colcon_builds_and_installs_everything(tmp_path):
    src = tmp_path / "src" / "har_kd_ros"
    shutil.copytree(
        REPO,
        src,
        ignore=shutil.ignore_patterns(".venv", ".git", ".cache", "build", "install", "log", "runs", "__pycache__"),
    )
    listed = subprocess.run([str(COLCON), "list"], cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert "(ros.ament_python)" in listed
    subprocess.run([str(COLCON), "build"], cwd=tmp_path, capture_output=True, text=True, check=True, timeout=300)
    share, lib = (
        tmp_path / "install" / "har_kd_ros" / "share" / "har_kd_ros",
        tmp_path / "install" / "har_kd_ros" / "lib" / "har_kd_ros",
    )
    for path in (
        "launch/watch_har.launch.py",
        "config/watch_har.yaml",
        "models/student_default.onnx",
        "models/student_default.json",
        "models/teacher_default.onnx",
        "models/teacher_default.json",
        "data/demo_recording.npz",
        "package.xml",
    ):
        assert (share / path).is_file(), path
    assert {p.name for p in lib.iterdir()} >= {
        "imu_har_node", "imu_replay_node", "activity_echo", "teacher_node", "skeleton_node",
    }  # fmt: skip
    marker = (
        tmp_path / "install" / "har_kd_ros" / "share" / "ament_index" / "resource_index" / "packages" / "har_kd_ros"
    )
    assert marker.is_file()

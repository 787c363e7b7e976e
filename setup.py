"""ament_python build of har_kd_ros (also installable with pip for machines without ROS)."""

from glob import glob

from setuptools import find_packages, setup

PACKAGE = "har_kd_ros"

setup(
    name=PACKAGE,
    version="0.2.0",
    packages=find_packages(include=[PACKAGE, f"{PACKAGE}.*"]),
    package_data={PACKAGE: ["models/*.onnx", "models/*.json", "data/*.npz"]},
    data_files=[
        ("share/ament_index/resource_index/packages", [f"resource/{PACKAGE}"]),
        (f"share/{PACKAGE}", ["package.xml"]),
        (f"share/{PACKAGE}/launch", glob("launch/*.launch.py")),
        (f"share/{PACKAGE}/config", glob("config/*.yaml")),
        (f"share/{PACKAGE}/models", glob(f"{PACKAGE}/models/*.onnx") + glob(f"{PACKAGE}/models/*.json")),
        (f"share/{PACKAGE}/data", glob(f"{PACKAGE}/data/*.npz")),
    ],
    # numpy / onnxruntime only: rclpy comes from the user's ROS install (apt) or from
    # requirements/ros-pypi.txt, never from here, so an apt ROS keeps working.
    install_requires=["numpy>=1.24,<2", "onnxruntime>=1.17", "PyYAML>=6"],
    zip_safe=True,
    maintainer="har_kd_ros maintainers",
    maintainer_email="maintainers@har-kd-ros.org",
    description="Wrist-IMU human activity recognition for ROS 2, distilled from skeleton teachers.",
    license="Apache-2.0",
    entry_points={
        "console_scripts": [
            "imu_har_node = har_kd_ros.ros.entry:imu_har",
            "imu_replay_node = har_kd_ros.ros.entry:imu_replay",
            "activity_echo = har_kd_ros.ros.entry:activity_echo",
            "teacher_node = har_kd_ros.ros.entry:teacher",
            "skeleton_node = har_kd_ros.ros.entry:skeleton",
        ],
    },
)

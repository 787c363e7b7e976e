"""Start the watch HAR pipeline: imu_har, and optionally imu_replay as the IMU source.

ros2 launch har_kd_ros watch_har.launch.py [model:=/path/student.onnx] [imu_topic:=/watch/imu]
    [replay:=true|false] [params_file:=/path/params.yaml]

Uses only the standard launch / launch_ros API (it needs a ROS 2 install).
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from launch import LaunchDescription


def generate_launch_description() -> LaunchDescription:
    share = get_package_share_directory("har_kd_ros")
    model = LaunchConfiguration("model")
    imu_topic = LaunchConfiguration("imu_topic")
    params_file = LaunchConfiguration("params_file")
    return LaunchDescription(
        [
            DeclareLaunchArgument("model", default_value="", description="Student .onnx; empty = bundled default"),
            DeclareLaunchArgument("imu_topic", default_value="imu", description="sensor_msgs/Imu topic to classify"),
            DeclareLaunchArgument("replay", default_value="true", description="Start imu_replay with the demo"),
            DeclareLaunchArgument(
                "params_file",
                default_value=os.path.join(share, "config", "watch_har.yaml"),
                description="Parameter YAML for both nodes",
            ),
            Node(
                package="har_kd_ros",
                executable="imu_replay_node",
                name="imu_replay",
                parameters=[params_file],
                remappings=[("imu", imu_topic)],
                condition=IfCondition(LaunchConfiguration("replay")),
                output="screen",
            ),
            Node(
                package="har_kd_ros",
                executable="imu_har_node",
                name="imu_har",
                parameters=[params_file, {"model": model}],
                remappings=[("imu", imu_topic)],
                output="screen",
            ),
        ]
    )

"""Start the watch HAR pipeline: imu_har, the camera teacher path, replay and recording as asked.

ros2 launch har_kd_ros watch_har.launch.py [model:=/path/student.onnx] [imu_topic:=/watch/imu]
    [replay:=true|false] [camera:=true image_topic:=/camera/image_raw] [teacher:=true|false]
    [teacher_model:=/path/teacher.onnx] [record:=true bag:=/data/session1] [params_file:=...]

- replay (default true): imu_replay plays the bundled demo (IMU, and its skeletons unless camera:=true).
- camera: skeleton_node runs MediaPipe Pose on image_topic (needs the camera requirements).
- teacher (default true): teacher_node labels skeletons; imu_har reports agreement in /diagnostics.
- record: `ros2 bag record` of IMU, skeleton, teacher and student topics into `bag`, which
  `python -m training` turns into a new student (README, "Record and retrain").
Boolean arguments take what launch's conditions take (true, false, 1, 0, any case). With
record:=true, a missing `ros2 bag` or an existing bag folder is one line before anything starts.
Uses only the standard launch / launch_ros API (it needs a ROS 2 install).
"""

import os
from datetime import datetime

from ament_index_python.packages import get_package_share_directory
from launch.actions import DeclareLaunchArgument, ExecuteProcess, OpaqueFunction
from launch.conditions import IfCondition, evaluate_condition_expression
from launch.launch_context import LaunchContext
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from har_kd_ros.ros.launch_checks import record_problem
from launch import LaunchDescription

RECORDED_TOPICS = [
    "skeleton",
    "teacher/activity",
    "teacher/activity/classification",
    "activity",
    "activity/classification",
    "activity/label_info",
]


def check_record(context: LaunchContext) -> list:
    """Refuse to start a recording session that would record nothing."""
    if evaluate_condition_expression(context, [LaunchConfiguration("record")]):
        problem = record_problem(LaunchConfiguration("bag").perform(context))
        if problem:
            raise RuntimeError(f"record:=true: {problem}")
    return []


def replay(context: LaunchContext) -> list:
    """imu_replay; its demo skeletons only where no camera publishes on 'skeleton'."""
    camera = evaluate_condition_expression(context, [LaunchConfiguration("camera")])
    return [
        Node(
            package="har_kd_ros",
            executable="imu_replay_node",
            name="imu_replay",
            parameters=[LaunchConfiguration("params_file"), {"publish_skeleton": not camera}],
            remappings=[("imu", LaunchConfiguration("imu_topic"))],
            condition=IfCondition(LaunchConfiguration("replay")),
            output="screen",
        )
    ]


def generate_launch_description() -> LaunchDescription:
    share = get_package_share_directory("har_kd_ros")
    arg = LaunchConfiguration
    params_file = arg("params_file")
    return LaunchDescription(
        [
            DeclareLaunchArgument("model", default_value="", description="Student .onnx; empty = bundled default"),
            DeclareLaunchArgument("imu_topic", default_value="imu", description="sensor_msgs/Imu topic to classify"),
            DeclareLaunchArgument("replay", default_value="true", description="Start imu_replay with the demo"),
            DeclareLaunchArgument("camera", default_value="false", description="Start skeleton_node (MediaPipe)"),
            DeclareLaunchArgument("image_topic", default_value="image", description="sensor_msgs/Image topic"),
            DeclareLaunchArgument("teacher", default_value="true", description="Start teacher_node on 'skeleton'"),
            DeclareLaunchArgument(
                "teacher_model", default_value="", description="Skeleton teacher .onnx; empty = bundled"
            ),
            DeclareLaunchArgument("record", default_value="false", description="ros2 bag record the session"),
            DeclareLaunchArgument(
                "bag",
                default_value="har_session_" + datetime.now().strftime("%Y%m%d_%H%M%S"),
                description="Output folder of the recording (must not exist)",
            ),
            DeclareLaunchArgument(
                "params_file",
                default_value=os.path.join(share, "config", "watch_har.yaml"),
                description="Parameter YAML for all nodes",
            ),
            OpaqueFunction(function=check_record),  # first: nothing has started if it refuses
            OpaqueFunction(function=replay),
            Node(
                package="har_kd_ros",
                executable="imu_har_node",
                name="imu_har",
                parameters=[params_file, {"model": arg("model")}],
                remappings=[("imu", arg("imu_topic"))],
                output="screen",
            ),
            Node(
                package="har_kd_ros",
                executable="skeleton_node",
                name="skeleton",
                parameters=[params_file],
                remappings=[("image", arg("image_topic"))],
                condition=IfCondition(arg("camera")),
                output="screen",
            ),
            Node(
                package="har_kd_ros",
                executable="teacher_node",
                name="teacher",
                parameters=[params_file, {"model": arg("teacher_model")}],
                condition=IfCondition(arg("teacher")),
                output="screen",
            ),
            ExecuteProcess(
                cmd=["ros2", "bag", "record", "-o", arg("bag"), arg("imu_topic"), *RECORDED_TOPICS],
                condition=IfCondition(arg("record")),
                output="screen",
            ),
        ]
    )

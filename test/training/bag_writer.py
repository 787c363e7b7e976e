"""Write rosbag2 recordings from synthetic data exactly as the package's nodes publish them."""

import numpy as np
from rosbags.rosbag2 import StoragePlugin, Writer
from rosbags.typesys import Stores, get_types_from_msg, get_typestore

from har_kd_ros.messages.pointcloud import POINT_STEP, SKELETON_FIELDS, encode_skeleton
from training.data.synthetic import canonical_to_mediapipe

TS = get_typestore(Stores.ROS2_HUMBLE)
TS.register(  # not in the Humble store: vision_msgs is not a core package
    get_types_from_msg("string class_id\nfloat64 score", "vision_msgs/msg/ObjectHypothesis")
    | get_types_from_msg(
        "std_msgs/Header header\nvision_msgs/ObjectHypothesis[] results", "vision_msgs/msg/Classification"
    )
)
T = TS.types


def stamp(t):
    sec, nanosec = divmod(round(t * 1e9), 1_000_000_000)
    return T["builtin_interfaces/msg/Time"](sec=sec, nanosec=nanosec)


def header(t, frame):
    return T["std_msgs/msg/Header"](stamp=stamp(t), frame_id=frame)


def write_bag(
    path,
    recordings,
    storage=StoragePlugin.SQLITE3,
    t0=1000.0,
    labels=True,
    classification=False,
    little_endian=True,
    damage=None,
):
    """A bag as the package's nodes record it: /imu (Imu), /skeleton (PointCloud2, MediaPipe order),
    and (``labels``) /teacher/activity (String), or with ``classification``
    /teacher/activity/classification (vision_msgs/Classification, stamped at the label's start and
    recorded 0.5 s later, a distractor second). Recordings follow each other 0.1 s apart. ``damage(topic, index on
    that topic, bytes)`` returns the bytes written instead."""
    V3, Imu, PC2, PF, Str = (
        T[k]
        for k in (
            "geometry_msgs/msg/Vector3",
            "sensor_msgs/msg/Imu",
            "sensor_msgs/msg/PointCloud2",
            "sensor_msgs/msg/PointField",
            "std_msgs/msg/String",
        )
    )
    fields = [PF(name=n, offset=o, datatype=d, count=c) for n, o, d, c in SKELETON_FIELDS]
    with Writer(path, version=8, storage_plugin=storage) as w:
        imu_c = w.add_connection("/imu", Imu.__msgtype__, typestore=TS)
        sk_c = w.add_connection("/skeleton", PC2.__msgtype__, typestore=TS)
        if classification:
            label_type = "vision_msgs/msg/Classification"
            lab_c = w.add_connection("/teacher/activity/classification", label_type, typestore=TS)
        else:
            label_type = Str.__msgtype__
            lab_c = w.add_connection("/teacher/activity", label_type, typestore=TS)
        offset = t0
        count = {}

        def label_msg(label, t):
            if not classification:
                return Str(data=label)
            hypothesis = T["vision_msgs/msg/ObjectHypothesis"]
            results = [hypothesis(class_id=label, score=0.75), hypothesis(class_id="distractor", score=0.25)]
            return T["vision_msgs/msg/Classification"](header=header(t, "imu"), results=results)

        for rec in recordings:
            start = offset + rec.acc_t[0]
            # a Classification is recorded after the window it labels (here 0.5 s): its stamp says when
            received = start + 0.5 if classification else start
            msgs = [(received, lab_c, label_msg(rec.label, start), label_type)] if labels else []
            # REP 145: no gyroscope is angular_velocity_covariance[0] = -1
            gyro = rec.gyro if rec.gyro is not None else np.zeros_like(rec.acc)
            gyro_cov = np.zeros(9) if rec.gyro is not None else np.array([-1.0] + [0.0] * 8)
            for t, a, g in zip(rec.acc_t, rec.acc, gyro, strict=True):
                m = Imu(header=header(offset + t, "imu"), orientation=T["geometry_msgs/msg/Quaternion"](x=0.0, y=0.0, z=0.0, w=1.0),
                        orientation_covariance=np.zeros(9), angular_velocity=V3(x=g[0], y=g[1], z=g[2]), angular_velocity_covariance=gyro_cov,
                        linear_acceleration=V3(x=a[0], y=a[1], z=a[2]), linear_acceleration_covariance=np.zeros(9))  # fmt: skip
                msgs.append((offset + t, imu_c, m, Imu.__msgtype__))
            mp = canonical_to_mediapipe(rec.skeleton)
            for t, frame in zip(rec.skeleton_t, mp, strict=True):
                tracked = np.isfinite(frame).all()
                data = encode_skeleton(np.nan_to_num(frame), np.full(33, 0.99 if tracked else 0.1))
                m = PC2(header=header(offset + t, "camera"), height=1, width=33, fields=fields, is_bigendian=False,
                        point_step=POINT_STEP, row_step=POINT_STEP * 33, data=np.frombuffer(data, np.uint8), is_dense=True)  # fmt: skip
                msgs.append((offset + t, sk_c, m, PC2.__msgtype__))
            for t, conn, m, typ in sorted(msgs, key=lambda x: x[0]):
                data = bytes(TS.serialize_cdr(m, typ, little_endian=little_endian))
                if damage is not None:
                    data = damage(conn.topic, count.get(conn.topic, 0), data)
                    count[conn.topic] = count.get(conn.topic, 0) + 1
                w.write(conn, int(t * 1e9), data)
            offset += rec.duration_s + 0.1

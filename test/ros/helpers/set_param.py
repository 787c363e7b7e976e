"""Set parameters on a running node through its SetParameters service; print each result as JSON.

python set_param.py NODE NAME=FLOAT [NAME=FLOAT ...]
"""

import json
import sys

import rclpy
from rcl_interfaces.msg import Parameter, ParameterType, ParameterValue
from rcl_interfaces.srv import SetParameters


def main() -> None:
    node_name, assignments = sys.argv[1], sys.argv[2:]
    rclpy.init()
    node = rclpy.create_node("set_param")
    client = node.create_client(SetParameters, f"/{node_name}/set_parameters")
    if not client.wait_for_service(timeout_sec=15.0):
        raise SystemExit(f"set_param: /{node_name}/set_parameters not available")
    results = []
    for item in assignments:
        name, value = item.split("=", 1)
        request = SetParameters.Request(
            parameters=[
                Parameter(
                    name=name, value=ParameterValue(type=ParameterType.PARAMETER_DOUBLE, double_value=float(value))
                )
            ]
        )
        future = client.call_async(request)
        rclpy.spin_until_future_complete(node, future, timeout_sec=10.0)
        result = future.result().results[0]
        results.append({"name": name, "value": float(value), "successful": result.successful, "reason": result.reason})
    print(json.dumps(results), flush=True)
    node.destroy_node()
    rclpy.try_shutdown()


if __name__ == "__main__":
    main()

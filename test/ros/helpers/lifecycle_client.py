"""Drive a managed node through lifecycle transitions with its services, as a lifecycle manager
or `ros2 lifecycle set` does, and report what each state shows on the graph:

python lifecycle_client.py NODE TOPIC INPUT_TOPIC TRANSITION [TRANSITION ...]

After each transition (a label: configure, activate, deactivate, cleanup, shutdown) one JSON
line: the transition's success, the node's state, the publishers of TOPIC, the subscribers of
INPUT_TOPIC, and how many String messages arrived on TOPIC in the 2 s that follow.
"""

import json
import sys
import time

import rclpy
from lifecycle_msgs.msg import Transition
from lifecycle_msgs.srv import ChangeState, GetState
from std_msgs.msg import String

IDS = {
    "configure": Transition.TRANSITION_CONFIGURE,
    "activate": Transition.TRANSITION_ACTIVATE,
    "deactivate": Transition.TRANSITION_DEACTIVATE,
    "cleanup": Transition.TRANSITION_CLEANUP,
    "shutdown": Transition.TRANSITION_UNCONFIGURED_SHUTDOWN,
}


def call(node, client, request):
    future = client.call_async(request)
    rclpy.spin_until_future_complete(node, future, timeout_sec=20)
    return future.result()


def main() -> None:
    name, topic, input_topic, transitions = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    rclpy.init()
    node = rclpy.create_node("lifecycle_client")
    change = node.create_client(ChangeState, f"/{name}/change_state")
    get = node.create_client(GetState, f"/{name}/get_state")
    assert change.wait_for_service(timeout_sec=30) and get.wait_for_service(timeout_sec=30)
    received = []
    node.create_subscription(String, topic, lambda m: received.append(m.data), 10)

    def report(transition: str, success: bool) -> None:
        received.clear()
        end = time.time() + 2.0
        while time.time() < end:  # graph changes and messages arrive meanwhile
            rclpy.spin_once(node, timeout_sec=0.05)
        state = call(node, get, GetState.Request()).current_state.label
        print(json.dumps({
            "transition": transition, "success": success, "state": state,
            "publishers": node.count_publishers(topic), "input_subscribers": node.count_subscribers(input_topic),
            "messages": len(received),
        }), flush=True)  # fmt: skip

    report("start", True)
    for label in transitions:
        response = call(node, change, ChangeState.Request(transition=Transition(id=IDS[label])))
        report(label, bool(response and response.success))
    node.destroy_node()
    rclpy.shutdown()


if __name__ == "__main__":
    main()

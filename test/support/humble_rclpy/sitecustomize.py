"""An rclpy with what ROS 2 Humble's lacks taken away, for a node process whose PYTHONPATH puts
this folder first (Python imports ``sitecustomize`` at start-up):

- ``rclpy.experimental`` (the EventsExecutor) cannot be imported;
- ``rclpy.impl.implementation_singleton.rclpy_implementation`` (rclpy's private C module, which
  the IMU receiver uses) is there for rclpy's own modules only.
"""

import importlib.abc
import importlib.machinery
import sys

MISSING = "rclpy.experimental"
PRIVATE = "rclpy.impl.implementation_singleton"


class _PrivateToRclpy(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._loader.exec_module(module)
        real = module.__dict__.pop("rclpy_implementation")

        def module_getattr(name: str):  # called for names the module lacks: now this one
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if name == "rclpy_implementation" and caller.split(".")[0] == "rclpy":
                return real
            raise AttributeError(f"module {PRIVATE!r} has no attribute {name!r} (hidden as in Humble)")

        module.__getattr__ = module_getattr


class _HumbleFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == MISSING:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden as in Humble)", name=name)
        if name == PRIVATE:
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is not None:
                spec.loader = _PrivateToRclpy(spec.loader)
            return spec
        return None


sys.meta_path.insert(0, _HumbleFinder())

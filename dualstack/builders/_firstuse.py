"""Modules imported on first use: ``import dualstack.builders`` runs this before anything imports troposphere.

What it saves, from ``make bench`` (medians of 15 rounds on 2 cores, 2026-12-03): one template written by
``generate.py --azs 3 -o t.yaml`` takes 139 ms with it and 171 ms without it (a fifth more), against 102 ms for
``python -c "import troposphere.ec2"`` alone. troposphere imports cfn_flip at its top and its SAM module in its
``Template`` class body, so standing in for them before troposphere is imported is the only way to skip them.
"""

import importlib
import importlib.util
import sys
import types
from typing import Any


class _OnFirstUse(types.ModuleType):
    """Stands in for a module until one of its attributes is read, then imports the real one and hands it over."""

    def __getattr__(self, attribute: str) -> Any:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


def _import_on_first_use(name: str) -> None:
    """Let ``import name`` succeed without running the module until something uses it.

    troposphere imports cfn_flip (and with it PyYAML) for ``Template.to_yaml``, which dualstack does not call:
    running them would be a fifth of a ``generate.py`` run. ``importlib.util.LazyLoader`` cannot do this on Python
    3.11, whose import statement reads the module's ``__spec__`` and so loads it at once.

    The stand-in carries the module's real spec, found without running it, so ``importlib.util.find_spec(name)``
    answers as it would without the stand-in (it raises ValueError for a module in ``sys.modules`` without one).
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _OnFirstUse(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


_import_on_first_use("cfn_flip")


def _import_troposphere_without_serverless() -> None:
    """Import troposphere without the modules it loads only to name a type dualstack never uses.

    The body of troposphere's ``Template`` class runs ``from troposphere.serverless import Globals`` to annotate
    ``Template.globals`` (SAM's ``Globals`` section); that module imports the S3, Lambda, API Gateway, DynamoDB,
    EventBridge and Step Functions modules, a fifth of what ``generate.py`` imports. A stand-in answers that one
    import and is removed at once, so ``import troposphere.serverless`` afterwards gets the real module, and
    ``Template.set_transform`` and ``set_globals``, which import it when called, work as before.
    """
    if "troposphere" in sys.modules or "troposphere.serverless" in sys.modules:
        return
    stand_in = types.ModuleType("troposphere.serverless")
    stand_in.Globals = type("Globals", (), {"__module__": "troposphere.serverless"})  # type: ignore[attr-defined]
    sys.modules["troposphere.serverless"] = stand_in
    try:
        importlib.import_module("troposphere")
    finally:
        if sys.modules.get("troposphere.serverless") is stand_in:
            del sys.modules["troposphere.serverless"]


_import_troposphere_without_serverless()

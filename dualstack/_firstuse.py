"""Modules imported on first use: ``import dualstack`` runs this before anything imports troposphere."""

import importlib
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
    """
    if name not in sys.modules:
        sys.modules[name] = _OnFirstUse(name)


_import_on_first_use("cfn_flip")

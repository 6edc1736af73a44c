"""The package's layers: imports run one way (commands → proofs, rendering, builders → files → model), with no cycle.

Every import is read from the source, also those inside functions (which run later, but are still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "dualstack"
#: Each sub-package's layer: a module may import from a lower layer, and from its own sub-package.
LAYERS = {"model": 0, "files": 1, "builders": 2, "render": 2, "proofs": 2, "commands": 3}
#: What the model may import from outside the standard library: nothing. Builders alone use troposphere and awacs.
TEMPLATE_LIBRARIES = ("troposphere", "awacs")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, as dotted names (``from a import b`` gives ``a`` and ``a.b``)."""
    found: set[str] = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


MODULES = {_module(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _internal(path: Path) -> set[str]:
    return {name for name in _imports(path) if name in MODULES and name != "dualstack"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else None


def test_every_module_but_the_package_facade_and_the_lint_rules_sits_in_a_layer() -> None:
    outside = {m for m in MODULES if _layer(m) is None and m.split(".")[1:2] != ["lint_rules"]}
    assert outside == {"dualstack", "dualstack.__main__"} | {f"dualstack.{p}" for p in LAYERS}


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) is not None))
def test_imports_run_one_way(module: str) -> None:
    layer = _layer(module)
    assert layer is not None
    wrong = sorted(
        name
        for name in _internal(MODULES[module])
        if (other := _layer(name)) is not None and other != layer and LAYERS[other] >= LAYERS[layer]
    )
    assert not wrong, f"{module} ({layer}) imports from its own layer or above: {wrong}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in ("model", "files", "proofs")))
def test_only_the_builders_import_troposphere(module: str) -> None:
    used = sorted(name for name in _imports(MODULES[module]) if name.startswith(TEMPLATE_LIBRARIES))
    assert not used, f"{module} imports {used}"


def test_the_lint_rules_read_only_each_other_and_the_model_so_cfn_lint_loads_them_without_troposphere() -> None:
    rules = [m for m in MODULES if m.startswith("dualstack.lint_rules.")]
    assert rules
    for module in rules:
        outside = {
            n for n in _internal(MODULES[module]) if not n.startswith(("dualstack.lint_rules", "dualstack.model"))
        }
        assert not outside, module
        assert not {n for n in _imports(MODULES[module]) if n.startswith(TEMPLATE_LIBRARIES)}, module


def _cycle() -> list[str] | None:
    graph = {m: sorted(n for n in _internal(p) if n != m and n not in LAYERS) for m, p in MODULES.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for module in graph:
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_cycle() -> None:
    assert _cycle() is None, " -> ".join(_cycle() or [])


def test_the_cycle_check_finds_a_cycle(monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above must be able to fail: a plan module that imports the updates table again is a cycle.
    real = _internal

    def with_cycle(path: Path) -> set[str]:
        extra = {"dualstack.proofs.updates_doc"} if path == MODULES["dualstack.proofs.plan"] else set()
        return real(path) | extra

    monkeypatch.setattr(__import__(__name__, fromlist=["_internal"]), "_internal", with_cycle)
    assert _cycle() is not None


# Each fact stated once: a parameter's name is written in the model (names.py, kinds.py) and read from there.

#: Parameter names that are also the name of a resource property, read as the property where they appear.
ALSO_PROPERTIES = {"MapPublicIpOnLaunch", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "VpcCidrBlock"}


def _parameter_names() -> set[str]:
    import json

    names: set[str] = set()
    for path in (ROOT / "templates").glob("*.json"):
        names |= set(json.loads(path.read_text(encoding="utf-8"))["Parameters"])
    return names


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) in ("files", "proofs", "commands")))
def test_a_parameter_is_named_only_through_the_model(module: str) -> None:
    literals = {
        node.value
        for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }
    restated = sorted((literals & _parameter_names()) - ALSO_PROPERTIES)
    assert not restated, f"{module} writes parameter names of its own: {restated}; use dualstack.model.names"

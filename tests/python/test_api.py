"""The module's surface: every public name documented and in the type stubs."""

import ast
import inspect
from pathlib import Path

import rung

PACKAGE = Path(rung.__file__).parent


def stub_names(path):
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def test_every_public_name_is_in_the_stubs():
    assert (PACKAGE / "py.typed").exists()
    missing = set(rung.__all__) - stub_names(PACKAGE / "__init__.pyi")
    assert not missing, f"not in __init__.pyi: {sorted(missing)}"


def test_every_public_function_and_method_has_a_docstring():
    undocumented = []
    for name in rung.__all__:
        obj = getattr(rung, name)
        if not (obj.__doc__ or "").strip():
            undocumented.append(name)
        if inspect.isclass(obj) and not issubclass(obj, BaseException) and obj.__module__ == "rung":
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(member) or isinstance(member, (property, classmethod))):
                    continue
                doc = (member.__func__ if isinstance(member, classmethod) else member).__doc__
                if not (doc or "").strip():
                    undocumented.append(f"{name}.{attr}")
    assert not undocumented, f"no docstring: {undocumented}"


def test_presets():
    assert rung.presets() == ["counterbench", "cladder", "ladder", "linear"]

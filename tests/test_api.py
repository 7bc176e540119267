"""The public API as a user meets it: type information shipped, and every public function
documented (numpydoc) with an example that runs (issue 14; /work/shared/STYLE.md point 3).

The examples themselves run as doctests (``--doctest-modules`` over ``src/``, see
pyproject.toml); here we check that they are there. A module's public functions are those
in its ``__all__`` (every function defined in it whose name has no leading underscore when
it has no ``__all__``); modules whose name starts with an underscore are package-internal.
"""

from __future__ import annotations

import importlib
import importlib.resources
import importlib.util
import inspect
import pkgutil
import re
import shutil
import subprocess
import sys
import types
import zipfile
from pathlib import Path

import pytest

import pilot_eval

ROOT = Path(__file__).parent.parent

#: Modules whose public functions do not all have an example yet: none since issue 14 (about
#: 150 gaps when it was filed). A name ending in "." stands for every module under it; a new
#: module may wait here for its examples, and leaves once it has them.
MODULES_NOT_YET: dict[str, str] = {}

#: Functions of the apidocs modules still without an example, by module: to be emptied.
#: The test fails when one of them gets its example, so that the list only shrinks.
NOT_YET: dict[str, set[str]] = {}

_SECTION = re.compile(r"^(\w[\w ]*)\n-{3,}\s*$", re.M)


def _excepted(name: str) -> bool:
    return any(name == key or (key.endswith(".") and name.startswith(key))
               for key in MODULES_NOT_YET)


def _public_modules() -> list[types.ModuleType]:
    names = ["pilot_eval"] + [
        m.name for m in pkgutil.walk_packages(pilot_eval.__path__, "pilot_eval.")
    ]
    return [importlib.import_module(n) for n in sorted(names)
            if not any(part.startswith("_") for part in n.split("."))]


def _public_functions(module: types.ModuleType) -> list[tuple[str, types.FunctionType]]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    found = []
    for name in names:
        obj = inspect.getattr_static(module, name, None)
        # re-exports are checked where they are defined
        if inspect.isfunction(obj) and obj.__module__ == module.__name__:
            found.append((name, obj))
    return found


def sections(doc: str) -> dict[str, str]:
    """numpydoc sections of a docstring: title -> body (the summary lines under "")."""
    out: dict[str, str] = {}
    heads = list(_SECTION.finditer(doc))
    out[""] = doc[: heads[0].start()] if heads else doc
    for head, after in zip(heads, [*heads[1:], None]):
        out[head.group(1).strip()] = doc[head.end(): after.start() if after else len(doc)]
    return out


def problems(func: types.FunctionType) -> list[str]:
    """What is missing from a public function's docstring (empty when nothing)."""
    doc = inspect.getdoc(func) or ""
    if not doc.strip():
        return ["no docstring"]
    found = sections(doc)
    out = []
    if "Examples" not in found:
        out.append("no Examples section")
    elif ">>>" not in found["Examples"]:
        out.append("an Examples section without a >>> line to run")
    takes = [p for p in inspect.signature(func).parameters.values()
             if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name != "self"]
    if takes and "Parameters" not in found:
        out.append("no Parameters section")
    return out


def test_sections_parser() -> None:
    doc = inspect.cleandoc('''Sum.

        Parameters
        ----------
        x : int

        Examples
        --------
        >>> 1 + 1
        2
        ''')
    found = sections(doc)
    assert found[""].strip() == "Sum."
    assert found["Parameters"].strip() == "x : int"
    assert found["Examples"].strip().startswith(">>> 1 + 1")

    def undocumented(x: int) -> int:
        return x

    def no_example(x: int) -> int:
        """Nothing to run.

        Parameters
        ----------
        x : int

        Examples
        --------
        Just words.
        """
        return x

    assert problems(undocumented) == ["no docstring"]
    assert problems(no_example) == ["an Examples section without a >>> line to run"]


def test_every_public_function_has_a_numpydoc_docstring_with_an_example() -> None:
    missing = []
    for module in _public_modules():
        if _excepted(module.__name__):
            continue
        for name, func in _public_functions(module):
            if name in NOT_YET.get(module.__name__, set()):
                continue
            missing += [f"{module.__name__}.{name}: {p}" for p in problems(func)]
    assert not missing, "\n".join(missing)


def test_the_lists_of_exceptions_only_shrink() -> None:
    """An entry that no longer applies (a module now documented, a function with its example,
    a name gone) must leave the lists, so that they never hide a new gap."""
    modules = {m.__name__: m for m in _public_modules()}
    stale = []
    for key, who in MODULES_NOT_YET.items():
        covered = [m for n, m in modules.items() if n == key or
                   (key.endswith(".") and n.startswith(key))]
        if not covered:
            stale.append(f"{key} ({who}): no such module")
        elif not any(problems(f) for m in covered for _, f in _public_functions(m)):
            stale.append(f"{key} ({who}): every public function is documented now")
    for module_name, names in NOT_YET.items():
        functions = dict(_public_functions(modules[module_name]))
        for name in sorted(names):
            if name not in functions:
                stale.append(f"{module_name}.{name}: not a public function")
            elif not problems(functions[name]):
                stale.append(f"{module_name}.{name}: has its example now")
    assert not stale, "remove from tests/test_api.py:\n" + "\n".join(stale)


def test_py_typed_in_the_imported_package() -> None:
    marker = importlib.resources.files("pilot_eval").joinpath("py.typed")
    assert marker.is_file()
    assert marker.read_bytes() == b""  # PEP 561: an empty marker means "all of it typed"


@pytest.mark.skipif(importlib.util.find_spec("wheel") is None
                    and importlib.util.find_spec("setuptools.command.bdist_wheel") is None,
                    reason="building a wheel needs the 'wheel' package or setuptools >= 70.1")
def test_py_typed_in_the_installed_package(tmp_path: Path) -> None:
    """Build the wheel a user installs (without network: the venv's setuptools), unpack it
    as pip would, and find the marker through importlib.resources from there."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    build = ("import sys\nfrom setuptools import build_meta\n"
             "print(build_meta.build_wheel(sys.argv[1]))")
    out = subprocess.run([sys.executable, "-c", build, str(tmp_path / "dist")], cwd=source,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = tmp_path / "dist" / out.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "pilot_eval/py.typed" in names
        for language in ("nb", "en"):  # the report texts travel with the package
            assert f"pilot_eval/locale/{language}/LC_MESSAGES/pilot_eval.mo" in names
        archive.extractall(tmp_path / "site")
    check = ("import importlib.resources, sys\n"
             "sys.path.insert(0, sys.argv[1])\n"
             "import pilot_eval\n"
             "assert pilot_eval.__file__.startswith(sys.argv[1]), pilot_eval.__file__\n"
             "from pilot_eval.present.text import plural\n"
             "assert plural('cli.warnings', 1, 'nb') == '1 advarsel'\n"
             "print(importlib.resources.files('pilot_eval').joinpath('py.typed').is_file())")
    found = subprocess.run([sys.executable, "-c", check, str(tmp_path / "site")],
                           capture_output=True, text=True, cwd=tmp_path)
    assert found.stdout.strip() == "True", found.stderr[-2000:]

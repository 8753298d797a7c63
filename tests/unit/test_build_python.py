"""`make build` finds the machine's python3.13 (scripts/python313-dir) or says in one line what is
missing, before the SAM CLI is installed; then it compiles the artifacts to 3.13 bytecode
(scripts/compile-bytecode). `sam build` itself is not run here: it takes ~20 s and downloads the
layer's arm64 wheels, so the recipe is tested on a small tree of the same shape instead."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "python313-dir"


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)


def fake_python(directory: Path, version: str) -> Path:
    """An executable that answers the script's version check as a Python of ``version`` would."""
    directory.mkdir(parents=True)
    python = directory / "python3.13"
    ok = 0 if version == "3.13" else 1
    python.write_text(f"#!/bin/sh\nexit {ok}\n")
    python.chmod(0o755)
    return python


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """PATH with only the basic tools: no python3.13, no pyenv, no uv."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for tool in ("sh", "dirname", "ls", "grep", "sort", "mktemp", "ln"):
        for directory in ("/usr/bin", "/bin"):
            if (Path(directory) / tool).exists() and not (tools / tool).exists():
                (tools / tool).symlink_to(Path(directory) / tool)
    return {"PATH": str(tools), "HOME": str(tmp_path), **extra}


def test_without_python313_it_says_what_is_missing_in_one_line(tmp_path) -> None:
    done = run(bare_env(tmp_path))
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1
    assert "no Python 3.13 found" in done.stderr and "pyenv install 3.13" in done.stderr


def test_a_python313_on_path_is_used(tmp_path) -> None:
    python = fake_python(tmp_path / "bin", "3.13")
    env = bare_env(tmp_path)
    env["PATH"] = f"{python.parent}{os.pathsep}{env['PATH']}"
    done = run(env)
    assert done.returncode == 0 and done.stdout.strip() == str(python.parent)


def test_a_pyenv_shim_that_fails_is_skipped_for_pyenvs_own_versions(tmp_path) -> None:
    # Given a python3.13 shim on PATH that does not run (pyenv's "command not found" for the active
    # version) and pyenv with a 3.13 among its versions
    shim = fake_python(tmp_path / "shims", "none")
    root = tmp_path / "pyenv"
    fake_python(root / "versions" / "3.13.0" / "bin", "3.13")
    pyenv = tmp_path / "shims" / "pyenv"
    pyenv.write_text(f'#!/bin/sh\n[ "$1" = root ] && echo {root} && exit 0\nexit 1\n')
    pyenv.chmod(0o755)
    env = bare_env(tmp_path)
    env["PATH"] = f"{shim.parent}{os.pathsep}{env['PATH']}"
    # Then pyenv's 3.13 is the one
    done = run(env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(root / "versions" / "3.13.0" / "bin")


def test_python313_names_the_interpreter_explicitly(tmp_path) -> None:
    assert run(bare_env(tmp_path, PYTHON313=str(fake_python(tmp_path / "x", "3.13")))).returncode == 0
    wrong = run(bare_env(tmp_path, PYTHON313=str(tmp_path / "nope")))
    assert wrong.returncode == 1 and "is not a working Python 3.13" in wrong.stderr


def test_an_interpreter_not_named_python313_is_linked_under_that_name(tmp_path) -> None:
    # Given a working 3.13 named plain `python` (as `uv python find` or PYTHON313 may give)
    named_otherwise = fake_python(tmp_path / "uv", "3.13").rename(tmp_path / "uv" / "python")
    # When the script picks it
    done = run(bare_env(tmp_path, PYTHON313=str(named_otherwise), TMPDIR=str(tmp_path)))
    # Then the directory it prints has a python3.13 (what sam build looks for) that is that interpreter
    assert done.returncode == 0, done.stderr
    linked = Path(done.stdout.strip()) / "python3.13"
    assert linked.is_symlink() and linked.resolve() == named_otherwise.resolve()


def test_make_build_checks_before_it_installs_anything() -> None:
    lines = (ROOT / "Makefile").read_text().split("\nbuild:", 1)[1].strip().splitlines()
    assert "scripts/python313-dir" in lines[0] and ".installed" in lines[1]
    assert 'PATH="$$(scripts/python313-dir):$$PATH"' in lines[2] and "sam build" in lines[2]


def test_what_build_python313_built_is_found_under_its_prefix_or_the_default_cache(tmp_path) -> None:
    # Given a 3.13 that scripts/build-python313 installed under PYTHON313_PREFIX
    built = fake_python(tmp_path / "built" / "bin", "3.13")
    done = run(bare_env(tmp_path, PYTHON313_PREFIX=str(tmp_path / "built")))
    assert done.returncode == 0 and done.stdout.strip() == str(built.parent)
    # And one under its default prefix (~/.cache/cart-service/python3.13), with no variable set
    cached = fake_python(tmp_path / ".cache" / "cart-service" / "python3.13" / "bin", "3.13")
    done = run(bare_env(tmp_path))
    assert done.returncode == 0 and done.stdout.strip() == str(cached.parent)


COMPILE = ROOT / "scripts" / "compile-bytecode"


def test_make_build_compiles_the_artifacts_after_sam_build() -> None:
    lines = (ROOT / "Makefile").read_text().split("\nbuild:", 1)[1].strip().splitlines()
    assert "sam build" in lines[2] and lines[3].strip() == "scripts/compile-bytecode .aws-sam/build"


def test_compile_bytecode_says_what_is_missing_without_python313(tmp_path) -> None:
    done = subprocess.run(
        [str(COMPILE), str(tmp_path)], env=bare_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "no Python 3.13 found" in done.stderr


def _python313() -> str | None:
    found = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60)
    return f"{found.stdout.strip()}/python3.13" if found.returncode == 0 else None


def test_compile_bytecode_writes_313_bytecode_that_never_checks_the_source(tmp_path) -> None:
    # Given sam build's artifacts (a function and a layer with a package) and the machine's 3.13
    python = _python313()
    if python is None:
        pytest.skip("no Python 3.13 on this machine (scripts/python313-dir); make test313 says so too")
    (tmp_path / "Fn" / "face").mkdir(parents=True)
    (tmp_path / "Fn" / "face" / "__init__.py").write_text("")
    (tmp_path / "Fn" / "face" / "app.py").write_text("ANSWER = 42\n")
    (tmp_path / "Layer" / "python").mkdir(parents=True)
    (tmp_path / "Layer" / "python" / "lib.py").write_text("X = 1\n")
    # When the build recipe compiles them
    done = subprocess.run([str(COMPILE), str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3 modules compiled for Python 3.13" in done.stdout
    # Then each module has a 3.13 .pyc (the runtime's magic number) that is hash-based and unchecked
    # (flags 0b01): loaded although `sam deploy` zips every source with the date 1980-01-01
    magic = subprocess.run(
        [python, "-c", "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    pycs = sorted(tmp_path.rglob("*.cpython-313.pyc"))
    assert [p.name for p in pycs] == ["__init__.cpython-313.pyc", "app.cpython-313.pyc", "lib.cpython-313.pyc"]
    for pyc in pycs:
        header = pyc.read_bytes()[:8]
        assert header[:4].hex() == magic and int.from_bytes(header[4:8], "little") == 0b01, pyc
    # And a 3.13 interpreter that may not write bytecode (Lambda's read-only /var/task) loads it as is
    source = tmp_path / "Fn" / "face" / "app.py"
    source.write_text("ANSWER = 0\n")  # a source the .pyc no longer matches: unchecked, so not read
    loaded = subprocess.run(
        [python, "-B", "-c", "import face.app; print(face.app.ANSWER)"],
        cwd=tmp_path / "Fn", capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert loaded.strip() == "42"

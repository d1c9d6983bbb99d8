"""Inputs are data, outputs stay in their folder, nothing talks to the network.

- The package never evaluates input: no ``eval``/``exec``/``compile``/pickle/``yaml.load``
  anywhere in it (checked on its syntax tree), and code planted in CSV cells, units and
  scenario values is read as text and rejected or kept as a label, never run.
- A scenario's ``name`` cannot steer the results file out of ``--out``.
- Running, validating, saving and sweeping open no network connection; a Dask scheduler
  is contacted only when the user gives its address.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import resourcemodel as rm
from resourcemodel.cli import main, result_path

PACKAGE = Path(rm.__file__).parent
#: Calls that run code or rebuild objects from bytes.
BANNED_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint"}
BANNED_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "yaml"}
BANNED_ATTRIBUTES = {"read_pickle", "to_pickle", "unsafe_load", "full_load"}


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            for name in names:
                if name.split(".")[0] in BANNED_MODULES:
                    found.append(f"{where}: import {name}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in BANNED_NAMES:
                found.append(f"{where}: {func.id}()")
            elif isinstance(func, ast.Attribute) and func.attr in BANNED_ATTRIBUTES:
                found.append(f"{where}: .{func.attr}()")
            for kw in node.keywords:
                if kw.arg in {"allow_pickle", "shell"} and not (
                    isinstance(kw.value, ast.Constant) and kw.value.value is False
                ):
                    found.append(f"{where}: {kw.arg}=...")
    return found


def test_the_package_never_evaluates_or_unpickles() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offences = [o for f in files for o in _offences(f)]
    assert not offences, "\n".join(offences)


def test_the_scan_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The scan is not vacuous: it flags each pattern in a planted file."""
    bad = tmp_path / "planted.py"
    bad.write_text(
        "import pickle\nfrom yaml import load\neval('1')\nexec('x = 1')\n"
        "import pandas as pd\npd.read_pickle('f')\nimport numpy as np\n"
        "np.load('f', allow_pickle=True)\nimport subprocess\n"
        "subprocess.run('ls', shell=True)\nsubprocess.run(['ls'], shell=False)\n"
    )
    assert len(_offences(bad)) == 7, _offences(bad)


INJECTED = "__import__('pathlib').Path('PWNED').write_text('x')"


def test_code_in_inputs_is_never_run(
    case_copy: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Code in a name, a number, a unit and a scenario value stays text."""
    monkeypatch.chdir(tmp_path)
    case = case_copy("two_plants")
    plants = (case / "plants.csv").read_text()
    (case / "plants.csv").write_text(plants.replace("Plant B (dear but frugal)", f'"{INJECTED}"'))
    ds = rm.load_inputs(case)  # a name is any text: loaded, kept verbatim
    assert str(ds["plant_name"].sel(plant="b").item()) == INJECTED
    capacity = (case / "capacity.csv").read_text()
    intensity = (case / "intensity.csv").read_text()
    (case / "capacity.csv").write_text(capacity.replace("a_mill,200", f'a_mill,"{INJECTED}"'))
    (case / "intensity.csv").write_text(intensity.replace("2,m3/t", f'2,"{INJECTED}"'))
    with pytest.raises(rm.ValidationError) as info:
        rm.load_inputs(case)
    assert "'capacity.csv', line 2, column 'value': expected a number" in str(info.value)
    assert "'intensity.csv', line 2, column 'unit': unknown unit" in str(info.value)
    (case / "capacity.csv").write_text(capacity)
    (case / "intensity.csv").write_text(intensity)
    scenario = case.parent / "s.toml"
    scenario.write_text(
        f'name = "{INJECTED}"\ndata = "{case.name}"\n[[change]]\nparameter = "source_cap"\n'
        f'set = "{INJECTED}"\n'
    )
    with pytest.raises(rm.ScenarioError, match="expected a number"):
        rm.run(scenario)
    assert not (tmp_path / "PWNED").exists()
    assert not Path("PWNED").exists()


@pytest.mark.parametrize(
    "name",
    ["../../evil", "/tmp/evil", "sub/dir", "..", "a\\b", "con:x", "", ".hidden", "evil\x00.nc"],
)
def test_result_path_stays_in_the_output_folder(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = result_path(out, name)
    assert target.parent == out
    assert target.suffix == ".nc" and not target.name.startswith(".")
    assert "/" not in target.name and "\\" not in target.name and "\x00" not in target.name


def test_a_scenario_named_to_escape_writes_inside_out(
    case_copy: Callable[[str], Path], tmp_path: Path
) -> None:
    case = case_copy("two_plants")
    scenario = case.parent / "evil.toml"
    scenario.write_text(f'name = "../../evil"\ndata = "{case.name}"\n')
    out = tmp_path / "deep" / "er" / "out"
    before = {p for p in tmp_path.rglob("*")}
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    created = {p for p in tmp_path.rglob("*")} - before
    files = [p for p in created if p.is_file()]
    assert [p.relative_to(out).as_posix() for p in files] == ["_.._evil.nc"]
    assert rm.load_results(files[0]).attrs["scenario"] == "../../evil"


#: Runs code with an audit hook that records every socket use with a network address.
NETWORK_AUDIT = textwrap.dedent(
    """
    import json, socket, sys
    uses = []

    def hook(event, args):
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
                     "socket.gethostbyname", "urllib.Request"):
            address = args[1] if event.startswith("socket.") and len(args) > 1 else args[0]
            if not isinstance(address, (str, bytes)) or event != "socket.connect":
                uses.append([event, repr(address)])

    sys.addaudithook(hook)
    exec(sys.argv[1])
    print(json.dumps(uses))
    """
)


def _network_uses(code: str) -> list[list[str]]:
    proc = subprocess.run(
        [sys.executable, "-c", NETWORK_AUDIT, textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_run_validate_save_and_sweep_use_no_network(tmp_path: Path) -> None:
    uses = _network_uses(
        f"""
        import resourcemodel as rm
        from resourcemodel.cli import main
        from resourcemodel.sweeps import sweep
        case = rm.examples.path("two_plants")
        assert main(["validate", str(case)]) == 0
        assert main(["run", str(case), "--out", {str(tmp_path)!r}, "--backend", "pulp"]) == 0
        rm.save(rm.run(case), {str(tmp_path / "r.nc")!r})
        spec = {{"name": "s", "base": str(case),
                 "lever": [{{"name": "r", "parameter": "source_cap", "scale": [0.9, 1.0]}}]}}
        sweep(spec, workers=2, progress=False)
        """
    )
    assert uses == []


def test_the_network_audit_sees_a_connection() -> None:
    """The audit is not blind: a real connection attempt is recorded."""
    uses = _network_uses(
        """
        import socket
        s = socket.socket()
        s.settimeout(0.01)
        try:
            s.connect(("127.0.0.1", 9))
        except OSError:
            pass
        s.close()
        """
    )
    assert uses and uses[0][0] == "socket.connect"


def test_export_of_a_scenario_named_dot_dot_stays_in_out(tmp_path: Path) -> None:
    from resourcemodel.export import export

    res = rm.run(rm.examples.path("two_plants"))
    res.attrs["scenario"] = ".."
    out = tmp_path / "a" / "out"
    written = export(res, format="csv", out=out)
    assert all(p.resolve().is_relative_to(out.resolve()) for p in written)
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["out"]

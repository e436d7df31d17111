"""Light installs: a feature whose extra is missing says, in one line, which `pip install` adds
it, and exits 2 (the import failure is simulated by blocking the module's import)."""

import sys
from pathlib import Path

import pytest

from sim.cli import main
from sim.errors import EXTRAS, MissingExtra, require_extra

ROOT = Path(__file__).resolve().parents[1]


def test_the_extras_are_the_ones_pyproject_declares() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for extra in EXTRAS:
        assert f"\n{extra} = [" in pyproject, extra


@pytest.mark.parametrize("extra", list(EXTRAS))
def test_a_missing_extra_names_the_pip_install_that_adds_it(
    extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, EXTRAS[extra][0], None)
    with pytest.raises(MissingExtra) as raised:
        require_extra(extra, "this feature")
    message = str(raised.value)
    assert message.startswith(f"this feature needs the '{extra}' extra ({EXTRAS[extra][0]}")
    assert f"pip install 'alliance-sim[{extra}]'" in message
    assert "\n" not in message


def test_an_installed_extra_passes() -> None:
    require_extra("sweep", "a sweep")  # `make test` installs every extra


def test_a_sweep_without_its_extra_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "SALib", None)
    sweep = ROOT / "scenarios" / "sweeps" / "drivers_lhs.yaml"
    assert main(["sweep", str(sweep), "--out", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert err == (
        "error: a sweep needs the 'sweep' extra (SALib not installed): "
        "pip install 'alliance-sim[sweep]' (in a clone: pip install -e '.[sweep]')\n"
    )
    assert out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_cluster_without_its_extra_names_the_cluster_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    from sim.execution.executors import connect

    with pytest.raises(MissingExtra, match=r"pip install 'alliance-sim\[cluster\]'"):
        connect("inproc://nowhere")


@pytest.mark.slow
def test_the_base_install_runs_compares_and_plots_without_any_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in ("sweep", "cluster", "explore", "docs"):
        for module in EXTRAS[extra]:
            monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.setitem(sys.modules, "dask", None)
    short = tmp_path / "short.yaml"
    short.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nname: short\nhorizon_months: 24\n",
        encoding="utf-8",
    )
    other = tmp_path / "other.yaml"
    other.write_text("extends: short.yaml\nname: other\nactors: {russia: {commitment: 0.3}}\n")
    out = tmp_path / "results"
    assert main(["run", str(short), "--replicates", "4", "--out", str(out)]) == 0
    assert main(["compare", str(short), str(other), "--replicates", "4", "--out", str(out)]) == 0
    assert "error" not in capsys.readouterr().err
    assert len(list(out.glob("short/*/plots/dashboard.png"))) == 1
    assert len(list(out.glob("compare/*/briefing.png"))) == 1

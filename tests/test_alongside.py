"""A figure drawn alongside: in a forked child on Linux, its failure raised in the parent."""

import os
import sys
import time

import pytest

from sim.cli import main
from sim.plots import alongside
from sim.plots.alongside import drawn_alongside

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="forks only on Linux")


def write_pid(path):
    return lambda: path.write_text(str(os.getpid()))


@linux_only
def test_the_figure_is_drawn_by_a_child_while_the_block_runs(tmp_path):
    done = tmp_path / "drawn"
    with drawn_alongside(write_pid(done)):
        parent_did = "tables"
    assert parent_did == "tables"
    assert int(done.read_text()) != os.getpid()  # drawn, and by another process


@linux_only
def test_a_failure_in_the_child_is_raised_with_its_traceback(tmp_path):
    def fail():
        raise ValueError("no such series: spending:atlantis")

    with (
        pytest.raises(RuntimeError, match="child process failed: ValueError: no such series"),
        drawn_alongside(fail),
    ):
        pass


@linux_only
def test_a_failure_in_the_block_stops_the_child_and_propagates(tmp_path):
    started = time.perf_counter()
    with pytest.raises(KeyError, match="tables"), drawn_alongside(lambda: time.sleep(30)):
        raise KeyError("tables")
    assert time.perf_counter() - started < 10  # the child was stopped, not waited for


def test_without_fork_the_figure_is_drawn_here_after_the_block(tmp_path, monkeypatch):
    monkeypatch.setenv(alongside.ENV, "0")
    done, order = tmp_path / "drawn", []
    with drawn_alongside(lambda: (order.append("figure"), write_pid(done)())):
        order.append("block")
    assert order == ["block", "figure"]
    assert int(done.read_text()) == os.getpid()


@linux_only
def test_a_run_whose_dashboard_fails_exits_with_one_line_and_leaves_no_folder(
    tmp_path, monkeypatch, capsys
):
    def broken(result):
        raise ValueError("the dashboard broke")

    monkeypatch.setattr("sim.plots.runs.dashboard", broken)  # the forked child inherits it
    status = main(["scenarios/baseline.yaml", "--replicates", "3", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 1
    assert "the dashboard broke" in err and "Traceback" not in err
    assert not list(tmp_path.rglob("*.csv")) and not list(tmp_path.rglob("*.png"))

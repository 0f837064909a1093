"""The release matrix's comparison rules on synthetic trajectories, and how it builds environments (no network)."""
import json
import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from reproductions import execute, matrix
from reproductions.catalog import REPO


def series(*values, start=1):
    return [[start + i, v] for i, v in enumerate(values)]


# --- verdicts ---------------------------------------------------------------------------------------------------

def test_equal_trajectories_are_identical():
    ref = {"d_loss": series(1.25, 0.5, 0.75), "g_loss": series(2.0, 3.0, 4.0)}
    got = json.loads(json.dumps(ref))
    fields = matrix.compare_losses(got, ref, rtol=1e-3)
    assert fields["verdict"] == "identical"
    assert fields["first_differs"] is None and fields["first_outside"] is None and fields["worst"] == 0.0


def test_small_deviation_is_within_envelope_and_dated():
    # envelope at ref 2.0 with rtol 1e-3: 1e-5 + 2e-3; a deviation of 1e-3 is inside it
    ref = {"loss": series(2.0, 2.0, 2.0)}
    got = {"loss": series(2.0, 2.001, 1.9995)}
    fields = matrix.compare_losses(got, ref, rtol=1e-3)
    assert fields["verdict"] == "within envelope"
    assert fields["first_differs"] == 2 and fields["first_outside"] is None
    assert fields["worst"] == pytest.approx(1e-3) and fields["worst_step"] == 2
    assert fields["worst_relative"] == pytest.approx(5e-4)
    assert [s for s, _ in fields["curve"]] == [1, 2, 3]
    assert fields["curve"][1][1] == pytest.approx(1e-3 / (1e-5 + 2e-3))


def test_first_step_outside_and_worst_step_are_separate():
    # step 2 differs within the envelope, step 3 leaves it, step 5 deviates most
    ref = {"loss": series(1.0, 1.0, 1.0, 1.0, 1.0)}
    got = {"loss": series(1.0, 1.0005, 1.02, 1.0, 0.9)}
    fields = matrix.compare_losses(got, ref, rtol=1e-3)
    assert fields["verdict"] == "outside"
    assert (fields["first_differs"], fields["first_outside"], fields["worst_step"]) == (2, 3, 5)
    assert fields["worst"] == pytest.approx(0.1)


def test_steps_are_taken_over_every_series():
    ref = {"a": series(1.0, 1.0, 1.0), "b": series(5.0, 5.0, 5.0)}
    got = {"a": series(1.0, 1.0, 1.5), "b": series(5.0, 5.0001, 5.0)}
    fields = matrix.compare_losses(got, ref, rtol=1e-3)
    assert fields["first_differs"] == 2  # from series b
    assert fields["first_outside"] == 3 and fields["worst_series"] == "a"  # from series a


def test_absolute_floor_near_zero():
    ref = {"loss": series(0.0, 0.0)}
    assert matrix.compare_losses({"loss": series(5e-6, 0.0)}, ref, rtol=1e-3)["verdict"] == "within envelope"
    assert matrix.compare_losses({"loss": series(0.0, 2e-5)}, ref, rtol=1e-3)["first_outside"] == 2


def test_reproduction_rtol_sets_the_envelope():
    ref, got = {"loss": series(1.0)}, {"loss": series(1.005)}
    assert matrix.compare_losses(got, ref, rtol=1e-3)["verdict"] == "outside"
    assert matrix.compare_losses(got, ref, rtol=1e-2)["verdict"] == "within envelope"


def test_nan_against_a_number_is_outside_and_nan_against_nan_is_not():
    ref = {"loss": series(1.0, float("nan"))}
    fields = matrix.compare_losses({"loss": series(float("nan"), float("nan"))}, ref, rtol=1e-3)
    assert fields["verdict"] == "outside" and fields["first_outside"] == 1 and math.isinf(fields["worst"])
    assert matrix.compare_losses({"loss": series(1.0, float("nan"))}, ref, rtol=1e-3)["verdict"] == "identical"


def test_other_series_or_steps_are_an_error():
    ref = {"d": series(1.0, 2.0)}
    assert matrix.compare_losses({"g": series(1.0, 2.0)}, ref, 1e-3)["verdict"] == "error"
    fields = matrix.compare_losses({"d": series(1.0)}, ref, 1e-3)
    assert fields["verdict"] == "error" and "other steps" in fields["note"]


def _result(losses, status="ok", variables=(("w", [2, 2]),), name="900_test"):
    return execute.RunResult(name, "fashion-mnist", 1, "smoke", status=status, losses=losses,
                             steps=max((p[-1][0] for p in losses.values()), default=0),
                             variables=[list(v) for v in variables])


def test_failed_run_and_other_variables():
    ref = _result({"loss": series(1.0, 2.0)})
    failed = matrix.compare_runs(_result({}, status="timeout"), ref, 1e-3, "2.15")
    assert failed.verdict == "error" and failed.note.startswith("timeout")
    renamed = matrix.compare_runs(_result({"loss": series(1.0, 2.0)}, variables=(("w_1", [2, 2]),)), ref, 1e-3,
                                  "2.15")
    assert renamed.verdict == "outside" and "trainable variables" in renamed.note


def test_headline_counts_verdicts_and_names_what_left():
    cells = [matrix.Cell("000_a", "2.15", "outside"), matrix.Cell("001_b", "2.15", "identical"),
             matrix.Cell("000_a", "2.21", "reference"), matrix.Cell("001_b", "2.21", "reference")]
    line = matrix.headline(cells, "2.21")
    assert "1 identical" in line and "1 outside" in line and "000" in line and "001" not in line


def test_figure_is_a_png(tmp_path):
    from PIL import Image

    cells = [matrix.Cell("000_a", "2.15", **{k: v for k, v in matrix.compare_losses(
        {"l": series(1.0, 1.1)}, {"l": series(1.0, 1.0)}, 1e-3).items()}),
        matrix.Cell("000_a", "2.21", "reference")]
    matrix.figure(cells, ["2.15", "2.21"], ["000_a"], "2.21", tmp_path / "m.png", dpi=40)
    with Image.open(tmp_path / "m.png") as image:
        assert image.format == "PNG" and image.width > 50


# --- releases and environments ----------------------------------------------------------------------------------

def test_releases_are_sorted_and_checked():
    assert matrix.parse_releases("2.21,2.15, 2.17,2.15") == ["2.15", "2.17", "2.21"]
    for bad in ("2.14", "", "2.15,3.0"):
        with pytest.raises(matrix.MatrixError):
            matrix.parse_releases(bad)


def test_requirements_pin_the_release_and_keep_the_project_range():
    deps = ["tensorflow>=2.15,<2.22", "tf-keras>=2.15", "numpy>=1.26,<3", "pillow>=10"]
    assert matrix.requirements("2.17", dependencies=deps) == [
        "tensorflow==2.17.*", "tf_keras==2.17.*", "numpy>=1.26,<3", "pillow>=10"]
    assert matrix.requirements("2.19", numpy="1.26", dependencies=deps) == [
        "tensorflow==2.19.*", "tf_keras==2.19.*", "numpy==1.26.*", "pillow>=10"]


def test_requirements_read_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = matrix.requirements("2.15")
    assert specs[:2] == ["tensorflow==2.15.*", "tf_keras==2.15.*"]
    for spec in project["dependencies"] + project["optional-dependencies"]["test"]:
        if not spec.startswith(("tensorflow", "tf_keras", "tf-keras")):
            assert spec in specs


def test_build_commands_install_offline_from_the_wheel_folder(tmp_path):
    commands = matrix.build_commands("/usr/bin/python3.11", tmp_path / "tf-2.15", tmp_path / "wheels", ["x==1"])
    interpreter = str(tmp_path / "tf-2.15" / "bin" / "python")
    assert commands["venv"] == ["/usr/bin/python3.11", "-m", "venv", "--clear", str(tmp_path / "tf-2.15")]
    install = commands["install"]
    assert install[:4] == [interpreter, "-m", "pip", "install"] and "--no-index" in install
    assert install[install.index("--find-links") + 1] == str(tmp_path / "wheels") and install[-1] == "x==1"
    download = commands["download"]
    assert download[:4] == [interpreter, "-m", "pip", "download"] and "--no-index" not in download
    assert download[download.index("--dest") + 1] == str(tmp_path / "wheels")


class FakePip:
    """Stands in for subprocess.run: venv and pip calls are recorded; the offline install fails until download."""

    def __init__(self):
        self.calls, self.downloaded = [], False

    def __call__(self, command, **kwargs):
        command = [str(c) for c in command]
        if "-c" in command:  # the interpreter probes: Python version, installed versions
            code = command[command.index("-c") + 1]
            out = "3.11" if "version_info" in code else json.dumps({"tensorflow": "2.15.1", "numpy": "1.26.4"})
            return subprocess.CompletedProcess(command, 0, stdout=out, stderr="")
        stage = "venv" if "venv" in command else command[3]
        self.calls.append(stage)
        if stage == "venv":
            Path(command[-1]).mkdir(parents=True)
        if stage == "download":
            self.downloaded = True
        ok = stage != "install" or self.downloaded
        return subprocess.CompletedProcess(command, 0 if ok else 1)


def test_first_build_downloads_then_installs_and_a_built_env_is_reused(tmp_path, monkeypatch):
    fake = FakePip()
    monkeypatch.setattr(matrix.subprocess, "run", fake)
    interpreter, marker = matrix.ensure_env("2.15", tmp_path, python="/usr/bin/python3.11", log=lambda _: None)
    assert fake.calls == ["venv", "install", "download", "install"]
    assert interpreter == tmp_path / "tf-2.15-py3.11" / "bin" / "python"
    assert marker["versions"]["tensorflow"] == "2.15.1"
    assert json.loads((tmp_path / "tf-2.15-py3.11" / matrix.MARKER).read_text())["requirements"][0] == \
        "tensorflow==2.15.*"
    fake.calls.clear()
    matrix.ensure_env("2.15", tmp_path, python="/usr/bin/python3.11", log=lambda _: None)
    assert fake.calls == []


def test_offline_rebuild_needs_no_download(tmp_path, monkeypatch):
    fake = FakePip()
    fake.downloaded = True  # every wheel already in the folder
    monkeypatch.setattr(matrix.subprocess, "run", fake)
    matrix.ensure_env("2.19", tmp_path, python="/usr/bin/python3.11", numpy="1.26", log=lambda _: None)
    assert fake.calls == ["venv", "install"]
    assert (tmp_path / "tf-2.19-py3.11-numpy1.26" / matrix.MARKER).exists()


def test_a_build_that_fails_names_its_log(tmp_path, monkeypatch):
    fake = FakePip()
    monkeypatch.setattr(matrix.subprocess, "run", lambda c, **k: subprocess.CompletedProcess(c, 1) if "download" in
                        map(str, c) else fake(c, **k))
    with pytest.raises(matrix.MatrixError, match=r"tf-2\.15-py3\.11\.build\.log"):
        matrix.ensure_env("2.15", tmp_path, python="/usr/bin/python3.11", log=lambda _: None)


def test_worker_failure_becomes_an_error_result(tmp_path):
    entry = matrix.entries()[0]
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'no such TensorFlow' >&2\nexit 3\n")
    broken.chmod(0o755)
    result = matrix.run_in_env(broken, entry, "fashion-mnist", tmp_path / "out", 10, "2.15")
    assert result.status == "error" and "no such TensorFlow" in result.message


def test_unknown_name_is_one_line(capsys):
    with pytest.raises(SystemExit) as caught:
        matrix.main(["--names", "999_nothing", "--compare-only", "--out", "/nonexistent"])
    assert "999_nothing" in str(caught.value) and "reproductions list" in str(caught.value)


def test_compare_only_reads_each_release_and_finds_where_numbers_change(tmp_path):
    from reproductions.catalog import Reproduction

    entry = Reproduction(name="900_x", script="x.py", rtol=1e-3)
    trajectories = {"2.21": (1.0, 2.0, 3.0), "2.19": (1.0, 2.0, 3.0), "2.15": (1.0, 2.0001, 3.5)}
    for release, values in trajectories.items():
        _result({"loss": series(*values)}, name="900_x").save(matrix.results_path(tmp_path / f"tf-{release}", "900_x",
                                                                   "fashion-mnist"))
    cells, _ = matrix.matrix(["2.15", "2.19", "2.21"], [entry], "fashion-mnist", tmp_path, tmp_path / "envs",
                             sys.executable, rerun=False)
    by_release = {c.release: c for c in cells}
    assert by_release["2.21"].verdict == "reference"
    assert by_release["2.19"].verdict == "identical" and by_release["2.19"].same_as_newer is True
    old = by_release["2.15"]
    assert (old.verdict, old.first_differs, old.first_outside, old.worst_step) == ("outside", 2, 3, 3)
    assert old.same_as_newer is False and old.newer == "2.19" and old.newer_first_differs == 2
    assert matrix.changes(cells, ["2.15", "2.19", "2.21"]) == [("2.15", "2.19", ["900_x"]), ("2.19", "2.21", [])]
    assert not (tmp_path / "envs").exists()  # comparing builds nothing


def test_user_catalog_entries_take_part(tmp_path):
    from reproductions import catalog

    script = tmp_path / "mine.py"
    script.write_text("print('hello')\n")
    catalog.add(tmp_path / "catalog", "my_gan", script, steps=3)
    selected = matrix.entries(None, tmp_path / "catalog")
    assert [e.name for e in selected][-1] == "my_gan" and len(selected) == len(catalog.CATALOG) + 1
    assert matrix.comparison_steps(selected[-1]) == matrix.LENGTH_FACTOR * 3
    with pytest.raises(matrix.MatrixError, match="not_there"):
        matrix.entries(["not_there"], tmp_path / "catalog")


def test_missing_or_corrupt_results_become_error_cells(tmp_path):
    from reproductions.catalog import Reproduction

    entry = Reproduction(name="900_x", script="x.py")
    _result({"loss": series(1.0)}, name="900_x").save(matrix.results_path(tmp_path / "tf-2.21", "900_x",
                                                                          "fashion-mnist"))
    broken = matrix.results_path(tmp_path / "tf-2.19", "900_x", "fashion-mnist")
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    cells, _ = matrix.matrix(["2.17", "2.19", "2.21"], [entry], "fashion-mnist", tmp_path, tmp_path / "envs",
                             sys.executable, rerun=False)
    by_release = {c.release: c for c in cells}
    assert by_release["2.17"].verdict == "error" and "no result" in by_release["2.17"].note
    assert by_release["2.19"].verdict == "error" and str(broken) in by_release["2.19"].note

"""The harness under faults: each ends with one line naming the thing and what to do, and nothing already written is
lost. Signals to the harness end its training subprocess's whole process group; a second harness in one --out is
refused; `record` refuses a run that stopped early; a malformed baseline is an ERROR row while the others run;
`run` results never replace `check` results in the report."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO
from reproductions import baseline, catalog, execute
from test_user_entries import harness

# A TF1 training loop that stops after 4 updates with exit status 0, whatever --max-steps says.
FOUR_STEPS = textwrap.dedent("""
    import numpy as np
    import tensorflow as tf

    x = tf.placeholder(tf.float32, [None, 1])
    w = tf.Variable(1.0)
    loss = tf.reduce_mean(tf.square(w * x - 2.0))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    for step in range(4):
        sess.run([train, loss], {x: np.ones((3, 1))})
""")


def one_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in text, text
    return lines[0]


def _groups():
    """pid -> process group of every process on the machine (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found[int(stat.parent.name)] = int(fields[2])  # after "(comm)": state, ppid, pgrp
    return found


def _runner_of(marker, timeout=180):
    """(pid, pgid) of the runner subprocess whose command line contains ``marker``, once it has started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in text and "compat run" in text:
                pid = int(cmdline.parent.name)
                return pid, _groups().get(pid)
        time.sleep(0.5)
    raise AssertionError(f"no runner with {marker} started within {timeout} s")


def _gone(group, within):
    """Whether process group ``group`` is empty within ``within`` seconds (orphans are reaped by init, which may take
    a moment); a survivor is killed, so a failing test leaves no runner behind."""
    deadline = time.monotonic() + within
    while group in _groups().values():
        if time.monotonic() > deadline:
            os.killpg(group, signal.SIGKILL)
            return False
        time.sleep(0.2)
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_to_check_ends_the_training_process_group_and_says_so(tmp_path, sig):
    catalog.add(tmp_path / "reproductions.d", "hangs", FIXTURES / "hangs.py", steps=5)
    harness_process = subprocess.Popen(
        [sys.executable, "-m", "reproductions", "check", "hangs"], cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "2"})
    try:
        pid, group = _runner_of(str(tmp_path / "out" / "runs"))
        assert group == pid != harness_process.pid  # the runner leads a process group of its own
        harness_process.send_signal(sig)
        stdout, stderr = harness_process.communicate(timeout=60)
    finally:
        if harness_process.poll() is None:
            harness_process.kill()
    assert harness_process.returncode == 128 + sig
    line = one_line(stderr)
    assert f"stopped by {sig.name}" in line and f"ended hangs's training run (process group {group})" in line
    assert _gone(group, within=5), "a process of the training run's group survived the harness"


def test_a_harness_killed_outright_takes_its_training_run_with_it(tmp_path):
    catalog.add(tmp_path / "reproductions.d", "hangs", FIXTURES / "hangs.py", steps=5)
    harness_process = subprocess.Popen([sys.executable, "-m", "reproductions", "check", "hangs"], cwd=tmp_path,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        pid, group = _runner_of(str(tmp_path / "out" / "runs"))
    finally:
        harness_process.kill()  # SIGKILL: no handler runs, the kernel tells the runner
        harness_process.wait()
    assert _gone(group, within=10), "the training run outlived its killed harness"


def test_a_second_harness_in_one_out_is_refused_and_a_dead_holders_lock_taken_over(tmp_path):
    out = tmp_path / "out"
    with execute.OutLock(out):
        busy = harness("--out", out, "report", cwd=tmp_path, timeout=120)
    assert busy.returncode != 0
    assert f"is in use by another harness (pid {os.getpid()})" in one_line(busy.stderr)

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / execute.OutLock.NAME).write_text(f"{dead.pid}\n")  # a harness killed before it could release
    taken = harness("--out", out, "report", cwd=tmp_path, timeout=120)
    assert f"was left by pid {dead.pid}, which no longer holds it: taken over" in taken.stdout
    assert "Traceback" not in taken.stderr


def test_results_are_written_through_a_temporary_name_of_their_own(tmp_path, monkeypatch):
    replaced = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda src, dst: (replaced.append(Path(src)), real_replace(src, dst)))
    target = tmp_path / "results" / "demo.fashion-mnist.json"
    for status in ("ok", "error"):  # two writers of one result file
        execute.RunResult("demo", "fashion-mnist", 1, "smoke", status=status).save(target)
    assert len(set(replaced)) == 2 and all(p.parent == target.parent for p in replaced)
    assert execute.RunResult.load(target).status == "error" and list(target.parent.iterdir()) == [target]


@pytest.mark.parametrize("text, problem", [
    ('{"name": ', "Expecting value"),
    ('[1, 2]', "a JSON list, not an object"),
    ('{"name": "demo", "dataset": "fashion-mnist", "seed": 1, "mode": "smoke", "colour": "red"}', "colour"),
    ('{"name": "demo", "dataset": "fashion-mnist", "seed": 1, "mode": "smoke", "steps": "4"}',
     'steps must be int, got "4"'),
    ('{"name": "demo", "dataset": "fashion-mnist", "seed": 1, "mode": "smoke", "losses": {"d": [[1, "x"]]}}',
     "loss series 'd': each point must be"),
], ids=["truncated", "list", "unknown-key", "steps-string", "string-loss"])
def test_a_corrupt_results_file_is_named_in_one_line(tmp_path, text, problem):
    path = tmp_path / "demo.fashion-mnist.json"
    path.write_text(text)
    with pytest.raises(execute.ResultsError) as error:
        execute.RunResult.load(path)
    message = one_line(str(error.value))
    assert message.startswith(f"corrupt results file {path} (") and problem in message, message


# --- baselines against their schema ---------------------------------------------------------------------------
GOOD = {"format": 1, "reproduction": "demo", "dataset": "fashion-mnist", "seed": 1, "steps": 2,
        "environment": {"tensorflow": "2.21.0"}, "shapes": {"generator": [4, 2], "probe": "unavailable: gone"},
        "variables": [["w:0", [2]]], "losses": {"d_loss": [[1, 0.5], [2, "nan"]]}}


@pytest.mark.parametrize("change, problem", [
    ({"losses": [[[1, 0.5]]]}, "losses must be an object"),
    ({"losses": None}, "losses must be an object"),
    ({"losses": {"d_loss": [[1, "0.5"]]}}, "loss series 'd_loss': each point must be [integer step"),
    ({"losses": {"d_loss": [[1.5, 0.5]]}}, "loss series 'd_loss': each point must be [integer step"),
    ({"losses": {"d_loss": None}}, "loss series 'd_loss' must be a list"),
    ({"steps": "20"}, "steps must be an integer, got '20'"),
    ({"steps": True}, "steps must be an integer"),
    ({"shapes": {"generator": ["4", 2]}}, "shape of 'generator' must be a list of integers"),
    ({"variables": [["w:0", "2"]]}, "each variable must be [name, shape]"),
    ({"variables": {"w:0": [2]}}, "variables must be a list"),
    ({"environment": ["tf"]}, "environment must be an object of strings"),
], ids=["losses-list", "losses-null", "string-loss", "float-step", "series-null", "steps-string", "steps-bool",
        "shape-string", "variable-shape", "variables-object", "environment-list"])
def test_a_baseline_of_the_wrong_structure_is_named_with_its_problem(tmp_path, change, problem):
    path = tmp_path / "demo" / "baselines" / "fashion-mnist.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**GOOD, **change}))
    with pytest.raises(baseline.BaselineError) as error:
        baseline.load(path)
    message = one_line(str(error.value))
    assert message.startswith(f"malformed baseline {path}: {problem}"), message
    assert "python -m reproductions record demo" in message


def test_the_schema_accepts_what_record_writes(tmp_path):
    path = tmp_path / "b.json"
    path.write_text(json.dumps(GOOD))
    assert baseline.load(path)["losses"]["d_loss"][1] == [2, "nan"]
    baseline.write(GOOD, path)
    assert baseline.load(path) == GOOD


@pytest.mark.parametrize("entry", catalog.CATALOG, ids=lambda e: e.name)
def test_the_restore_hint_names_a_tracked_file_from_the_repository_root(tmp_path, entry):
    path = entry.baseline_path("fashion-mnist")
    hint = baseline._restore(path)
    command = hint.split("`")[1]
    assert command.startswith("git checkout -- ") and "from the repository root" in hint
    tracked = subprocess.run(["git", "ls-files", "--error-unmatch", command.split(" -- ")[1]], cwd=REPO,
                             capture_output=True, text=True)
    assert tracked.returncode == 0, tracked.stderr
    outside = tmp_path / "mine" / "baselines" / "fashion-mnist.json"  # a user catalog outside the repository
    assert "git" not in baseline._restore(outside) and "record mine" in baseline._restore(outside)


# --- whole commands on a small script -------------------------------------------------------------------------
@pytest.fixture
def four_steps(tmp_path):
    script = tmp_path / "four_steps.py"
    script.write_text(FOUR_STEPS)
    return script


def test_record_refuses_a_run_that_stopped_early_and_keeps_the_baseline(tmp_path, four_steps):
    entry = catalog.add(tmp_path / "reproductions.d", "early", four_steps, steps=20)
    target = entry.baseline_path("fashion-mnist")
    baseline.write({**GOOD, "steps": 20}, target)
    before = target.read_bytes()
    done = harness("record", "early", cwd=tmp_path)
    assert done.returncode == 1
    line = [line for line in done.stdout.splitlines() if line.startswith("early:")]
    assert len(line) == 1 and "NOT recorded — the run stopped after 4 of 20 steps with exit status 0" in line[0]
    assert "left as it was" in line[0] and target.read_bytes() == before

    # a baseline folder that cannot be written: one line, nothing else touched
    (tmp_path / "reproductions.d" / "blocked").mkdir()
    (tmp_path / "reproductions.d" / "blocked" / "entry.json").write_text(json.dumps(
        {"script": str(four_steps), "smoke_steps": 4}))
    (tmp_path / "reproductions.d" / "blocked" / "baselines").write_text("")  # a file where its folder goes
    done = harness("record", "blocked", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    line = [line for line in done.stdout.splitlines() if line.startswith("blocked:")]
    assert len(line) == 1 and "NOT recorded — cannot write" in line[0], done.stdout


@pytest.mark.slow
def test_malformed_baseline_is_an_error_row_while_the_others_run_and_run_results_stay_apart(tmp_path, four_steps):
    for name in ("good", "bad"):
        catalog.add(tmp_path / "reproductions.d", name, four_steps, steps=4)
    assert harness("record", "good", "bad", cwd=tmp_path).returncode == 0
    bad = tmp_path / "reproductions.d" / "bad" / "baselines" / "fashion-mnist.json"
    data = json.loads(bad.read_text())
    bad.write_text(json.dumps({**data, "losses": list(data["losses"].values())}))

    checked = harness("check", "bad", "good", cwd=tmp_path)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    rows = {line.split()[0]: line for line in checked.stdout.splitlines() if line.startswith(("good ", "bad "))}
    assert "ERROR" in rows["bad"] and "malformed baseline" in rows["bad"] and "losses must be an object" in rows["bad"]
    assert "pass" in rows["good"]

    # a later `run` of good that fails is its own row: the check's row stays what the check found
    (tmp_path / "four_steps.py").write_text("raise RuntimeError('edited since the check')\n")
    assert harness("run", "good", cwd=tmp_path).returncode == 1
    reported = harness("report", cwd=tmp_path)
    assert reported.returncode == 0, reported.stderr
    rows = [line for line in reported.stdout.splitlines() if line.startswith("good")]
    assert rows[0].split()[:3] == ["good", "fashion-mnist", "pass"]
    assert rows[1].startswith("good (run smoke)") and "ERROR" in rows[1]
    assert "error: exit status 1: RuntimeError: edited since the check" in rows[1]  # as `check` words it
    figures = tmp_path / "out" / "report"
    assert (figures / "good.fashion-mnist.png").is_file() and (figures / "good.fashion-mnist.run.png").is_file()

    # a corrupt results file is an ERROR row naming it, the others still reported
    results = tmp_path / "out" / "results" / "check" / "bad.fashion-mnist.json"
    results.write_text('{"name": ')
    reported = harness("report", cwd=tmp_path)
    assert reported.returncode == 0 and "Traceback" not in reported.stderr
    row = [line for line in reported.stdout.splitlines() if line.startswith("bad ")][0]
    assert "ERROR" in row and f"corrupt results file {results.relative_to(tmp_path)}" in row
    assert any(line.startswith("good ") and " pass " in line for line in reported.stdout.splitlines())


def test_bad_input_is_one_line_never_a_traceback(tmp_path, four_steps):
    catalog.add(tmp_path / "reproductions.d", "gone", four_steps, steps=4)
    (tmp_path / "a-file").write_text("")
    wrong = tmp_path / "reproductions.d" / "wrongtypes"
    wrong.mkdir()
    cases = [(("--out", tmp_path / "a-file", "check", "gone"), "cannot use --out", "it is a file"),
             (("check", "--all", "gone"), "--all and names (gone) exclude each other", None),
             (("report", "--all", "gone"), "--all and names (gone) exclude each other", None),
             (("run", "--steps", "0", "gone"), "--steps must be at least 1, got 0", None),
             (("--catalog", tmp_path / "a-file", "list"), "is a file: give the folder of your entries", None),
             (("--catalog", tmp_path / "a-file", "add", "x", four_steps), "cannot write", "Not a directory"),
             (("add", "negative", four_steps, "--seed", "-1"), "--seed must be at least 0, got -1", None)]
    for args, message, more in cases:
        done = harness(*args, cwd=tmp_path, timeout=120)
        line = one_line(done.stderr)
        assert done.returncode != 0 and message in line and (more is None or more in line), line

    for text, message in (('{"script": "x.py", "args": 5}', '"args" must be a list of strings, got 5'),
                          ('{"script": "x.py", "smoke_steps": "20"}', '"smoke_steps" must be an integer >= 1'),
                          (b"\xff\xfe", "cannot read")):
        (wrong / "entry.json").write_bytes(text if isinstance(text, bytes) else text.encode())
        done = harness("list", cwd=tmp_path, timeout=120)
        line = one_line(done.stderr)
        assert done.returncode != 0 and "wrongtypes" in line and message in line, line
    (wrong / "entry.json").unlink()

    four_steps.unlink()  # a user entry whose script was deleted: an ERROR row saying so
    done = harness("check", "gone", cwd=tmp_path, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"no script {four_steps}: restore it" in done.stdout

    (tmp_path / "out" / "report").write_text("")  # where the report's folder should be
    done = harness("report", cwd=tmp_path, timeout=120)
    line = one_line(done.stderr)
    assert done.returncode != 0 and "cannot write the report in out/report: it is a file" in line, line
    assert not (tmp_path / "reproductions.d" / "negative").exists()  # a refused `add` leaves nothing behind


def test_report_figures_get_the_checks_verdict_and_the_entrys_own_tolerance(tmp_path, monkeypatch):
    from reproductions import __main__ as cli
    from reproductions import report

    drawn = {}
    monkeypatch.setattr(report, "figure", lambda result, recorded, path, **kw: drawn.setdefault(result.name, kw))
    monkeypatch.setattr(report, "index", lambda rows, figures, path: None)
    rows = []
    for entry in catalog.CATALOG:
        result = execute.RunResult(entry.name, "fashion-mnist", entry.seed, "smoke")
        rows.append((result, baseline.Verdict(entry.name, "FAIL", "envelope", details=["d_loss: left"])))
    cli.write_report(rows, tmp_path, catalog.CATALOG)
    for (result, verdict), entry in zip(rows, catalog.CATALOG):
        assert drawn[entry.name]["verdict"] is verdict
        assert drawn[entry.name]["rtol"] == json.loads((entry.folder / "entry.json").read_text()).get("rtol", 1e-3)
    assert {drawn[name]["rtol"] for name in ("000_infogan_gan", "001_dcgan_generator")} == {1e-2}

"""Run one reproduction through the compat runner, in its own subprocess and working directory, and collect what it
recorded: every step's losses, the trainable variables, the output shapes, its newest sample grid.

Working directories live under ``OUT/runs/<dataset>/<reproduction>/<mode>/`` (two levels below a per-dataset
folder, so a script's ``../../MNIST_data`` stays inside OUT and apart per dataset). A smoke run starts from an empty
folder; a full run keeps its folder, so a script that checkpoints can resume. One harness at a time works in an
OUT folder (:class:`OutLock`), and the training subprocess never outlives the harness: it runs in a process group
of its own, which :func:`run` ends when the harness is stopped (SIGTERM, Ctrl-C) or the run times out.
"""
import ctypes
import errno
import fcntl
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from compat import record as records
from reproductions.atomic import write_atomically
from reproductions.catalog import REPO

SAMPLES_DIR = "samples-by-step"  # a full run's checkpoint samples, in its working directory
IDX_FILES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


@dataclass
class RunResult:
    name: str
    dataset: str
    seed: int
    mode: str
    kind: str = "check"  # the command that made it: "check" or "run" (saved apart: OUT/results/<kind>/)
    status: str = "ok"  # "ok", "error", "timeout", "no data"
    message: str = ""
    steps: int = 0
    losses: dict = field(default_factory=dict)  # series -> [[step, value], ...]
    variables: list = field(default_factory=list)  # [[name, shape], ...]
    shapes: dict = field(default_factory=dict)
    samples: str = None  # newest sample grid written by the script
    quality: dict = field(default_factory=dict)  # full runs: reproductions.quality.trajectory of its checkpoints
    seconds: float = 0.0
    workdir: str = ""
    log: str = ""

    @property
    def ok(self):
        return self.status == "ok"

    def first_nonfinite(self):
        hits = [(step, series, value) for series, points in self.losses.items() for step, value in points
                if not math.isfinite(float(value))]
        return min(hits) if hits else None

    def save(self, path):
        """Write atomically, through a temporary file of this writer's own beside ``path``."""
        write_atomically(path, json.dumps(self.__dict__, indent=1))

    @classmethod
    def load(cls, path):
        """The result saved at ``path``.

        Raises:
          ResultsError: the file is unreadable, not JSON, or not a saved result (one line naming it).
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise TypeError(f"a JSON {type(data).__name__}, not an object")
            result = cls(**data)
            problem = _type_problem(result)
            if problem:
                raise TypeError(problem)
            return result
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as error:
            raise ResultsError(f"corrupt results file {path} ({error}): delete it, or run the check again to "
                               "replace it") from None


def _type_problem(result):
    """The first field of a loaded :class:`RunResult` of the wrong type, said in words, or None. Its losses,
    variables and shapes follow a baseline's schema (``baseline.schema_problem``)."""
    from reproductions import baseline

    for spec in fields(result):
        value = getattr(result, spec.name)
        if value is None and spec.default is None:
            continue
        kinds = (int, float) if spec.type is float else spec.type
        if not isinstance(value, kinds) or isinstance(value, bool):
            return f"{spec.name} must be {spec.type.__name__}, got {json.dumps(value)[:60]}"
    return baseline.schema_problem({"format": baseline.FORMAT, "environment": {}, "steps": result.steps,
                                    "shapes": result.shapes, "variables": result.variables, "losses": result.losses})


class ResultsError(Exception):
    """A saved result that cannot be read back; the message names the file and what to do."""


class OutBusy(Exception):
    """Another harness holds the OUT folder; the message names its pid."""


class OutLock:
    """One harness at a time in an OUT folder: two runs into one folder would delete each other's working
    directories and overwrite each other's results.

    The lock is an ``flock`` on ``OUT/.lock``, which holds the holder's pid. The kernel drops the lock when its
    holder exits however it exits, so a lock left by a killed harness is never in the way; its pid, still in the
    file, is reported when the next run takes the folder over. The file itself stays (emptied on a clean release):
    removing it could let two runs lock two different files of one name.
    """

    NAME = ".lock"

    def __init__(self, out):
        self.path = Path(out) / self.NAME
        self.handle = None
        self.stale = None  # the pid of a holder that died without releasing, when taken over

    def acquire(self):
        """Take the lock.

        Raises:
          OutBusy: another live harness holds it.
          OSError: OUT cannot be created or written.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.pread(handle, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(handle)
            if error.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise OutBusy(f"{self.path.parent} is in use by another harness (pid {holder}): wait for it to "
                              "finish, or give another --out") from None
            raise
        left = os.pread(handle, 64, 0).decode(errors="replace").strip()
        self.stale = int(left) if left.isdigit() and int(left) != os.getpid() else None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        self.handle = handle
        return self

    def release(self):
        if self.handle is not None:
            os.ftruncate(self.handle, 0)
            os.close(self.handle)  # closing drops the flock
            self.handle = None

    def __enter__(self):
        return self if self.handle is not None else self.acquire()

    def __exit__(self, *exc):
        self.release()


def prepare_idx(dataset, target, out):
    """The four IDX files of ``dataset`` in ``target`` (links to one verified copy under OUT), for scripts that read
    them from a folder of their own (like the upstream collection of seed 000)."""
    from compat import dataset_files, input_data

    store = Path(out) / "runs" / dataset / "idx"
    url = input_data._SOURCE_URL_FOR[dataset]
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in IDX_FILES:
        source = Path(dataset_files.maybe_download(name, str(store), url, dataset=dataset))
        link = target / name
        if not link.exists():
            link.symlink_to(source.resolve())


def runner_environment():
    """The environment of a runner subprocess: this repository importable (``compat``, the samplers), no plotting
    window, TensorFlow's start-up chatter off."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "MPLBACKEND": "Agg"}


class ResumeError(Exception):
    """A full run that cannot be resumed; the message says why and what to do."""


def resume_point(entry, record, samples):
    """Prepare an interrupted full run's folder for resuming and return the step to count on from.

    The runner notes each ``tf.train.Saver.save`` in the record (``{"checkpoint": {"step": k}}``); the script,
    started again with ``entry.resume_args``, restores the newest checkpoint, which holds the weights after ``k``
    steps. Everything recorded after ``k`` (losses, samples) belongs to the lost part of the run and is dropped, so
    the resumed run's record continues the old one without a gap or a repeated step. (The script's data order does
    not resume: it reshuffles from its seed, as the script itself does when restarted.)
    """
    if entry.resume_args is None:
        raise ResumeError(f"{entry.name} keeps no checkpoint it can reload: run it again without --resume")
    if not Path(record).exists():
        raise ResumeError(f"nothing to resume: no record of an earlier full run at {record}")
    kept, _ = records.events(record)
    step = max((e["checkpoint"]["step"] for e in kept if "checkpoint" in e), default=0)
    if step == 0:
        raise ResumeError(f"the earlier run saved no checkpoint after training began (see {record}): run it again "
                          "without --resume")
    kept = [e for e in kept if ("step" in e and e["step"] <= step) or
            ("checkpoint" in e and e["checkpoint"]["step"] <= step)]
    write_atomically(record, "".join(json.dumps(e) + "\n" for e in kept))
    for path in Path(samples).glob("step-*.npz"):
        if int(path.stem.split("-")[1]) > step:
            path.unlink()
    return step


def parse_record(path, result):
    """Fill ``result`` from the runner's record (read by :func:`compat.record.read`)."""
    record = records.read(path)
    result.losses = record.series()
    result.steps = record.last_step
    result.variables = record.variables
    result.shapes = record.shapes


def runner_command(entry, dataset, record, steps=None, seed=None, options=(), resume=False, deterministic=True,
                   launcher=None):
    """The one command line that runs ``entry``'s script under the compat runner (every run of a reproduction,
    by the harness, the equivalence check and the benchmarks, is started from it).

    Args:
      entry: a catalog :class:`~reproductions.catalog.Reproduction`.
      dataset: what the runner's MNIST source serves, and the script's ``{dataset}`` arguments.
      record: the ``--record`` file.
      steps: ``--max-steps`` (None: the script's own length).
      seed: ``--seed`` (default: the entry's).
      options: further runner options (``--dump-weights F``, ``--sampler ...``, ``--resume-at-step K``, ``--xla``).
      resume: append the entry's ``resume_args`` (the script restores its last checkpoint).
      deterministic: ``--deterministic`` (TensorFlow op determinism; the timing benchmark leaves it off).
      launcher: the command before the runner's ``run`` arguments (default ``python -m compat``).
    """
    command = [*(launcher or (sys.executable, "-m", "compat")), "run",
               "--seed", str(entry.seed if seed is None else seed), *(["--deterministic"] if deterministic else []),
               "--dataset", dataset, "--record", str(record), *map(str, options)]
    if steps:
        command += ["--max-steps", str(steps)]
    for label, expression in entry.shapes.items():
        command += ["--record-shape", f"{label}={expression}"]
    command += [str(entry.script_path), *entry.script_args(dataset)]
    if resume:
        command += list(entry.resume_args)
    return command


def run(entry, dataset, out, mode="smoke", timeout=None, env=None, steps=None, resume=False):
    """Run ``entry`` on ``dataset``; never raises for the script's own failures (they become the result's status).

    A full run also dumps generator samples at the entry's checkpoints (``samples-by-step/step-<k>.npz``) for
    :mod:`reproductions.quality`. ``steps`` overrides the length (default: smoke_steps, or full_steps / the
    script's own length). ``resume``: continue an interrupted full run from the last ``tf.train.Saver``
    checkpoint its record notes (see :func:`resume_point`), keeping what it recorded up to there.
    """
    out = Path(out).resolve()
    workdir = out / "runs" / dataset / entry.name / mode
    if not entry.script_path.is_file():
        return RunResult(entry.name, dataset, entry.seed, mode, status="error",
                         message=f"no script {entry.script_path}: restore it, or fix \"script\" in "
                                 f"{entry.folder / 'entry.json' if entry.folder else 'its entry'}")
    if mode == "smoke" and workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    result = RunResult(entry.name, dataset, entry.seed, mode, workdir=str(workdir), log=str(workdir / "run.log"))
    timeout = timeout or (entry.timeout if mode == "smoke" else None)  # a full run may take hours
    started = time.perf_counter()
    if entry.idx_dir:
        try:
            prepare_idx(dataset, workdir / entry.idx_dir.format(dataset=dataset), out)
        except OSError as error:  # DatasetUnavailableError and plain I/O failures
            result.status, result.message = "no data", str(error)
            return result
    record = workdir / "record.jsonl"
    first_step = 0
    if resume:
        try:
            first_step = resume_point(entry, record, workdir / SAMPLES_DIR)
        except ResumeError as error:
            result.status, result.message = "error", str(error)
            return result
    steps = steps or (entry.smoke_steps if mode == "smoke" else entry.full_steps)
    options = ["--resume-at-step", str(first_step)] if first_step else []
    if mode == "full" and entry.sampler:
        if not first_step:
            shutil.rmtree(workdir / SAMPLES_DIR, ignore_errors=True)  # a trajectory belongs to one run
        options += ["--sampler", entry.sampler, "--sample-every", str(entry.checkpoint_every),
                    "--samples-dir", str(workdir / SAMPLES_DIR)]
    command = runner_command(entry, dataset, record, steps=steps, options=options, resume=bool(first_step))
    environment = {**runner_environment(), **(env or {})}
    with open(result.log, "a" if first_step else "w", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n")
        log.flush()
        process = None
        try:
            process = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env=environment,
                                       start_new_session=True, preexec_fn=_ended_with_harness())
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            end_group(process, grace=0)
            code = None
        except BaseException as stop:  # SIGTERM/Ctrl-C in the harness: its run must not go on writing without it
            if process is not None:
                end_group(process)
                stop.add_note(f"ended {entry.name}'s training run (process group {process.pid}); what it recorded "
                              f"is in {workdir}")
            raise
    result.seconds = round(time.perf_counter() - started, 2)
    parse_record(record, result)
    if code is None:
        result.status = "timeout"
        result.message = f"no exit after {timeout} s (hung?); last recorded step {result.steps}"
    elif code != 0:
        result.status = "error"
        result.message = f"exit status {code}: {_last_error_line(result.log)} (log: {result.log})"
    if first_step and result.ok:
        result.message = f"resumed at step {first_step} (seconds: this part only)"
    nonfinite = result.first_nonfinite()
    if nonfinite and result.ok:
        step, series, value = nonfinite
        result.status, result.message = "error", f"non-finite loss {series} = {value} at step {step}"
    grids = sorted(workdir.glob(entry.samples), key=lambda p: (p.stat().st_mtime, p.name))
    result.samples = str(grids[-1]) if grids else None
    return result


def _ended_with_harness():
    """What the child runs before the runner starts: ask the kernel to SIGTERM it when the harness dies, even by
    SIGKILL, which the harness cannot answer by ending the group itself (Linux ``prctl(PR_SET_PDEATHSIG)``; None
    elsewhere). ``prctl`` is looked up here, in the harness, so the forked child only calls it."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(1, int(signal.SIGTERM))  # 1: PR_SET_PDEATHSIG


def end_group(process, grace=5.0):
    """End ``process`` and everything in its process group (TensorFlow may have spawned helpers): SIGTERM first,
    so the runner can write its record's end line, then SIGKILL after ``grace`` seconds for whatever is left."""
    if grace:
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process.pid, signal.SIGKILL)
    process.wait()


def _signal_group(group, sig):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:  # the group is already gone
        pass


def _last_error_line(log):
    lines = [line.strip() for line in Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    for line in reversed(lines):
        if not line.startswith(("WARNING", "I0000", "E0000", "W0000")):
            return line
    return "no output"

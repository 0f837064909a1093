"""Run one reproduction through the compat runner, in its own subprocess and working directory, and collect what it
recorded: every step's losses, the trainable variables, the output shapes, its newest sample grid.

Working directories live under ``OUT/runs/<dataset>/<reproduction>/<mode>/`` (two levels below a per-dataset
folder, so a script's ``../../MNIST_data`` stays inside OUT and apart per dataset). A smoke run starts from an empty
folder; a full run keeps its folder, so a script that checkpoints can resume.
"""
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from compat import record as records
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
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.__dict__, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path):
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


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
            "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "2"}


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
    tmp = Path(record).with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(e) + "\n" for e in kept), encoding="utf-8")
    os.replace(tmp, record)
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
        process = subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env=environment,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the whole group: TF may have spawned helpers
            process.wait()
            code = None
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


def _last_error_line(log):
    lines = [line.strip() for line in Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip()]
    for line in reversed(lines):
        if not line.startswith(("WARNING", "I0000", "E0000", "W0000")):
            return line
    return "no output"

"""The reproductions: one folder each, found by looking. Everything else in the harness reads these entries.

A reproduction is a folder named after it, holding everything it is:

- ``entry.json`` — which script reproduces what and how to run it: ``script`` (relative to the repository root,
  or absolute), its own flags ``args`` (``"{dataset}"`` is replaced by the dataset's name), ``seed``, the lengths
  of a smoke check (``smoke_steps``) and a full run (``full_steps``, null: the script's own), ``shapes`` to record
  (label -> expression in the script's globals at the end), where it leaves its sample ``samples`` (a glob in its
  working directory), ``idx_dir`` (where it reads the four IDX files itself), ``timeout`` of a smoke run (seconds),
  the loss envelope ``rtol`` across machines (``baseline.py``), the ``sampler`` and ``checkpoint_every`` of a full
  run, ``resume_args`` (the flags that make it restore its last Saver checkpoint; absent: it cannot resume), the
  seed ``article``, a ``summary``, the benchmark's ``benchmark_steps`` (warm-up, timed) and ``why`` (the reason
  behind a number, by key);
- ``baselines/<dataset>.json`` — its recorded smoke runs (``baseline.py``);
- ``sampler.py`` (optional) — ``draw(script, session)``, what its generator draws at a checkpoint
  (``sampling.py``);
- ``port.py`` (optional) — its modern TensorFlow 2.21 port with the replay of the legacy data and noise order,
  its ``TOLERANCE`` and its ``MISTAKES`` (``equivalence.py``).

Built-in reproductions are the folders of this package (``reproductions/000_infogan_gan/`` ...: importable as
``reproductions.000_infogan_gan.port``). A user's own scripts live in a *user catalog*, a folder outside the
package (default ``./reproductions.d/``, or ``--catalog DIR``): ``python -m reproductions add NAME SCRIPT`` writes
``NAME/entry.json`` there, and its baselines go beside it. Both kinds are entries of one kind.
"""
import importlib
import json
import re
from dataclasses import dataclass, field, fields
from pathlib import Path

from reproductions.atomic import write_atomically

PACKAGE = Path(__file__).resolve().parent
REPO = PACKAGE.parent
USER_CATALOG = Path("reproductions.d")  # relative to the working directory
ENTRY_FILE = "entry.json"
DATASETS = ("fashion-mnist", "mnist")
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class CatalogError(Exception):
    """An entry that cannot be read or added; the message names it and says what to do."""


@dataclass(frozen=True)
class Reproduction:
    name: str
    script: str  # relative to the repository root, or absolute
    summary: str = ""
    article: str = None  # seed file in ../shared/seeds/
    args: tuple = ()
    seed: int = 1
    smoke_steps: int = 20  # training updates (see compat.steps) for `check`
    full_steps: int = None  # None: the script's own length
    shapes: dict = field(default_factory=dict)
    samples: str = "**/*.png"
    idx_dir: str = None
    timeout: int = 600  # seconds a smoke run may take before it counts as hung
    rtol: float = 1e-3  # loss envelope across machines (reproductions/baseline.py says how it was measured)
    sampler: str = None  # "module:function" drawing generator samples at checkpoints
    checkpoint_every: int = None  # steps between quality checkpoints in a full run: the script's own cadence
    resume_args: tuple = None  # None: it keeps no checkpoint it can reload, so an interrupted full run starts over
    benchmark_steps: tuple = None  # (warm-up, timed) steps of benchmarks/bench_legacy_vs_modern.py
    why: dict = field(default_factory=dict)  # key -> the reason for its value
    folder: Path = None  # the entry's folder: entry.json, baselines/, sampler.py, port.py

    @property
    def script_path(self):
        return Path(self.script) if Path(self.script).is_absolute() else REPO / self.script

    def script_args(self, dataset):
        """The script's own command-line arguments for ``dataset``."""
        return [a.format(dataset=dataset) for a in self.args]

    def baseline_path(self, dataset):
        return self.folder / "baselines" / f"{dataset}.json"

    @property
    def built_in(self):
        return self.folder is not None and self.folder.parent == PACKAGE

    @property
    def has_port(self):
        return self.built_in and (self.folder / "port.py").exists()

    def port(self):
        """The modern port's module (``reproductions.<name>.port``; imported on first use: each imports Keras 3)."""
        if not self.has_port:
            raise CatalogError(f"{self.name} has no modern port ({self.folder}/port.py)")
        return importlib.import_module(f"reproductions.{self.name}.port")


_FIELDS = {f.name for f in fields(Reproduction)} - {"name", "folder"}
_TUPLES = ("args", "resume_args", "benchmark_steps")


def _strings(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _string_map(value):
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _whole(value, least):
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


# What each key of entry.json must hold (null is allowed where the field's default is None), and how to say it.
_TYPES = {"script": (lambda v: isinstance(v, str), "a path"),
          "summary": (lambda v: isinstance(v, str), "a string"),
          "article": (lambda v: isinstance(v, str), "a string"),
          "args": (_strings, "a list of strings"),
          "seed": (lambda v: _whole(v, 0), "an integer >= 0"),
          "smoke_steps": (lambda v: _whole(v, 1), "an integer >= 1"),
          "full_steps": (lambda v: _whole(v, 1), "an integer >= 1"),
          "shapes": (_string_map, "an object of label -> expression"),
          "samples": (lambda v: isinstance(v, str), "a glob"),
          "idx_dir": (lambda v: isinstance(v, str), "a folder"),
          "timeout": (_number, "seconds > 0"),
          "rtol": (_number, "a number > 0"),
          "sampler": (lambda v: isinstance(v, str) and ":" in v, "\"module:function\""),
          "checkpoint_every": (lambda v: _whole(v, 1), "an integer >= 1"),
          "resume_args": (_strings, "a list of strings"),
          "benchmark_steps": (lambda v: isinstance(v, list) and len(v) == 2 and all(_whole(n, 0) for n in v),
                              "[warm-up, timed] steps"),
          "why": (_string_map, "an object of key -> reason")}


def _type_problem(data):
    """The first key of an entry's ``data`` whose value has the wrong type, said in words, or None."""
    for key, value in data.items():
        valid, what = _TYPES[key]
        if not (valid(value) or (value is None and getattr(Reproduction, key, 0) is None)):
            return f"\"{key}\" must be {what}, got {json.dumps(value)[:80]}"
    return None


def load_entry(folder):
    """The :class:`Reproduction` described by ``folder/entry.json`` (the folder's name is its name)."""
    folder = Path(folder)
    path = folder / ENTRY_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogError(f"cannot read {path}: {error}; fix or remove that folder") from None
    if not isinstance(data, dict) or not isinstance(data.get("script"), str):
        raise CatalogError(f"{path} needs an object with a \"script\" path; fix or remove that folder")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise CatalogError(f"{path}: unknown key(s) {unknown}; known: {sorted(_FIELDS)}")
    problem = _type_problem(data)
    if problem:
        raise CatalogError(f"{path}: {problem}; fix it")
    for key in _TUPLES:
        if data.get(key) is not None:
            data[key] = tuple(data[key])
    return Reproduction(name=folder.name, folder=folder, **data)


def _folders(parent):
    return sorted(p for p in Path(parent).iterdir() if (p / ENTRY_FILE).is_file()) if Path(parent).is_dir() else []


def built_in():
    """The reproductions shipped with this package, by folder name."""
    return tuple(load_entry(folder) for folder in _folders(PACKAGE))


def select(known, names):
    """The entries of ``known`` named in ``names`` (all of them when none is named), in the order named.

    Raises:
      CatalogError: a name that is no entry, naming it and the command that lists the names.
    """
    if not names:
        return list(known)
    by_name = {entry.name: entry for entry in known}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise CatalogError(f"unknown reproduction(s) {unknown}; `python -m reproductions list` shows the names")
    return [by_name[n] for n in names]


def entries(user_catalog=None):
    """Every reproduction: the built-in ones, then those of ``user_catalog`` (default ``./reproductions.d/``)."""
    if user_catalog is not None and Path(user_catalog).exists() and not Path(user_catalog).is_dir():
        raise CatalogError(f"--catalog {user_catalog} is a file: give the folder of your entries")
    user = [load_entry(folder) for folder in _folders(USER_CATALOG if user_catalog is None else user_catalog)]
    clash = sorted({e.name for e in user} & set(BY_NAME))
    if clash:
        where = Path(user_catalog or USER_CATALOG)
        raise CatalogError(f"user entr{'ies' if len(clash) > 1 else 'y'} {clash} in {where} share a built-in "
                           "reproduction's name: rename the folder(s)")
    return [*CATALOG, *user]


def entry_text(data):
    """entry.json's text: one key per line, the ``shapes`` and ``why`` mappings one item per line."""
    lines = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            inner = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            lines.append(f" {json.dumps(key)}: {{\n{inner}\n }}")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def add(user_catalog, name, script, args=(), steps=None, seed=1):
    """Register ``script`` as the user entry ``name`` in ``user_catalog``; returns the new :class:`Reproduction`.

    Args:
      user_catalog: the user catalog folder (created if missing); never a folder inside this package.
      name: letters, digits, ``_`` and ``-`` (a folder and file name), not a built-in's or an existing entry's.
      script: an existing Python file; stored as an absolute path.
      args: the script's own arguments.
      steps: training steps of a smoke run (``record`` and ``check``; default 20).
      seed: the runner's ``--seed``.

    Raises:
      CatalogError: with one line naming what is wrong.
    """
    user_catalog = Path(user_catalog).resolve()
    if not NAME.fullmatch(name):
        raise CatalogError(f"bad name {name!r}: use 1-64 letters, digits, '_' or '-', starting with a letter or digit")
    if name in BY_NAME:
        raise CatalogError(f"{name!r} is a built-in reproduction: choose another name")
    if user_catalog == PACKAGE or PACKAGE in user_catalog.parents:
        raise CatalogError(f"--catalog {user_catalog} is inside the installed package: choose a folder of your own")
    script = Path(script).resolve()
    if not script.is_file():
        raise CatalogError(f"no script {script}: give the path of an existing Python file")
    folder = user_catalog / name
    if folder.exists():
        raise CatalogError(f"{name!r} is already in {user_catalog} ({folder / ENTRY_FILE}): choose another name, or "
                           "remove that folder first")
    if steps is not None and steps < 1:
        raise CatalogError(f"--steps must be at least 1, got {steps}")
    if seed < 0:
        raise CatalogError(f"--seed must be at least 0, got {seed}")
    data = {"summary": f"your script {script.name}", "script": str(script), "args": list(args), "seed": seed,
            "smoke_steps": steps or Reproduction.smoke_steps, "rtol": Reproduction.rtol}
    try:
        folder.mkdir(parents=True)
        write_atomically(folder / ENTRY_FILE, entry_text(data))
    except OSError as error:
        raise CatalogError(f"cannot write {folder / ENTRY_FILE}: {error.strerror or error}; give --catalog a "
                           "folder you can write") from None
    return load_entry(folder)


CATALOG = built_in()
BY_NAME = {entry.name: entry for entry in CATALOG}

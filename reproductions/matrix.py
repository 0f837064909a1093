"""``python -m reproductions.matrix --tf 2.15,2.17,2.19,2.21``: every reproduction on several TensorFlow releases.

One virtualenv per release — ``tensorflow==X.*`` with the matching ``tf_keras==X.*`` and the rest of
``pyproject.toml``'s dependencies (NumPy as that TensorFlow allows, or ``--numpy``), plus pytest — built once from
PyPI under ``--envs`` (default ``~/.cache/tf1compat/matrix``) and rebuilt offline after that: the wheels stay in
``ENVS/wheels``. The repository is imported from its checkout (``PYTHONPATH``), never installed into them.

In each environment every reproduction of the catalog runs at a comparison length, ``LENGTH_FACTOR`` times its
smoke length (hundreds of steps: a difference in the last bit grows through training until it shows), and its loss
trajectories are compared step by step with the newest release's run, the reference:

- **identical**: every loss at every step equal bit for bit;
- **within envelope**: ``|got - ref| <= ATOL + rtol * |ref|`` at every step — the harness's cross-machine rule
  (``reproductions/baseline.py``) with the reproduction's own ``rtol``;
- **outside**: some step leaves the envelope (the table gives the first such step, the first step that is not
  identical, and the largest deviation with its step); other trainable variables or output shapes count as outside;
- **error**: the run failed, or it recorded other steps or loss series than the reference.

It prints the table and draws ``OUT/matrix.png`` (a release x reproduction grid of verdicts, and per reproduction
each release's deviation from the reference, in envelopes, against the step); ``OUT/matrix.json`` keeps the cells.
Per-release baselines of the comparison-length runs are written only with ``--record-baselines``
(``reproductions/baselines/matrix/tf-X.Y/<name>.<dataset>.json``); when one exists, that release's run is also
checked against it (same machine, same release: bit for bit).

``python -m reproductions.matrix tests --tf 2.15,2.21 [-- PYTEST ARGS]`` runs the project's own tests in each
environment (default: every test not marked slow). ``python -m reproductions.matrix run-one NAME --out DIR --steps
N`` is the half of the matrix that runs inside an environment.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reproductions import baseline, catalog, execute

RELEASES = ("2.15", "2.16", "2.17", "2.18", "2.19", "2.20", "2.21")  # the supported range (pyproject.toml)
LENGTH_FACTOR = 40  # comparison length = 40 x the smoke length: smoke lengths are set by cost (~seconds each)
ENVS = Path.home() / ".cache" / "tf1compat" / "matrix"
MARKER = "matrix-env.json"  # in each environment: what it was built from and what it holds
REPORTED_PACKAGES = ("tensorflow", "tf_keras", "numpy", "tf_slim")
VERDICTS = ("identical", "within envelope", "outside", "error")


class MatrixError(Exception):
    """A matrix that cannot go on (a release outside the range, an environment that does not build); the message
    says what to do."""


def _say(message):
    print(message, flush=True)


# --- environments ---------------------------------------------------------------------------------------------

def release_key(release):
    """``"2.15"`` -> ``(2, 15)``, for ordering releases (the newest is the reference)."""
    return tuple(int(part) for part in release.split("."))


def parse_releases(text):
    """The releases of ``--tf`` (comma-separated ``2.X``), oldest first; each must be in the supported range."""
    releases = sorted({part.strip() for part in text.split(",") if part.strip()}, key=release_key)
    unknown = [r for r in releases if r not in RELEASES]
    if unknown or not releases:
        raise MatrixError(f"--tf takes releases among {', '.join(RELEASES)} (comma-separated), got {text!r}")
    return releases


def project_dependencies():
    """``pyproject.toml``'s ``[project]`` dependencies and its test extra: what every environment installs."""
    try:
        import tomllib
    except ModuleNotFoundError:
        raise MatrixError("the matrix reads pyproject.toml with tomllib: run it with Python 3.11 or newer") from None
    project = tomllib.loads((catalog.REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project.get("optional-dependencies", {}).get("test", [])]


def _package(spec):
    """The normalised distribution name a requirement names (``tf-keras>=2`` -> ``tf_keras``)."""
    name = spec
    for stop in "<>=!~[; ":
        name = name.split(stop)[0]
    return name.strip().lower().replace("-", "_")


def requirements(release, numpy=None, dependencies=None):
    """The pip requirements of ``release``'s environment.

    Args:
      release: ``"2.X"``; TensorFlow and tf_keras are pinned to that release's newest patch (``==2.X.*``).
      numpy: ``"1.26"`` or ``"2.1"`` to pin NumPy's minor release; None lets pip choose within the project's range
        and what that TensorFlow allows (TF 2.15-2.17 allow only NumPy 1.x).
      dependencies: the project's requirements (default: read from pyproject.toml).
    """
    pinned = {"tensorflow": f"tensorflow=={release}.*", "tf_keras": f"tf_keras=={release}.*"}
    if numpy:
        pinned["numpy"] = f"numpy=={numpy}.*"
    kept = [spec for spec in (dependencies if dependencies is not None else project_dependencies())
            if _package(spec) not in pinned]
    return [*pinned.values(), *kept]


def env_name(release, python_version, numpy=None):
    return f"tf-{release}-py{python_version}" + (f"-numpy{numpy}" if numpy else "")


def build_commands(python, folder, wheels, specs):
    """The commands that build an environment, by stage.

    ``venv`` creates it; ``install`` installs from the wheel folder alone (no network: the offline rebuild);
    ``download`` fills the wheel folder from PyPI when ``install`` finds something missing (the first build).
    Each is run with the new environment's own interpreter, so pip picks wheels for its Python.
    """
    interpreter = str(Path(folder) / "bin" / "python")
    return {
        "venv": [str(python), "-m", "venv", "--clear", str(folder)],
        "install": [interpreter, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheels), *specs],
        "download": [interpreter, "-m", "pip", "download", "--quiet", "--dest", str(wheels), *specs],
    }


def _python_version(python):
    out = subprocess.run([str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise MatrixError(f"cannot run the Python interpreter {python}: give --python an interpreter path")
    return out.stdout.strip()


def installed_versions(interpreter):
    """``{package: version}`` of ``REPORTED_PACKAGES`` in the environment of ``interpreter``; None when the
    interpreter does not run or one of them is missing (a broken environment, rebuilt)."""
    code = ("import json, importlib.metadata as m\n"
            f"print(json.dumps({{p: m.version(p) for p in {list(REPORTED_PACKAGES)!r}}}))")
    out = subprocess.run([str(interpreter), "-c", code], capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else None


def ensure_env(release, envs=ENVS, python=sys.executable, numpy=None, log=_say):
    """The interpreter of ``release``'s environment, built (or rebuilt offline) when missing or out of date.

    Returns:
      ``(interpreter path, marker dict)``; the marker notes the requirements, Python, versions and build time.
    Raises:
      MatrixError: the environment could not be built (the message names pip's log).
    """
    envs = Path(envs)
    version = _python_version(python)
    folder = envs / env_name(release, version, numpy)
    specs = requirements(release, numpy)
    marker_path = folder / MARKER
    if marker_path.exists():
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
        if marker.get("requirements") == specs and installed_versions(folder / "bin" / "python"):
            return folder / "bin" / "python", marker
    commands = build_commands(python, folder, envs / "wheels", specs)
    build_log = envs / f"{folder.name}.build.log"
    envs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"building {folder} ({' '.join(specs)}) ...")
    with open(build_log, "w", encoding="utf-8") as handle:
        def step(stage):
            handle.write(f"$ {' '.join(commands[stage])}\n")
            handle.flush()
            return subprocess.run(commands[stage], stdout=handle, stderr=subprocess.STDOUT).returncode == 0

        ok = step("venv") and (step("install") or (step("download") and step("install")))
    if not ok:
        raise MatrixError(f"the TF {release} environment did not build: see {build_log} (network for the first "
                          f"build; an offline rebuild needs its wheels in {envs / 'wheels'})")
    versions = installed_versions(folder / "bin" / "python")
    marker = {"release": release, "requirements": specs, "python": version, "versions": versions,
              "build_seconds": round(time.perf_counter() - started, 1)}
    marker_path.write_text(json.dumps(marker, indent=1), encoding="utf-8")
    log(f"  built in {marker['build_seconds']:.0f} s: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return folder / "bin" / "python", marker


# --- runs -----------------------------------------------------------------------------------------------------

def entries(names=None, user_catalog=None):
    """The reproductions of the catalog — built-in and the user catalog's (``catalog.entries``) — or those named."""
    try:
        return catalog.select(catalog.entries(user_catalog), names)
    except catalog.CatalogError as error:
        raise MatrixError(str(error)) from None


def comparison_steps(entry, steps=None):
    return steps or LENGTH_FACTOR * entry.smoke_steps


def release_out(out, release):
    return Path(out) / f"tf-{release}"


def results_path(out, name, dataset):
    return Path(out) / "results" / f"{name}.{dataset}.json"


def release_baseline(release, name, dataset):
    """Where ``--record-baselines`` keeps a release's comparison-length baseline."""
    return baseline.BASELINES / "matrix" / f"tf-{release}" / f"{name}.{dataset}.json"


def run_one(name, dataset, out, steps, baseline_path=None, record=False, user_catalog=None):
    """Inside an environment: run one reproduction for ``steps`` steps and save its RunResult under ``out``.

    The smoke timeout is scaled to the length (a hang guard, not a budget). With ``baseline_path``, ``record``
    writes the run there (only a successful one); without ``record`` an existing baseline is compared and the
    verdict saved beside the result.
    """
    entry = entries([name], user_catalog)[0]
    out = Path(out)
    timeout = entry.timeout * max(1, math.ceil(steps / entry.smoke_steps))
    result = execute.run(entry, dataset, out, steps=steps, timeout=timeout)
    result.save(results_path(out, name, dataset))
    (out / "environment.json").write_text(json.dumps(baseline.environment(), indent=1), encoding="utf-8")
    if baseline_path and result.ok:
        target = Path(baseline_path)
        verdict_path = results_path(out, name, dataset).with_suffix(".baseline.json")
        if record:
            baseline.write(baseline.from_result(result), target)
            verdict_path.unlink(missing_ok=True)
        elif target.exists():
            verdict = baseline.compare(result, baseline.load(target), entry.rtol)
            verdict_path.write_text(json.dumps({"status": verdict.status, "mode": verdict.mode,
                                                "details": verdict.details}), encoding="utf-8")
    return result


def run_in_env(interpreter, entry, dataset, out, steps, release, record=False, user_catalog=None):
    """Run ``entry`` in the environment of ``interpreter`` (a subprocess: one TensorFlow per process)."""
    command = [str(interpreter), "-m", "reproductions.matrix", "run-one", entry.name, "--dataset", dataset,
               "--out", str(Path(out).resolve()), "--steps", str(steps),
               "--baseline", str(release_baseline(release, entry.name, dataset))]
    if user_catalog:
        command += ["--catalog", str(Path(user_catalog).resolve())]
    if record:
        command.append("--record")
    path = results_path(out, entry.name, dataset)
    path.unlink(missing_ok=True)  # never read an earlier matrix's result as this one's
    done = subprocess.run(command, env=execute.runner_environment(), capture_output=True, text=True)
    if not path.exists():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return _failed(entry, dataset, f"the matrix worker failed: {last}")
    return load_result(path, entry, dataset)


def _failed(entry, dataset, message):
    return execute.RunResult(entry.name, dataset, entry.seed, "smoke", status="error", message=message)


def load_result(path, entry, dataset):
    """The RunResult saved at ``path``; a missing or corrupt file becomes an error result naming it."""
    if not Path(path).exists():
        return _failed(entry, dataset, f"no result at {path}")
    try:
        return execute.RunResult.load(path)
    except execute.ResultsError as error:
        return _failed(entry, dataset, str(error))


def run_tests(interpreter, pytest_args):
    """Run the project's tests (``pytest_args``, default: every test not marked slow) in an environment; returns
    (exit status, pytest's summary line)."""
    command = [str(interpreter), "-m", "pytest", *(pytest_args or [str(catalog.REPO / "tests"), "-q", "-m",
                                                                    "not slow"]), "-p", "no:cacheprovider"]
    done = subprocess.run(command, cwd=catalog.REPO, capture_output=True, text=True,
                          env={**execute.runner_environment(), "TF_USE_LEGACY_KERAS": "1"})
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    failures = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return done.returncode, [*failures, lines[-1] if lines else (done.stderr.strip().splitlines() or ["?"])[-1]]


# --- comparison -----------------------------------------------------------------------------------------------

@dataclass
class Cell:
    """One reproduction on one release, compared with the reference release's run."""
    name: str
    release: str
    verdict: str  # one of VERDICTS, or "reference"
    steps: int = 0
    seconds: float = 0.0
    worst: float = 0.0  # largest |got - ref| over every series and step
    worst_relative: float = 0.0  # that deviation over |ref|
    worst_series: str = ""
    worst_step: int = None
    first_differs: int = None  # first step whose losses are not bit-identical
    first_outside: int = None  # first step outside the envelope
    curve: list = field(default_factory=list)  # [[step, max over series of |got - ref| / envelope width]]
    note: str = ""
    own_baseline: str = ""  # verdict against this release's recorded baseline, when there is one
    newer: str = ""  # the next newer release of the matrix, for bisecting: where do the numbers change?
    same_as_newer: bool = None  # bit for bit the same losses as on ``newer`` (None: not comparable, a run failed)
    newer_first_differs: int = None  # else the first step that differs from it


def compare_losses(got, ref, rtol, atol=baseline.ATOL):
    """Step-by-step comparison of two runs' loss series.

    Args:
      got, ref: ``{series: [[step, value], ...]}`` of the release and of the reference.
      rtol: the reproduction's envelope; ``atol`` the harness's absolute floor.
    Returns:
      dict of Cell fields: verdict (identical / within envelope / outside, or error when the series or their steps
      differ), worst, worst_relative, worst_series, worst_step, first_differs, first_outside, curve, note.
      A NaN where the reference has a number (or the reverse) is an infinite deviation.
    """
    if sorted(got) != sorted(ref):
        return {"verdict": "error", "note": f"loss series {sorted(got)} != reference {sorted(ref)}"}
    for series in ref:
        if [s for s, _ in got[series]] != [s for s, _ in ref[series]]:
            return {"verdict": "error", "note": f"{series} recorded at other steps ({len(got[series])} points, "
                                                f"reference {len(ref[series])})"}
    fields = {"worst": 0.0, "worst_relative": 0.0, "worst_series": "", "worst_step": None, "first_differs": None,
              "first_outside": None, "note": ""}
    by_step = {}
    for series in sorted(ref):
        for (step, a), (_, b) in zip(got[series], ref[series]):
            a, b = float(a), float(b)
            both_nan = math.isnan(a) and math.isnan(b)
            deviation = 0.0 if both_nan or a == b else (abs(a - b) if math.isfinite(a) and math.isfinite(b)
                                                         else math.inf)
            ratio = deviation / (atol + rtol * abs(b)) if math.isfinite(b) else (0.0 if both_nan else math.inf)
            by_step[step] = max(by_step.get(step, 0.0), ratio)
            if deviation and (fields["first_differs"] is None or step < fields["first_differs"]):
                fields["first_differs"] = step
            if ratio > 1 and (fields["first_outside"] is None or step < fields["first_outside"]):
                fields["first_outside"] = step
            if deviation > fields["worst"]:
                fields.update(worst=deviation, worst_series=series, worst_step=step,
                              worst_relative=deviation / abs(b) if b else math.inf)
    fields["curve"] = sorted([step, ratio] for step, ratio in by_step.items())
    fields["verdict"] = ("identical" if fields["first_differs"] is None else
                         "within envelope" if fields["first_outside"] is None else "outside")
    return fields


def compare_runs(result, reference, rtol, release):
    """The Cell of ``result`` (a RunResult on ``release``) against the reference release's RunResult."""
    cell = Cell(result.name, release, "error", steps=result.steps, seconds=result.seconds)
    if not result.ok:
        cell.note = f"{result.status}: {result.message}"
        return cell
    if not reference.ok:
        cell.note = "the reference run failed"
        return cell
    for key, value in compare_losses(result.losses, reference.losses, rtol).items():
        setattr(cell, key, value)
    structure = [what for what, a, b in (("trainable variables", result.variables, reference.variables),
                                         ("output shapes", result.shapes, reference.shapes)) if a != b]
    if structure and cell.verdict != "error":
        cell.verdict, cell.note = "outside", f"{' and '.join(structure)} differ from the reference"
    return cell


# --- output ---------------------------------------------------------------------------------------------------

def _step(value):
    return "-" if value is None else str(value)


def table(cells, versions):
    """The fixed-width table: one line per reproduction x release; ``versions`` maps release -> marker versions."""
    header = ("reproduction", "release", "verdict", "steps", "max |d|", "rel", "at step", "first !=", "first out",
              "vs newer", "seconds", "note")
    lines = [header]
    for c in cells:
        v = versions.get(c.release) or {}
        release = f"{v.get('tensorflow') or c.release} np{v.get('numpy') or '?'}"
        measured = c.verdict not in ("reference", "error")
        note = "; ".join(filter(None, [c.note, c.own_baseline and f"own baseline: {c.own_baseline}"]))
        lines.append((c.name, release, c.verdict, str(c.steps), f"{c.worst:.3g}" if measured else "",
                      f"{c.worst_relative:.2g}" if measured else "", _step(c.worst_step) if measured else "",
                      _step(c.first_differs) if measured else "", _step(c.first_outside) if measured else "",
                      "" if c.same_as_newer is None else f"= {c.newer}" if c.same_as_newer else
                      f"!= {c.newer} @ {c.newer_first_differs}", f"{c.seconds:.0f}", note))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)) + "  " + line[-1] for line in lines]
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def changes(cells, releases):
    """Where the numbers change, release to release: ``[(older, newer, [names whose losses differ])]``."""
    return [(older, newer, [c.name for c in cells if c.release == older and c.same_as_newer is False])
            for older, newer in zip(releases, releases[1:])]


def changes_line(cells, releases):
    if len(releases) < 2:
        return ""
    return "losses change " + "; ".join(f"{a}->{b}: {', '.join(n.split('_')[0] for n in names) or 'none'}"
                                        for a, b, names in changes(cells, releases))


def headline(cells, reference):
    """One sentence saying what the matrix found (the figure's title and the table's last line)."""
    compared = [c for c in cells if c.verdict != "reference"]
    counts = {v: sum(c.verdict == v for c in compared) for v in VERDICTS}
    said = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    outside = sorted({c.name.split("_")[0] for c in compared if c.verdict in ("outside", "error")})
    return (f"against TF {reference}: {said or 'nothing compared'}"
            + (f" (leaving it: {', '.join(outside)})" if outside else ""))


COLOURS = {"identical": "#2e7d32", "within envelope": "#9ccc65", "outside": "#e53935", "error": "#9e9e9e",
           "reference": "#90caf9"}


def figure(cells, releases, names, reference, path, dpi=100, subtitle=""):
    """The release x reproduction verdict grid (each cell: verdict, largest relative deviation and its step, the
    first step outside the envelope) over one panel per reproduction: each release's deviation from the reference,
    in envelope widths (log scale; the dashed line is the envelope's edge)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_key = {(c.release, c.name): c for c in cells}
    columns = max(len(names), 1)
    fig = plt.figure(figsize=(2.8 * columns + 1, 0.8 * len(releases) + 3.6))
    grid = fig.add_gridspec(2, columns, height_ratios=[0.8 * len(releases), 2.6], hspace=0.25, top=0.95)
    ax = fig.add_subplot(grid[0, :])
    ax.set_xlim(0, len(names))
    ax.set_ylim(0, len(releases))
    ax.invert_yaxis()
    for row, release in enumerate(releases):
        for col, name in enumerate(names):
            cell = by_key.get((release, name))
            verdict = cell.verdict if cell else "error"
            ax.add_patch(plt.Rectangle((col, row), 1, 1, facecolor=COLOURS[verdict], edgecolor="white", lw=2))
            if cell is None:
                text = "not run"
            elif verdict == "reference":
                text = "reference"
            elif verdict == "error":
                text = "error\n" + cell.note[:38]
            elif verdict == "identical":
                text = "identical"
            else:
                text = (f"{verdict}\nmax rel {cell.worst_relative:.1g} @ {cell.worst_step}\n"
                        f"!= from {_step(cell.first_differs)}"
                        + (f", out from {cell.first_outside}" if cell.first_outside is not None else ""))
            if cell is not None and cell.same_as_newer is not None:
                text += (f"\n= TF {cell.newer} bit for bit" if cell.same_as_newer else
                         f"\n!= TF {cell.newer} from step {cell.newer_first_differs}")
            ax.text(col + 0.5, row + 0.5, text, ha="center", va="center", fontsize=8.5,
                    color="white" if verdict in ("identical", "outside") else "black")
    ax.set_xticks([i + 0.5 for i in range(len(names))], names, fontsize=10)
    ax.xaxis.tick_top()
    ax.set_yticks([i + 0.5 for i in range(len(releases))], [f"TF {r}" for r in releases], fontsize=10)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    floor = 1e-4  # identical steps are drawn on the floor of the log scale
    for col, name in enumerate(names):
        panel = fig.add_subplot(grid[1, col])
        for release in releases:
            cell = by_key.get((release, name))
            if cell is None or not cell.curve or cell.verdict == "reference":
                continue
            steps, ratios = zip(*cell.curve)
            panel.plot(steps, [max(r, floor) for r in ratios], lw=1, label=f"TF {release}")
        panel.axhline(1.0, color="black", ls="--", lw=0.8)
        panel.set_yscale("log")
        panel.set_ylim(floor * 0.5, None)
        panel.set_title(name, fontsize=10)
        panel.set_xlabel("step", fontsize=9)
        panel.tick_params(labelsize=8)
        if col == 0:
            panel.set_ylabel("|d| / envelope\n(max over series)", fontsize=9)
        if col == len(names) - 1 and panel.lines[:-1]:  # one legend, beside the last panel
            panel.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.02, 0.5))
    fig.suptitle(headline(cells, reference) + (f"\n{subtitle}" if subtitle else ""), fontsize=12, y=0.99,
                 va="bottom")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)


# --- the command ----------------------------------------------------------------------------------------------

def matrix(releases, selected, dataset, out, envs, python, numpy=None, steps=None, record=False, rerun=True,
           user_catalog=None):
    """Build the environments, run, compare; returns (cells, versions by release). ``rerun=False`` compares the
    results already under ``out`` without building or running anything."""
    reference = releases[-1]
    versions, results = {}, {}
    for release in reversed(releases):  # the reference first: later releases are compared as they finish
        folder = release_out(out, release)
        if rerun:
            interpreter, marker = ensure_env(release, envs, python, numpy)
            versions[release] = marker["versions"]
        elif (folder / "environment.json").exists():
            versions[release] = json.loads((folder / "environment.json").read_text(encoding="utf-8"))
        for entry in selected:
            length = comparison_steps(entry, steps)
            if rerun:
                _say(f"TF {release}: {entry.name}, {length} steps ...")
                result = run_in_env(interpreter, entry, dataset, folder, length, release, record, user_catalog)
                _say(f"  {result.status} after {result.steps} steps in {result.seconds:.0f} s"
                     + (f": {result.message}" if result.message else ""))
            else:
                result = load_result(results_path(folder, entry.name, dataset), entry, dataset)
            results[release, entry.name] = result
    cells = []
    for release in releases:
        for entry in selected:
            result = results[release, entry.name]
            if release == reference:
                cell = Cell(entry.name, release, "reference" if result.ok else "error", steps=result.steps,
                            seconds=result.seconds, note="" if result.ok else f"{result.status}: {result.message}")
            else:
                cell = compare_runs(result, results[reference, entry.name], entry.rtol, release)
            newer = releases[releases.index(release) + 1] if release != reference else None
            if newer and result.ok and results[newer, entry.name].ok:
                fields = compare_losses(result.losses, results[newer, entry.name].losses, entry.rtol)
                if fields["verdict"] != "error":
                    cell.newer, cell.same_as_newer = newer, fields["verdict"] == "identical"
                    cell.newer_first_differs = fields["first_differs"]
            verdict_path = results_path(release_out(out, release), entry.name, dataset).with_suffix(".baseline.json")
            if verdict_path.exists():
                cell.own_baseline = json.loads(verdict_path.read_text(encoding="utf-8"))["status"]
            cells.append(cell)
    return cells, versions


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m reproductions.matrix", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tf", default="2.15,2.17,2.19,2.21",
                        help=f"comma-separated releases among {', '.join(RELEASES)}; the newest is the reference")
    parser.add_argument("--names", nargs="+", metavar="NAME", help="these reproductions only (default: the catalog)")
    parser.add_argument("--catalog", metavar="DIR", help="user catalog whose entries take part too (default: "
                                                         f"./{catalog.USER_CATALOG}/)")
    parser.add_argument("--steps", type=int, help=f"one length for all (default: {LENGTH_FACTOR} x smoke length)")
    parser.add_argument("--dataset", default="fashion-mnist", choices=catalog.DATASETS)
    parser.add_argument("--out", default="out/matrix", help="runs, results, matrix.json/.png (default: out/matrix)")
    parser.add_argument("--envs", default=str(ENVS), help=f"where the environments live (default: {ENVS})")
    parser.add_argument("--python", default=sys.executable, help="interpreter the environments are made from")
    parser.add_argument("--numpy", help="pin NumPy's minor release in every environment, e.g. 1.26")
    parser.add_argument("--record-baselines", action="store_true",
                        help="write each release's runs as its baselines (reproductions/baselines/matrix/tf-X.Y/)")
    parser.add_argument("--compare-only", action="store_true",
                        help="compare and draw the results already under --out; build and run nothing")
    parser.add_argument("--dpi", type=int, default=100, help="figure resolution (60 for a committed copy)")
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] == ["tests"]:
        tests = argparse.ArgumentParser(prog="python -m reproductions.matrix tests",
                                        description="the project's tests in each release's environment; arguments "
                                                    "after -- go to pytest (default: tests/ -q -m 'not slow')")
        tests.add_argument("--tf", default=f"{RELEASES[0]},{RELEASES[-1]}",
                           help="releases (default: the oldest and the newest supported)")
        tests.add_argument("--envs", default=str(ENVS))
        tests.add_argument("--python", default=sys.executable)
        tests.add_argument("--numpy")
        cut = argv.index("--") if "--" in argv else len(argv)
        args = tests.parse_args(argv[1:cut])
        worst = 0
        try:
            for release in parse_releases(args.tf):
                interpreter, marker = ensure_env(release, args.envs, args.python, args.numpy)
                _say(f"TF {release} ({', '.join(f'{k} {v}' for k, v in marker['versions'].items())}): tests ...")
                code, lines = run_tests(interpreter, argv[cut + 1:])
                _say("".join(f"  {line}\n" for line in lines).rstrip())
                worst = max(worst, code)
        except MatrixError as error:
            raise SystemExit(f"matrix tests: {error}") from None
        return worst
    if argv[:1] == ["run-one"]:
        worker = argparse.ArgumentParser(prog="python -m reproductions.matrix run-one")
        worker.add_argument("name")
        worker.add_argument("--dataset", default="fashion-mnist", choices=catalog.DATASETS)
        worker.add_argument("--out", required=True)
        worker.add_argument("--steps", type=int, required=True)
        worker.add_argument("--baseline")
        worker.add_argument("--record", action="store_true")
        worker.add_argument("--catalog")
        args = worker.parse_args(argv[1:])
        try:
            return 0 if run_one(args.name, args.dataset, args.out, args.steps, args.baseline, args.record,
                                args.catalog).ok else 1
        except MatrixError as error:
            raise SystemExit(f"matrix run-one: {error}") from None
    args = parser.parse_args(argv)
    try:
        releases = parse_releases(args.tf)
        selected = entries(args.names, args.catalog)
        cells, versions = matrix(releases, selected, args.dataset, args.out, args.envs, args.python, args.numpy,
                                 args.steps, args.record_baselines, rerun=not args.compare_only,
                                 user_catalog=args.catalog)
    except MatrixError as error:
        raise SystemExit(f"matrix: {error}") from None
    reference = releases[-1]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "matrix.json").write_text(json.dumps({"reference": reference, "dataset": args.dataset,
                                                 "versions": versions, "cells": [asdict(c) for c in cells]},
                                                indent=1), encoding="utf-8")
    _say("\n" + table(cells, versions) + "\n\n" + "\n".join(filter(None, [headline(cells, reference),
                                                                        changes_line(cells, releases)])))
    lengths = sorted({c.steps for c in cells})
    figure(cells, releases, [e.name for e in selected], reference, out / "matrix.png", dpi=args.dpi,
           subtitle=changes_line(cells, releases)
           + (f"\n{args.dataset}, {lengths[0]}-{lengths[-1]} steps per run" if lengths else ""))
    _say(f"figure: {out / 'matrix.png'}")
    return 0 if all(c.verdict in ("identical", "within envelope", "reference") for c in cells) else 1


if __name__ == "__main__":
    sys.exit(main())

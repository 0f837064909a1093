"""Baselines: record once, compare with a stated tolerance, regenerate only when asked.

A baseline is a human-diffable JSON file, ``<reproduction>/baselines/<dataset>.json`` in the reproduction's folder
(built-in or in a user catalog: ``catalog.py``): the environment it was recorded in, the run's parameters, the
output shapes, every trainable variable's name and shape, and each loss series as one ``[step, value]`` pair per
line.

Comparison (``compare``):

- shapes and variable names/shapes: exact;
- losses, per series and step: **identical** when the environment matches the baseline's (same TensorFlow, NumPy,
  Python, platform and CPU: model name, family/model numbers and the instruction sets the float32 kernels are
  chosen by — two VMs both reporting "AMD EPYC" gave different last bits; a deterministic run must then repeat bit
  for bit), otherwise within the
  **envelope** ``|got - want| <= ATOL + rtol * |want|``, ``rtol`` from the reproduction's catalog entry. The
  envelope was measured, not guessed (``benchmarks/calibrate_envelope.py``): running each smoke check with 1 and
  with 2 intra-op threads changes the order of float32 reductions, as another CPU or TensorFlow build does. Over the
  smoke lengths that moved losses by at most 3e-6 relative for 001-004 (003 stayed bit-identical) and 7e-4 for
  000, whose minibatch-discrimination layer (exp of pairwise L1 distances) amplifies rounding. RTOL = 1e-3 is the
  default (300x headroom), 000 uses 1e-2 (14x). Another CPU moves them further than threads do: between two
  VMs that both report "AMD EPYC" (one with AVX-512 BF16/VNNI kernels) the committed smoke baselines deviated by at
  most 1.8e-4 (000), 8.2e-4 (001: its transposed convolutions), 1.8e-7 (002), 6.6e-7 (003), 1.3e-7 (004)
  relative, so 001 uses 1e-2 too. The price: across machines a change smaller than the envelope goes
  unnoticed (forcing batch_norm's epsilon from 1e-5 to 0.1 in the test fixture moves its losses by only 5e-4 in
  8 steps: caught at step 1 on the same machine, not across machines). Record baselines on the machine that checks.
- a NaN or infinite loss is always a failure, reported with its step.

The verdict names the reproduction, the series, the first step outside tolerance and the largest deviation.
"""
import json
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path

from reproductions.atomic import write_atomically

REPO = Path(__file__).resolve().parent.parent
BASELINES = Path(__file__).resolve().parent / "baselines"  # the release matrix's (matrix.py); a reproduction's own
# baselines are in its folder (``Reproduction.baseline_path``)
RTOL, ATOL = 1e-3, 1e-5
FORMAT = 1


class BaselineError(Exception):
    """A baseline file that is missing, unreadable or malformed; the message names the file and the fix."""


def environment():
    """What decides whether two runs must agree bit for bit."""
    import numpy

    return {
        "tensorflow": _tensorflow_version(),
        "numpy": numpy.__version__,
        "python": platform.python_version(),
        "platform": f"{platform.system()}-{platform.machine()}",
        "cpu": _cpu_model(),
    }


def _tensorflow_version():
    """The installed TensorFlow's version, from its package metadata: the harness itself never imports TensorFlow
    (its runs do, in their own processes), so it starts fast and quiet."""
    from importlib import metadata

    for distribution in ("tensorflow", "tensorflow-cpu"):
        try:
            return metadata.version(distribution)
        except metadata.PackageNotFoundError:
            continue
    import tensorflow

    return tensorflow.__version__


# The instruction sets oneDNN and Eigen choose their float32 kernels by: two CPUs sold under one name (a cloud VM
# reports just "AMD EPYC") can differ here, and then in the last bits of a convolution's sum.
KERNEL_ISA = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16")


def _cpu_model():
    """The CPU as far as it decides float32 results: model name, family/model numbers and the kernel ISA flags."""
    fields = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.partition(":")
                if sep and key.strip() in ("model name", "cpu family", "model", "flags"):
                    fields.setdefault(key.strip(), value.strip())
    except OSError:
        pass
    if "model name" not in fields:
        return platform.processor() or "unknown"
    isa = [flag for flag in KERNEL_ISA if flag in fields.get("flags", "").split()]
    return (f"{fields['model name']} (family {fields.get('cpu family', '?')} model {fields.get('model', '?')}; "
            f"{' '.join(isa) or 'no avx2'})")


def dumps(baseline):
    """JSON with one loss step per line, so a diff shows which steps moved."""
    head = {k: v for k, v in baseline.items() if k not in ("losses", "variables")}
    lines = ["{"]
    for key, value in head.items():
        lines.append(f" {json.dumps(key)}: {json.dumps(value)},")
    lines.append(' "variables": [')
    lines.append(",\n".join(f"  {json.dumps(v)}" for v in baseline["variables"]))
    lines.append(" ],")
    lines.append(' "losses": {')
    series = []
    for name, points in baseline["losses"].items():
        body = ",\n".join(f"   [{step}, {json.dumps(value)}]" for step, value in points)
        series.append(f"  {json.dumps(name)}: [\n{body}\n  ]")
    lines.append(",\n".join(series))
    lines.append(" }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(baseline, path):
    """Write atomically: a crash mid-write leaves the previous baseline intact."""
    text = dumps(baseline)
    json.loads(text)  # never write what could not be read back
    write_atomically(path, text)


def load(path):
    """The baseline at ``path``, checked against the schema :func:`dumps` writes.

    Raises:
      BaselineError: missing, unreadable, not JSON, or of the wrong structure (one line naming the file, the first
        problem found and how to restore it).
    """
    path = Path(path)
    if not path.exists():
        raise BaselineError(f"no baseline {path}: record one with `python -m reproductions record "
                            f"{_entry_name(path)}`")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"corrupt baseline {path}: {error}; {_restore(path)}") from None
    problem = schema_problem(data)
    if problem:
        raise BaselineError(f"malformed baseline {path}: {problem}; {_restore(path)}")
    return data


def _entry_name(path):
    return Path(path).parent.parent.name  # <entry folder>/baselines/<dataset>.json


def _restore(path):
    """How to get a good baseline back: from git when the file is tracked in this repository (the command works
    from the repository root), else by recording it again."""
    record = f"re-record it with `python -m reproductions record {_entry_name(path)}`"
    try:
        inside = Path(path).resolve().relative_to(REPO)
    except ValueError:
        return record
    return f"restore it with `git checkout -- {inside.as_posix()}` (from the repository root) or {record}"


NONFINITE = ("nan", "inf", "-inf")  # how the runner's record writes non-finite losses (compat/record.py)


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_loss(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in NONFINITE


def _is_shape(value):
    return isinstance(value, list) and all(_is_int(d) or d is None for d in value)


def schema_problem(data):
    """The first way ``data`` differs from a baseline's structure, or None.

    The structure: ``format`` 1; ``steps`` an int; ``environment`` an object of strings; ``shapes`` label -> shape
    (a list of ints) or an "unavailable: ..." string; ``variables`` a list of ``[name, shape]``; ``losses`` series ->
    list of ``[int step, number or "nan"/"inf"/"-inf"]``.
    """
    if not isinstance(data, dict):
        return f"a JSON {type(data).__name__}, not an object"
    missing = [k for k in ("format", "environment", "losses", "variables", "shapes", "steps") if k not in data]
    if missing:
        return f"missing {missing}"
    if data["format"] != FORMAT:
        return f"format {data['format']!r}, this harness reads format {FORMAT}"
    if not _is_int(data["steps"]):
        return f"steps must be an integer, got {data['steps']!r}"
    if not isinstance(data["environment"], dict) or not all(isinstance(v, str) for v in data["environment"].values()):
        return f"environment must be an object of strings, got {data['environment']!r}"[:200]
    if not isinstance(data["shapes"], dict):
        return f"shapes must be an object (label -> shape), got {type(data['shapes']).__name__}"
    for label, shape in data["shapes"].items():
        if not (_is_shape(shape) or isinstance(shape, str)):
            return f"shape of {label!r} must be a list of integers, got {shape!r}"
    if not isinstance(data["variables"], list):
        return f"variables must be a list of [name, shape], got {type(data['variables']).__name__}"
    for item in data["variables"]:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and _is_shape(item[1])):
            return f"each variable must be [name, shape], got {item!r}"
    if not isinstance(data["losses"], dict):
        return f"losses must be an object (series -> [[step, value], ...]), got {type(data['losses']).__name__}"
    for series, points in data["losses"].items():
        if not isinstance(points, list):
            return f"loss series {series!r} must be a list of [step, value], got {points!r}"
        for point in points:
            if not (isinstance(point, list) and len(point) == 2 and _is_int(point[0]) and _is_loss(point[1])):
                return (f"loss series {series!r}: each point must be [integer step, number or \"nan\"/\"inf\"], "
                        f"got {point!r}")
    return None


def from_result(result):
    """The baseline a successful run would record."""
    return {
        "format": FORMAT,
        "reproduction": result.name,
        "dataset": result.dataset,
        "seed": result.seed,
        "steps": result.steps,
        "environment": environment(),
        "shapes": result.shapes,
        "variables": result.variables,
        "losses": result.losses,
    }


@dataclass
class SeriesDiff:
    series: str
    first_step: int = None  # first step outside tolerance
    worst_step: int = None
    worst: float = 0.0  # largest absolute deviation
    problem: str = ""  # non-numeric problems: missing series, other steps, NaN


@dataclass
class Verdict:
    name: str
    status: str  # "pass", "FAIL", "ERROR", "NO BASELINE"
    mode: str = ""  # "identical" or "envelope"
    details: list = field(default_factory=list)  # human-readable lines
    diffs: list = field(default_factory=list)  # SeriesDiff per loss series that failed

    @property
    def ok(self):
        return self.status == "pass"


def compare(result, baseline, rtol=RTOL):
    """Verdict for one run against its baseline (see the module docstring for the rules)."""
    same_env = baseline["environment"] == environment()
    mode = "identical" if same_env else "envelope"
    verdict = Verdict(result.name, "pass", mode)
    if result.steps != baseline["steps"]:
        verdict.details.append(f"ran {result.steps} steps, baseline has {baseline['steps']}")
    for label, want in baseline["shapes"].items():
        got = result.shapes.get(label)
        if got != want:
            verdict.details.append(f"shape of {label}: {got} != baseline {want}")
    got_vars, want_vars = [tuple(map(_tuple, v)) for v in result.variables], \
        [tuple(map(_tuple, v)) for v in baseline["variables"]]
    if got_vars != want_vars:
        extra = sorted(set(got_vars) - set(want_vars))[:3]
        gone = sorted(set(want_vars) - set(got_vars))[:3]
        verdict.details.append(f"trainable variables differ: new {extra or '-'}, missing {gone or '-'}"
                               + ("" if extra or gone else " (order)"))
    for series in sorted(set(result.losses) | set(baseline["losses"])):
        diff = _compare_series(series, result.losses.get(series), baseline["losses"].get(series), same_env, rtol)
        if diff is not None:
            verdict.diffs.append(diff)
    for diff in verdict.diffs:
        if diff.problem:
            verdict.details.append(f"{diff.series}: {diff.problem}")
        else:
            verdict.details.append(f"{diff.series}: left the baseline at step {diff.first_step}; largest deviation "
                                   f"{diff.worst:.3g} at step {diff.worst_step} ({mode})")
    nan = result.first_nonfinite()
    if nan:
        step, series, value = nan
        verdict.details.insert(0, f"non-finite loss {series} = {value} at step {step}")
    if verdict.details:
        verdict.status = "FAIL"
    return verdict


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


def _compare_series(series, got, want, identical, rtol):
    if got is None:
        return SeriesDiff(series, problem="series missing from this run")
    if want is None:
        return SeriesDiff(series, problem="series not in the baseline")
    if [s for s, _ in got] != [s for s, _ in want]:
        return SeriesDiff(series, problem=f"recorded at other steps ({len(got)} vs baseline {len(want)} points)")
    diff = SeriesDiff(series)
    for (step, a), (_, b) in zip(got, want):
        a, b = float(a), float(b)
        if math.isnan(a) and math.isnan(b):
            continue
        deviation = abs(a - b) if math.isfinite(a) and math.isfinite(b) else math.inf
        bad = a != b if identical else not deviation <= ATOL + rtol * abs(b)
        if bad and diff.first_step is None:
            diff.first_step = step
        if deviation > diff.worst or (bad and diff.worst_step is None):
            diff.worst, diff.worst_step = deviation, step
    return diff if diff.first_step is not None else None

"""``python -m reproductions [--catalog DIR] list | add NAME SCRIPT | run [--full] NAME... | check [--all] [NAME...] |
record NAME... | report | publish | matrix``

- ``list``    the reproductions (built-in, then the user catalog's) and their baselines;
- ``add``     register your own script as a reproduction in the user catalog (``./reproductions.d/`` or
  ``--catalog DIR``): ``add NAME SCRIPT [--steps N] [--seed S] [-- SCRIPT ARGS...]``; then ``record NAME`` and
  ``check NAME`` as for the built-in ones;
- ``run``     run (smoke by default, ``--full`` for the script's full length, scored at its checkpoints: see
  ``quality.py``) and show what was recorded;
- ``check``   smoke-run and compare with the committed baselines; non-zero exit on any regression or error;
- ``record``  smoke-run and (re)write the baselines — only when asked, atomically, never from a failed run or one
  that stopped short of the entry's length;
- ``report``  the table, figures and index page: each reproduction's last check, then its last run in a row of
  its own (``check --report`` checks and reports);
- ``publish`` copy full runs' figures and summaries into results/ (for the README) and print their README lines;
- ``matrix``  the same reproductions under several TensorFlow releases (``matrix --tf 2.15,2.21``, first
  option; see ``matrix.py``);
- ``quality`` score the published upstream grids and any grid given (e.g. a full run's newest) with the evaluation
  classifier, side by side (see ``grids.py`` and ``metrics.py``).
"""
import argparse
import json
import os
import signal
import sys
from pathlib import Path

from reproductions import baseline, catalog, execute, report


def _catalog(args):
    """Every entry the command sees: the built-in ones and the user catalog's (``--catalog``)."""
    try:
        return catalog.entries(args.catalog)
    except catalog.CatalogError as error:
        raise SystemExit(f"python -m reproductions: {error}") from None


def _entries(args, names, everything):
    """The entries named, or all of them with ``--all`` or no names; a name beside ``--all`` is refused, not
    ignored."""
    if everything and names:
        raise SystemExit(f"python -m reproductions {args.command}: --all and names ({' '.join(names)}) exclude each "
                         "other: give the names, or --all")
    try:
        return catalog.select(_catalog(args), [] if everything else names)
    except catalog.CatalogError as error:
        raise SystemExit(str(error)) from None


RESULT_KINDS = ("check", "run")  # out/results/<kind>/: a `run` never replaces the check's result


def _results_path(out, name, dataset, kind):
    return Path(out) / "results" / kind / f"{name}.{dataset}.json"


def _save(result, path):
    try:
        result.save(path)
    except OSError as error:
        raise SystemExit(f"python -m reproductions: cannot save {result.name}'s result as {path}: "
                         f"{error.strerror or error}; its run is kept in {result.workdir or Path(path).parent}") from None


def _say(message):
    print(message, flush=True)


def cmd_list(args):
    for entry in _catalog(args):
        have = [d for d in catalog.DATASETS if entry.baseline_path(d).exists()]
        where = "" if entry.built_in else f" (user entry in {entry.folder.parent})"
        _say(f"{entry.name:22} {entry.summary}{where}\n{'':22} script {entry.script}"
             f"{' ' + ' '.join(entry.args) if entry.args else ''}; smoke {entry.smoke_steps} steps; "
             f"baselines: {', '.join(have) or 'none'}")
    return 0


def cmd_add(args):
    try:
        entry = catalog.add(args.catalog or catalog.USER_CATALOG, args.name, args.script, args.script_args,
                            steps=args.steps, seed=args.seed)
    except catalog.CatalogError as error:
        raise SystemExit(f"python -m reproductions add: {error}") from None
    option = f" --catalog {args.catalog}" if args.catalog else ""
    _say(f"added {entry.name}: {entry.script_path}{' ' + ' '.join(entry.args) if entry.args else ''} "
         f"({entry.smoke_steps} steps, seed {entry.seed}) -> {entry.folder / catalog.ENTRY_FILE}\n"
         f"next: python -m reproductions{option} record {entry.name}   (then `check {entry.name}` after a change)")
    return 0


def cmd_run(args):
    from reproductions import quality

    worst = 0
    for entry in _entries(args, args.names, args.all):
        if args.resume and not args.full:
            raise SystemExit("--resume continues a full run: add --full")
        mode = "full" if args.full else "smoke"
        _say(f"running {entry.name} ({mode}{f', {args.steps} steps' if args.steps else ''}) on {args.dataset} ...")
        result = execute.run(entry, args.dataset, args.out, mode=mode, steps=args.steps, resume=args.resume)
        result.kind = "run"
        if args.full:  # score whatever checkpoints it reached, even when it failed later
            result.quality = quality.trajectory(Path(result.workdir) / execute.SAMPLES_DIR, args.dataset,
                                                Path(args.out) / "classifiers", say=_say)
        _save(result, _results_path(args.out, entry.name, args.dataset, "run"))
        _say(f"{entry.name}: {result.status} after {result.steps} steps in {result.seconds:.1f} s"
             + (f" — {result.message}" if result.message else "")
             + "".join(f"\n  {s}: last {p[-1][1]:.4f} (step {p[-1][0]})" for s, p in result.losses.items()))
        if result.quality:
            _say(quality.format_trajectory(result.quality))
        worst = max(worst, 0 if result.ok else 1)
    return worst


def check_one(entry, dataset, out):
    """Smoke-run one reproduction and compare; returns (result, verdict)."""
    result = execute.run(entry, dataset, out)
    _save(result, _results_path(out, entry.name, dataset, "check"))
    if not result.ok:
        return result, baseline.Verdict(entry.name, "ERROR", details=[f"{result.status}: {result.message}"])
    try:
        recorded = baseline.load(entry.baseline_path(dataset))
    except baseline.BaselineError as error:
        status = "NO BASELINE" if "no baseline" in str(error) else "ERROR"
        return result, baseline.Verdict(entry.name, status, details=[str(error)])
    return result, baseline.compare(result, recorded, entry.rtol)


def cmd_check(args):
    rows = []
    entries = _entries(args, args.names, args.all)
    for entry in entries:
        _say(f"checking {entry.name} on {args.dataset} ...")
        result, verdict = check_one(entry, args.dataset, args.out)
        rows.append((result, verdict))
        _say(f"  {verdict.status}" + "".join(f"\n  {line}" for line in verdict.details))
    _say("\n" + report.table(rows))
    if args.report:
        write_report(rows, args.out, entries)
    return 0 if all(v.ok for _, v in rows) else 1


def cmd_record(args):
    if not (args.names or args.all):
        raise SystemExit("record rewrites baselines: name the reproductions, or pass --all")
    failed = 0
    for entry in _entries(args, args.names, args.all):
        result = execute.run(entry, args.dataset, args.out)
        target = entry.baseline_path(args.dataset)
        if not result.ok:  # never replace a good baseline with a broken run
            _say(f"{entry.name}: NOT recorded — {result.status}: {result.message}; {target} left as it was")
            failed = 1
            continue
        if result.steps < entry.smoke_steps:  # ended early with status 0: a shorter baseline would hide the rest
            _say(f"{entry.name}: NOT recorded — the run stopped after {result.steps} of {entry.smoke_steps} steps "
                 f"with exit status 0 (log: {result.log}); {target} left as it was (if the script is that short, "
                 f"lower \"smoke_steps\" in {entry.folder / catalog.ENTRY_FILE})")
            failed = 1
            continue
        try:
            baseline.write(baseline.from_result(result), target)
        except OSError as error:  # write() replaces atomically: the old baseline, if any, is still whole
            _say(f"{entry.name}: NOT recorded — cannot write {target}: {error.strerror or error}; the old baseline "
                 f"(if any) is as it was, the run is in {result.workdir}")
            failed = 1
            continue
        _say(f"{entry.name}: recorded {result.steps} steps, {len(result.losses)} loss series -> {target}")
    return failed


def write_report(rows, out, entries):
    """The figures and index page of ``rows`` ((RunResult, Verdict or None), as ``check`` or ``report`` reached
    them) in OUT/report/; a ``run``'s figure is named apart from the check's (``<name>.<dataset>.run.png``)."""
    folder = Path(out) / "report"
    try:
        _write_report(rows, folder, entries)
    except OSError as error:  # the results are saved; only the pictures could not be written
        why = "it is a file" if folder.is_file() else error.strerror or str(error)
        raise SystemExit(f"python -m reproductions: cannot write the report in {folder}: {why}; the results are "
                         f"saved in {Path(out) / 'results'}: free or fix that folder, then `report` again") from None


def _write_report(rows, folder, entries):
    folder.mkdir(parents=True, exist_ok=True)
    figures = []
    by_name = {entry.name: entry for entry in entries}
    for result, verdict in rows:
        entry = by_name[result.name]
        try:  # a full run is not compared with the (smoke-length) baseline
            recorded = None if result.mode == "full" else baseline.load(entry.baseline_path(result.dataset))
        except baseline.BaselineError:
            recorded = None
        kind = "" if result.kind == "check" else ".run"
        path = folder / f"{result.name}.{result.dataset}{kind}.png"
        report.figure(result, recorded, path, verdict=verdict, rtol=entry.rtol)
        figures.append(str(path))
    report.index(rows, figures, folder / "index.html")
    _say(f"report: {folder / 'index.html'} ({len(figures)} figures)")


def _saved_row(entry, dataset, path):
    """(result, verdict) of a saved result: a full run unjudged, a smoke run compared with its baseline as
    ``check_one`` would, a corrupt file an ERROR row naming it."""
    try:
        result = execute.RunResult.load(path)
    except execute.ResultsError as error:
        result = execute.RunResult(entry.name, dataset, entry.seed, "smoke", status="error", message=str(error))
    if result.mode == "full" and result.ok:
        return result, None
    if not result.ok:
        return result, baseline.Verdict(entry.name, "ERROR", details=[f"{result.status}: {result.message}"])
    try:
        return result, baseline.compare(result, baseline.load(entry.baseline_path(dataset)), entry.rtol)
    except baseline.BaselineError as error:
        status = "NO BASELINE" if "no baseline" in str(error) else "ERROR"
        return result, baseline.Verdict(entry.name, status, details=[str(error)])


def cmd_report(args):
    """The last check of each reproduction, then its last `run` (smoke or full) as a row of its own."""
    rows = []
    entries = _entries(args, args.names, args.all)
    for kind in RESULT_KINDS:
        for entry in entries:
            path = _results_path(args.out, entry.name, args.dataset, kind)
            if path.exists():
                result, verdict = _saved_row(entry, args.dataset, path)
                result.kind = kind
                rows.append((result, verdict))
    if not rows:
        _say(f"no results under {Path(args.out) / 'results'}: run `python -m reproductions check --all` first")
        return 1
    _say(report.table([(_labelled(result), verdict) for result, verdict in rows]))
    write_report(rows, args.out, entries)
    return 0


def _labelled(result):
    """The result as the table shows it: a `run`'s row is named apart from the check's."""
    from dataclasses import replace

    return result if result.kind == "check" else replace(result, name=f"{result.name} (run {result.mode})")


def cmd_publish(args):
    """Copy each full run's figure and a summary (command, length, wall time, machine, quality trajectory) into the
    repository's results/ folder, and print the README lines that show them. Built-in reproductions only: a user
    entry's results stay in its --out folder."""
    from reproductions import quality

    target = catalog.REPO / "results"
    target.mkdir(exist_ok=True)
    published = 0
    for entry in [e for e in _entries(args, args.names, args.all) if e.built_in]:
        path = _results_path(args.out, entry.name, args.dataset, "run")
        try:
            result = execute.RunResult.load(path) if path.exists() else None
        except execute.ResultsError as error:
            _say(f"{entry.name}: not published — {error}")
            continue
        if result is None or result.mode != "full":
            continue
        stem = f"{entry.name}.{args.dataset}.full"
        report.figure(result, None, target / f"{stem}.png", dpi=60)  # small: it is committed
        files = quality.step_files(Path(result.workdir) / execute.SAMPLES_DIR)
        grid = None
        if files:  # the last checkpoint at a published grid's size, for the table beside the upstream grids
            from reproductions import classifier as classifiers

            model = classifiers.load_or_train(args.dataset, folder=Path(args.out) / "classifiers", verbose=False)
            size = 100 if result.quality["points"][-1]["conditional_accuracy"] is not None else 64
            scores, real = quality.grid_sized(files[-1][1], model, size)
            grid = {"step": files[-1][0], "scores": scores, "real": real.scores, "real_spread": real.spread}
        command = f"python -m reproductions --dataset {args.dataset} run --full --steps {result.steps} {entry.name}"
        summary = {"name": entry.name, "dataset": args.dataset, "command": command, "status": result.status,
                   "steps": result.steps, "seconds": result.seconds, "environment": baseline.environment(),
                   "cpu_count": os.cpu_count(), "final_losses": {s: p[-1] for s, p in result.losses.items()},
                   "quality": result.quality, "grid_sized": grid}
        (target / f"{stem}.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
        _say(f"### {entry.name}: {result.steps} steps in {result.seconds / 60:.0f} min\n\n"
             f"![{entry.name}](results/{stem}.png)\n\n```sh\n{command}\n```\n\n```\n"
             f"{quality.format_trajectory(result.quality)}\n```\n")
        published += 1
    if not published:
        _say(f"no full runs under {Path(args.out) / 'results'}: `python -m reproductions run --full NAME` first")
    return 0 if published else 1


def cmd_quality(args):
    """Score our grids exactly as the upstream ones: each given grid is scored in one table with them, under an
    upstream-style name (``<dataset>_<GAN|CGAN>_epochNNN_test_all_classes_<label>.png``), against the same real pool.
    """
    import tempfile

    from reproductions import grids

    with tempfile.TemporaryDirectory() as folder:
        for path in grids.REFERENCE_GRIDS.glob("*.png"):
            (Path(folder) / path.name).symlink_to(path)
        for item in args.grids:
            name, sep, path = item.partition("=")
            if not sep or not Path(path).is_file():
                raise SystemExit(f"--grid needs NAME=PATH of an existing PNG (NAME like "
                                 f"fashion_mnist_GAN_epoch000_test_all_classes_ours.png), got {item!r}")
            (Path(folder) / name).symlink_to(Path(path).resolve())
        _say(grids.format_table(grids.score_reference_grids(folder, classifier_folder=Path(args.out) / "classifiers")))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m reproductions", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out", help="folder for runs, results and the report (default: out)")
    parser.add_argument("--dataset", default="fashion-mnist", choices=catalog.DATASETS,
                        help="fashion-mnist (offline, default) or mnist (needs its files)")
    parser.add_argument("--catalog", metavar="DIR", help="user catalog: your own scripts' entries and baselines "
                                                         f"(default: ./{catalog.USER_CATALOG}/)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list").set_defaults(func=cmd_list)
    add = commands.add_parser("add", usage="python -m reproductions [--catalog DIR] add NAME SCRIPT [--steps N] "
                                           "[--seed S] [-- SCRIPT ARGS...]",
                              help="register your own script (its entry and baselines go in the user catalog)")
    add.add_argument("name", help="the entry's name: letters, digits, '_' and '-'")
    add.add_argument("script", help="the Python script, run unchanged under the compat runner")
    add.add_argument("--steps", type=int, help="training steps of a smoke run (record, check; default 20)")
    add.add_argument("--seed", type=int, default=1, help="the runner's --seed (default 1)")
    add.set_defaults(func=cmd_add)
    quality = commands.add_parser("quality")
    quality.add_argument("--grid", dest="grids", action="append", default=[], metavar="NAME=PATH",
                         help="also score this grid, named upstream-style so it lands beside its upstream peers")
    quality.set_defaults(func=cmd_quality)
    for name, func in (("run", cmd_run), ("check", cmd_check), ("record", cmd_record), ("report", cmd_report),
                       ("publish", cmd_publish)):
        sub = commands.add_parser(name)
        sub.add_argument("names", nargs="*")
        sub.add_argument("--all", action="store_true")
        if name == "run":
            sub.add_argument("--full", action="store_true",
                             help="the script's full length instead of a smoke run, scored at its checkpoints")
            sub.add_argument("--resume", action="store_true",
                             help="continue an interrupted full run from its last checkpoint (000 and 001)")
            sub.add_argument("--steps", type=int, help="stop after this many training steps (default: smoke "
                                                       "length, or the script's own length with --full)")
        if name == "check":
            sub.add_argument("--report", action="store_true", help="also write the report")
        sub.set_defaults(func=func)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["matrix"]:  # the release matrix has options of its own (reproductions/matrix.py, docs/matrix.md)
        from reproductions import matrix

        return matrix.main(argv[1:])
    script_args = []
    if "add" in argv and "--" in argv[argv.index("add"):]:  # add's `-- SCRIPT ARGS`: the script's, not ours
        cut = argv.index("--", argv.index("add"))
        argv, script_args = argv[:cut], argv[cut + 1:]
    args = parser.parse_args(argv)
    args.script_args = script_args
    if getattr(args, "steps", None) is not None and args.steps < 1:
        raise SystemExit(f"python -m reproductions {args.command}: --steps must be at least 1, got {args.steps}")
    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if args.command in ("list", "add"):  # they write nothing in OUT
            return args.func(args)
        with _out_lock(args) as lock:
            if lock.stale:
                _say(f"{lock.path} was left by pid {lock.stale}, which no longer holds it: taken over")
            return args.func(args)
    except Stopped as stop:
        notes = getattr(stop, "__notes__", None) or ["no training run was in progress"]
        print(f"python -m reproductions {args.command}: stopped by {stop.signal.name}; {'; '.join(notes)}",
              file=sys.stderr, flush=True)
        return 128 + stop.signal
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGINT (Ctrl-C) reached the harness: it ends its training run's process group (``execute.run``)
    and exits with 128 + the signal's number, saying what it ended."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signal = signal.Signals(signum)


def _stop(signum, frame):
    for sig in (signal.SIGTERM, signal.SIGINT):  # a second signal must not cut the clean-up short (it is bounded)
        signal.signal(sig, signal.SIG_IGN)
    raise Stopped(signum)


def _out_lock(args):
    """The --out folder, locked for this harness; a bad or busy folder is refused in one line."""
    lock = execute.OutLock(args.out)
    try:
        return lock.acquire()
    except execute.OutBusy as error:
        raise SystemExit(f"python -m reproductions {args.command}: {error}") from None
    except OSError as error:
        why = "it is a file" if Path(args.out).is_file() else error.strerror or str(error)
        raise SystemExit(f"python -m reproductions {args.command}: cannot use --out {args.out}: {why}; give a "
                         "folder you can write") from None


if __name__ == "__main__":
    sys.exit(main())

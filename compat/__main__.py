"""Command line: ``python -m compat run SCRIPT [ARGS...]`` and ``python -m compat explain SCRIPT``."""
import argparse
import json
import sys


def _count(minimum):
    """An argparse type: an integer of at least ``minimum`` (a bad value is argparse's one-line error, status 2)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


class _PrintPatches(argparse.Action):
    """``explain --patches``: print the patch registry and exit (no SCRIPT needed)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from compat import patches

        print(patches.format_table())
        parser.exit(0)


class _PrintCoverage(argparse.Action):
    """``explain --coverage``: sweep the TF 1.15 public surface through the runtime, print the figures and exit."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from compat import coverage, runner

        runner.import_tensorflow_quietly()
        from tensorflow.python.util import deprecation

        with deprecation.silence():  # the sweep touches every deprecated name once: their warnings are not news
            print(coverage.format_report(coverage.sweep(), show=("raw",)))
        parser.exit(0)


def _parser():
    parser = argparse.ArgumentParser(prog="python -m compat", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run a TF1-era script unchanged on today's TensorFlow")
    run.add_argument("--era", choices=["auto", "tf1", "tf2"], default="auto",
                     help="TF1 graph mode or TF2 eager; auto reads the script (default)")
    run.add_argument("--seed", type=_count(0), help="graph-level seed of every new graph, NumPy's and random's seed")
    run.add_argument("--deterministic", action="store_true", help="TensorFlow op determinism")
    run.add_argument("--max-steps", type=_count(0), metavar="N", help="stop cleanly (status 0) after N training steps")
    run.add_argument("--record", metavar="FILE", help="write steps, losses and variables as JSON lines")
    run.add_argument("--record-shape", action="append", default=[], metavar="LABEL=EXPR",
                     help="also record the shape of EXPR (a name in the script's globals) at the end")
    run.add_argument("--dump-weights", metavar="FILE.npz",
                     help="save every variable's value before its first update (the run's initial weights)")
    run.add_argument("--dataset", choices=["mnist", "fashion-mnist"],
                     help="what the default MNIST source serves (Fashion-MNIST is the offline stand-in)")
    run.add_argument("--xla", action="store_true", help="graph-level XLA JIT without editing the script")
    run.add_argument("--sampler", metavar="MODULE:FUNCTION",
                     help="function(script_globals, session) -> dict of arrays, saved at checkpoints")
    run.add_argument("--sample-every", type=_count(1), metavar="N",
                     help="call the sampler before the first training step and after every N-th")
    run.add_argument("--samples-dir", default="samples-by-step", metavar="DIR",
                     help="where the sampler's step-<k>.npz files go (default: samples-by-step)")
    run.add_argument("--resume-at-step", type=_count(0), default=0, metavar="K",
                     help="the script restores a checkpoint taken after K steps: number steps from K+1, count K "
                          "towards --max-steps and append to --record")
    run.add_argument("--workdir", metavar="DIR",
                     help="run the script as if started from DIR (created if missing); SCRIPT and the output "
                          "paths above stay relative to where you are")
    run.add_argument("--verbose", action="store_true", help="show TensorFlow's start-up logs too")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")

    explain = commands.add_parser("explain", help="list the era APIs a script uses and what each became")
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument("--patches", action=_PrintPatches,
                         help="instead of a script: list every change the runtime makes to TensorFlow & co")
    explain.add_argument("--coverage", action=_PrintCoverage,
                         help="instead of a script: served / dead end / generic / raw for every TF 1.15 public name")
    explain.add_argument("script")
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.command == "run":
        from compat.runner import RunOptions, run

        shapes = {}
        for item in args.record_shape:
            label, sep, expression = item.partition("=")
            if not sep:
                _parser().error(f"--record-shape needs LABEL=EXPR, got {item!r}")
            shapes[label] = expression
        options = RunOptions(era=args.era, seed=args.seed, deterministic=args.deterministic,
                             max_steps=args.max_steps, record=args.record, record_shapes=shapes,
                             dump_weights=args.dump_weights, dataset=args.dataset, xla=args.xla,
                             sampler=args.sampler, sample_every=args.sample_every, samples_dir=args.samples_dir,
                             resume_at_step=args.resume_at_step, workdir=args.workdir, verbose=args.verbose)
        return run(args.script, args.args, options)
    from compat import explain

    try:
        report = explain.explain(args.script)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError) as error:
        print(f"compat explain: cannot read {args.script}: {error}", file=sys.stderr)
        return 2
    if args.json:
        for path, reason in report.skipped:
            print(f"compat explain: skipped {path}: {reason}", file=sys.stderr)
        print(json.dumps(explain.as_json(report), indent=1))
    else:
        print(explain.format_report(args.script, report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

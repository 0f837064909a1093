#!/usr/bin/env bash
# Set up this machine and run the suite. Safe to repeat: each step is skipped when already done.
#
#   bash suite.sh harness   # the main job: every reproduction checked against its baseline, plus the report
#   bash suite.sh test      # the test suite (what CI runs)
#
# Set-up: Debian's Fashion-MNIST (the offline dataset; needs root or sudo), then a virtual environment .venv with
# the project and its pinned-compatible dependencies (pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")"

FASHION=/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
if [ ! -f "$FASHION" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "suite.sh: installing Debian's dataset-fashion-mnist" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import compat, reproductions, tensorflow, tf_keras, tf_slim, pytest" 2>/dev/null; then
  echo "suite.sh: creating .venv and installing the project (TensorFlow is large: a few minutes)" >&2
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
fi

what="${1:-}"
shift || true
case "$what" in
  harness) exec .venv/bin/python -m reproductions "$@" check --all --report ;;  # options: --dataset, --out
  test)    exec .venv/bin/python -m pytest "$@" ;;
  *)       echo "usage: bash suite.sh harness|test [extra arguments]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Create benchmarks/.negmas-venv and install NegMAS 0.16 into it.
#
# NegMAS is AGPL-3.0-or-later: it is a benchmark-only dependency that lives in its own virtual
# environment. accord never imports it; only benchmarks/negmas_side.py runs inside this venv.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.negmas-venv"
PY="${PY:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import negmas, sys; sys.exit(0 if negmas.__version__.startswith('0.16') else 1)" 2>/dev/null; then
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q "negmas==0.16.*"
fi
"$VENV/bin/python" -c "import negmas, numpy; print('negmas', negmas.__version__, 'numpy', numpy.__version__)"

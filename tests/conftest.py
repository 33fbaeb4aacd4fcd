"""Session set-up shared by every test package.

The reference data (GENIUS domains, oracle tables, sourced facts) live outside the repository, in the
workspace's ``shared/`` folder, read in place. Tests find it through ``ACCORD_SHARED``; when that is not
set, the first of ``<repo>/../shared`` and ``/work/shared`` that exists is used, so a fresh clone
anywhere on this machine (as CI makes) still finds it.
"""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]


def _shared() -> Path:
    env = os.environ.get("ACCORD_SHARED")
    if env:
        return Path(env)
    for cand in (_ROOT.parent / "shared", Path("/work/shared")):
        if (cand / "data" / "genius").is_dir():
            return cand
    raise RuntimeError(
        "the reference data folder shared/ was not found: set ACCORD_SHARED to its path "
        f"(looked in {_ROOT.parent / 'shared'} and /work/shared)"
    )


os.environ["ACCORD_SHARED"] = str(_shared())

# Property-based tests draw their examples from a fixed seed (same run, same examples: CI results do not
# depend on luck) and have no per-example time limit (timing belongs in benchmarks/, not tests). Set
# HYPOTHESIS_PROFILE=explore to draw fresh examples locally.
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
_hyp_settings.register_profile("explore", deadline=None)
_hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

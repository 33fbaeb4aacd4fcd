"""Random compliance (`random(p=...)`): refused at load, with the field named, where a stage values deals
as implemented (an exact expectation); with nominal valuation `run`, `questions` and Monte Carlo work by
simulation. The web API answers 422, not 500."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from accord import api
from accord.errors import InputError
from accord.io.talks import talks_from_document

from .toy import toy


def _random(valuation: str) -> dict:
    d = toy()
    d["implementation"]["compliance"] = {"b": "random(p=0.3)", "a": "faithful"}
    d["tracks"][1]["valuation"] = valuation
    return d


def test_refused_at_load_with_implemented_valuation():
    with pytest.raises(InputError) as exc:
        talks_from_document(_random("implemented"), "toy.yaml")
    assert exc.value.field == "implementation.compliance.b" and "valuation: implemented" in str(exc.value)


def test_a_variant_that_makes_the_valuation_implemented_is_refused_too():
    d = _random("nominal")
    d["variants"]["priced"] = {"tracks": [{"name": "summit", "valuation": "implemented"}]}
    talks_from_document(d, "toy.yaml")
    with pytest.raises(InputError) as exc:
        talks_from_document(d, "toy.yaml", variant="priced")
    assert "implementation.compliance.b" in exc.value.field


def test_nominal_valuation_runs_by_simulation(tmp_path):
    path = tmp_path / "toy.yaml"
    path.write_text(yaml.safe_dump(_random("nominal")))
    s = api.run_talks(path, runs=40, seed=0)
    cheat = s["implementation"]
    assert 0 <= cheat["completed_rate"] <= 1
    q = api.questions(path, runs=3, seed=0)
    assert all(
        v.get("note", "").startswith("random compliance") for v in q["relief_under_private_facts"].values()
    )
    out = api.implement(path, runs=2000, seed=1)
    assert "exact" not in out
    # one delivery of b per step where b owes one; each cheated with p = 0.3 until caught
    assert 0.3 <= out["simulated"]["cheating_rate"]["b"] <= 1.0
    assert np.isfinite(out["simulated"]["realised_utilities"]["b"])


def test_web_run_answers_422(tmp_path):
    from fastapi.testclient import TestClient

    from accord.web import Settings, create_app

    c = TestClient(create_app(Settings(library=(tmp_path,))))
    text = yaml.safe_dump(copy.deepcopy(_random("implemented")))
    r = c.post("/api/uploads", files={"file": ("random.yaml", text.encode(), "text/plain")})
    if r.status_code == 200:  # the upload checks the plain scenario; running it loads the talks
        r = c.post(f"/api/scenarios/{r.json()['id']}/run", json={"seed": 0})
    assert r.status_code == 422 and r.json()["error"]["field"] == "implementation.compliance.b"

"""Every published agent is registered once, declares its traits, and cites its paper."""

from __future__ import annotations

import importlib
import json

import pytest
import typer
from typer.testing import CliRunner

from accord.cli.strategies import register as register_cli
from accord.strategies import available, make
from accord.strategies.boa import BOA, available_components

AGENTS = {
    # name: (module, a surname the citation must carry)
    "hardheaded": ("hardheaded", "van Krimpen"),
    "agentk": ("agentk", "Kawaguchi"),
    "gahboninho": ("gahboninho", "Ben Adar"),
    "iamhaggler": ("iamhaggler", "Williams"),
    "cuhk_agent": ("cuhkagent", "Hao"),
    "agentlg": ("agentlg", "Williams"),
    "atlas3": ("atlas3", "Mori"),
    "pars_agent": ("parsagent", "Khosravimehr"),
    "caduceus": ("caduceus", "Güneş"),
    "micro": ("micro", "de Jonge"),
    "nice_tit_for_tat": ("bayesian_tft", "Baarslag"),
    "bayesian_tit_for_tat": ("bayesian_tft", "Hindriks"),
}


@pytest.mark.parametrize("name", sorted(AGENTS))
def test_agent_is_registered_with_traits_and_citation(name):
    info = available()[name]
    module, author = AGENTS[name]
    assert info.name == name and info.family and info.description
    assert author in info.source
    doc = importlib.import_module(f"accord.strategies.agents.{module}").__doc__
    assert author in doc
    assert "Choices made here" in doc or "Our reading" in doc  # where the description left a choice open


def test_at_least_twelve_published_agents_and_most_are_boa_compositions():
    assert len(AGENTS) >= 12
    boa = [n for n in AGENTS if isinstance(make(n), BOA)]
    assert set(AGENTS) - set(boa) == {"caduceus"}  # a committee of other agents, not one BOA triple


def test_components_declare_their_kind():
    comps = available_components()
    for key, info in comps.items():
        kind, name = key.split(":")
        assert info.kind == kind and info.name == name and info.source and info.description
    kinds = {k.split(":")[0] for k in comps}
    assert kinds == {"bidding", "model", "acceptance"}
    for must in (
        "acceptance:ac_next",
        "acceptance:ac_const",
        "acceptance:ac_time",
        "acceptance:ac_combi",
        "model:frequency",
        "model:bayesian",
        "bidding:boulware",
    ):
        assert must in comps


def _app():
    app = typer.Typer()
    register_cli(app)

    @app.callback()
    def main() -> None:  # a group, so that the command keeps its name
        pass

    return app


def test_cli_lists_every_strategy_as_json():
    res = CliRunner().invoke(_app(), ["strategies", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert all(set(r) == {"name", "family", "source", "description"} for r in rows)
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names))
    assert set(AGENTS) | {"boa", "boulware", "aspiration"} <= set(names)
    assert names == sorted(available())


def test_cli_lists_boa_components_and_a_table():
    res = CliRunner().invoke(_app(), ["strategies", "--boa", "--json"])
    rows = json.loads(res.output)
    assert {r["family"] for r in rows} == {"boa-bidding", "boa-model", "boa-acceptance"}
    table = CliRunner().invoke(_app(), ["strategies"])
    assert table.exit_code == 0 and "hardheaded" in table.output and "boa(" in table.output

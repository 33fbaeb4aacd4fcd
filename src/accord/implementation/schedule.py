"""An agreement's schedule of reciprocal steps, compiled to arrays.

Semantics (docs/models/implementation.md):
- Every issue starts at its status-quo value. An issue no scheduled action names is delivered at signature.
- An action ``issue = v`` of party p at step k moves the issue from the status quo toward the *agreed*
  value: to the milestone v, capped at the agreed value; the last action on an issue delivers the agreed
  value itself. An action pointing away from the agreed value, or on an issue agreed at its status quo, is
  vacuous (nothing to deliver). Categorical issues move only to the agreed value.
- ``only_if: fact``: the action exists only in worlds where the fact is true (e.g. dismantling hidden sites).
- An issue's *owner* is the party whose actions name it; consequences revert issues by owner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from accord.implementation.compliance import parse_compliance
from accord.model.beliefs import PrivateInfo, WorldArrays
from accord.model.scenario import Scenario
from accord.model.talks import CONSEQUENCES, ImplementationSpec

#: Consequence codes (index into CONSEQUENCES).
SNAPBACK, SUSPENSION, COLLAPSE, NONE = range(4)

#: Derived arrays of compiled implementations, by the arrays they derive from (experiments compile many
#: scenarios whose schedules are equal).
_DERIVED: dict[tuple, dict] = {}


@dataclass
class CompiledImplementation:
    """Arrays of one scenario's implementation: one entry per action ``a``, step ``k``, party ``p``, issue ``j``."""

    scenario: Scenario
    worlds: WorldArrays
    fact_names: tuple[str, ...]
    party_names: tuple[str, ...]
    step_names: tuple[str, ...]
    cards: np.ndarray  # (I,)
    strides: np.ndarray  # (I,)
    ordered: np.ndarray  # (I,) bool
    sq: np.ndarray  # (I,) status-quo value index
    irreversible: np.ndarray  # (I,) level from which a collapse does not revert; -1 none
    owner: np.ndarray  # (I,) party index; -1 for issues delivered at signature
    scheduled: np.ndarray  # (I,) bool: some action names the issue
    act_party: np.ndarray  # (A,)
    act_issue: np.ndarray
    act_value: np.ndarray
    act_step: np.ndarray
    act_only_if: np.ndarray  # fact index or -1
    act_detect: np.ndarray  # detection probability of a violation of this action when inspected
    act_last: np.ndarray  # bool: last action on its issue
    insp_rate: np.ndarray  # (K, P)
    on_detection: np.ndarray  # (P,) consequence code
    inspection_cost: float
    nuisance_cost: float
    compliance: np.ndarray  # (P,) code
    compliance_p: np.ndarray  # (P,) parameter (random)
    threat_party: int  # -1 none
    comp_share: np.ndarray  # (C,)
    comp_issue: np.ndarray
    comp_at: np.ndarray
    comp_only_if: np.ndarray
    relief_party: int  # -1 none
    private: PrivateInfo | None = None  # signals from inspections update beliefs in simulation

    @property
    def n_steps(self) -> int:
        return self.insp_rate.shape[0]

    @property
    def n_parties(self) -> int:
        return len(self.party_names)

    @property
    def n_actions(self) -> int:
        return self.act_party.shape[0]

    @property
    def stochastic(self) -> bool:
        from accord.implementation.compliance import RANDOM

        return bool((self.compliance == RANDOM).any())

    def digits(self, idx: np.ndarray) -> np.ndarray:
        """(M, I) value indices of outcome indices ``idx``."""
        a = np.asarray(idx, dtype=np.int64)
        return (a[:, None] // self.strides[None, :]) % self.cards[None, :]

    def encode(self, levels: np.ndarray) -> np.ndarray:
        return levels @ self.strides

    def direction(self, agreed: np.ndarray) -> np.ndarray:
        """(M, I) sign of the move from the status quo to the agreed value (ordered issues; 1 for any change of
        a categorical issue)."""
        d = np.sign(agreed - self.sq[None, :])
        return np.where(self.ordered[None, :], d, (agreed != self.sq[None, :]).astype(np.int64))

    def targets(self, agreed: np.ndarray, worlds: np.ndarray) -> np.ndarray:
        """(M, A) level each action delivers for agreements with digits ``agreed`` in ``worlds``; -1 if vacuous."""
        return self._targets(agreed, worlds)[0]

    def _targets(self, agreed: np.ndarray, worlds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Targets, and the levels of actions that do not exist in a row's world (``only_if`` false): there is
        nothing to deliver, so they count as delivered at signature (-1 elsewhere)."""
        M = agreed.shape[0]
        out = np.full((M, self.n_actions), -1, dtype=np.int64)
        trivial = np.full((M, self.n_actions), -1, dtype=np.int64)
        for a in range(self.n_actions):
            j = int(self.act_issue[a])
            s = int(self.sq[j])
            g = agreed[:, j]
            v = g if self.act_last[a] else np.full(M, int(self.act_value[a]))
            if self.ordered[j]:
                dg = np.sign(g - s)
                dv = np.sign(v - s)
                ok = (dg != 0) & (dv == dg)
                lvl = s + dg * np.minimum(np.abs(v - s), np.abs(g - s))
            else:
                ok = (g != s) & (v == g)
                lvl = g
            f = int(self.act_only_if[a])
            if f >= 0:
                exists = ((worlds >> f) & 1) == 1
                trivial[:, a] = np.where(ok & ~exists, lvl, -1)
                ok &= exists
            out[:, a] = np.where(ok, lvl, -1)
        return out, trivial

    def initial_levels(self, agreed: np.ndarray) -> np.ndarray:
        """Levels at signature: status quo for scheduled issues, the agreed value for the others."""
        return np.where(self.scheduled[None, :], self.sq[None, :], agreed)

    def _cache(self) -> dict:
        """Arrays derived from the schedule's structure, built on first use (the compiled arrays are not
        mutated) and shared between compiled implementations of equal structure (experiments compile many)."""
        c = self.__dict__.get("_derived")
        if c is None:
            key = (
                self.n_parties,
                self.n_steps,
                *(
                    (a.dtype.str, a.shape, a.tobytes())
                    for a in (
                        self.act_step,
                        self.act_party,
                        self.act_issue,
                        self.act_value,
                        self.act_last,
                        self.act_only_if,
                        self.comp_issue,
                        self.comp_at,
                        self.sq,
                        self.ordered,
                        self.scheduled,
                        self.cards,
                        self.strides,
                    )
                ),
            )
            c = _DERIVED.get(key)
            if c is None:
                c = self._derive()
                if len(_DERIVED) >= 256:
                    _DERIVED.clear()
                _DERIVED[key] = c
            self.__dict__["_derived"] = c
        return c

    def _derive(self) -> dict:
        j = self.comp_issue
        ok = np.flatnonzero(j >= 0)
        jj = j[ok]
        at = self.comp_at[ok]
        s = self.sq[jj]
        c = {
            "comp": (ok, jj, at, np.sign(at - s), self.ordered[jj], at != s, ok.size == j.size),
            "party_mask": [self.act_party == p for p in range(self.n_parties)],
            "others": [np.arange(self.n_parties) != p for p in range(self.n_parties)],
            "acts_at": [np.flatnonzero(self.act_step == k) for k in range(self.n_steps)],
            "acts_from": [np.flatnonzero(self.act_step >= k) for k in range(self.n_steps)],
            "others_idx": [[q for q in range(self.n_parties) if q != p] for p in range(self.n_parties)],
            "party_acts": [np.flatnonzero(self.act_party == p).tolist() for p in range(self.n_parties)],
            "sq": self.sq.tolist(),
            "ordered": self.ordered.tolist(),
        }
        comp_issues = set(self.comp_issue.tolist()) - {-1}
        c["moves_components"] = [
            any(int(self.act_issue[a]) in comp_issues for a in acts) for acts in c["acts_at"]
        ]
        c["acts_at_pj"] = [
            [(int(a), int(self.act_party[a]), int(self.act_issue[a])) for a in acts] for acts in c["acts_at"]
        ]
        c["plan_from"] = [
            [
                (int(b), int(self.act_issue[b]), int(self.act_party[b]), bool(self.act_step[b] == k))
                for b in bs
            ]
            for k, bs in enumerate(c["acts_from"])
        ]
        return c

    def opportunist_terms(self, k: int, col: int) -> tuple:
        """For the ``col``-th action of step k: the probability that a violation is found from step k on, and
        the expected nuisance cost of the owner's inspections from step k on (built once per step)."""
        terms = self.__dict__.setdefault("_opportunist", {})
        row = terms.get(k)
        if row is None:
            row = [
                (
                    1.0 - np.prod(1.0 - self.insp_rate[k:, p] * self.act_detect[a]),
                    self.nuisance_cost * self.insp_rate[k:, p].sum(),
                )
                for a, p, _ in self._cache()["acts_at_pj"][k]
            ]
            terms[k] = row
        return row[col]

    def reached_components(self, levels: np.ndarray) -> np.ndarray:
        """``reached(levels, comp_issue, comp_at)``, with the per-component arrays computed once."""
        ok, jj, at, d, ordered, moved, whole = self._cache()["comp"]
        lv = levels[:, jj]
        hit = np.where(ordered, (d != 0) & (d * (lv - at) >= 0), (lv == at) & moved)
        if whole:
            return hit
        out = np.zeros((levels.shape[0], self.comp_issue.shape[0]), dtype=bool)
        if ok.size:
            out[:, ok] = hit
        return out

    def reached(self, levels: np.ndarray, issue: np.ndarray | int, at: np.ndarray | int) -> np.ndarray:
        """True where ``levels[:, issue]`` has reached ``at`` going from the status quo (issue -1: never)."""
        j = np.asarray(issue)
        if j.ndim and (j < 0).any():
            out = np.zeros((levels.shape[0], j.shape[0]), dtype=bool)
            ok = np.flatnonzero(j >= 0)
            if ok.size:
                out[:, ok] = self.reached(levels, j[ok], np.asarray(at)[ok])
            return out
        s = self.sq[j]
        lv = levels[:, j]
        d = np.sign(np.asarray(at) - s)
        ordered = self.ordered[j]
        hit_ordered = (d != 0) & (d * (lv - at) >= 0)
        hit_cat = (lv == at) & (np.asarray(at) != s)
        return np.where(ordered, hit_ordered, hit_cat)


def compile_implementation(
    scenario: Scenario, spec: ImplementationSpec, worlds: WorldArrays, private: PrivateInfo
) -> CompiledImplementation:
    """Compile a validated implementation spec (names already checked by the loader)."""
    fact_names = private.names
    space = scenario.space
    names = scenario.party_names
    P = len(names)
    n_iss = len(space.issues)
    K = len(spec.steps)
    sq = np.array([spec.status_quo.get(iss.name, 0) for iss in space.issues], dtype=np.int64)
    irr = np.array([spec.irreversible.get(iss.name, -1) for iss in space.issues], dtype=np.int64)
    ordered = np.array([iss.ordered for iss in space.issues], dtype=bool)
    rows = [(k, a) for k, st in enumerate(spec.steps) for a in st.actions]
    A = len(rows)
    act_party = np.array([names.index(a.party) for _, a in rows], dtype=np.int64)
    act_issue = np.array([space.issue_position(a.issue) for _, a in rows], dtype=np.int64)
    act_value = np.array([a.value for _, a in rows], dtype=np.int64)
    act_step = np.array([k for k, _ in rows], dtype=np.int64)
    act_only_if = np.array(
        [fact_names.index(a.only_if) if a.only_if else -1 for _, a in rows], dtype=np.int64
    )
    ver = spec.verification
    act_detect = np.array(
        [
            a.detection_probability
            if a.detection_probability is not None
            else ver.detection_probability.get(a.party, 1.0)
            for _, a in rows
        ],
        dtype=np.float64,
    )
    act_last = np.zeros(A, dtype=bool)
    owner = np.full(n_iss, -1, dtype=np.int64)
    scheduled = np.zeros(n_iss, dtype=bool)
    for a in range(A):
        j = act_issue[a]
        later = [b for b in range(a + 1, A) if act_issue[b] == j]
        act_last[a] = not later
        scheduled[j] = True
        owner[j] = act_party[a]
    insp = np.zeros((K, P), dtype=np.float64)
    for k, st in enumerate(spec.steps):
        for p, n in enumerate(names):
            insp[k, p] = st.inspection_rate.get(n, ver.inspection_rate.get(n, 0.0))
    on_det = np.array([CONSEQUENCES.index(ver.on_detection.get(n, "none")) for n in names], dtype=np.int64)
    comp = [parse_compliance(spec.compliance.get(n, "faithful")) for n in names]
    tp = names.index(spec.threat_party) if spec.threat_party else -1
    rp = names.index(spec.relief_party) if spec.relief_party else -1
    return CompiledImplementation(
        scenario=scenario,
        worlds=worlds,
        fact_names=fact_names,
        party_names=names,
        step_names=tuple(st.name for st in spec.steps),
        cards=space.cards.astype(np.int64),
        strides=space.strides.astype(np.int64),
        ordered=ordered,
        sq=sq,
        irreversible=irr,
        owner=owner,
        scheduled=scheduled,
        act_party=act_party,
        act_issue=act_issue,
        act_value=act_value,
        act_step=act_step,
        act_only_if=act_only_if,
        act_detect=act_detect,
        act_last=act_last,
        insp_rate=insp,
        on_detection=on_det,
        inspection_cost=float(ver.inspection_cost),
        nuisance_cost=float(ver.nuisance_cost),
        compliance=np.array([c for c, _ in comp], dtype=np.int64),
        compliance_p=np.array([p for _, p in comp], dtype=np.float64),
        threat_party=tp,
        comp_share=np.array([c.share for c in spec.threat], dtype=np.float64),
        comp_issue=np.array(
            [space.issue_position(c.issue) if c.issue else -1 for c in spec.threat], dtype=np.int64
        ),
        comp_at=np.array([c.at for c in spec.threat], dtype=np.int64),
        comp_only_if=np.array(
            [fact_names.index(c.only_if) if c.only_if else -1 for c in spec.threat], dtype=np.int64
        ),
        relief_party=rp,
        private=private,
    )

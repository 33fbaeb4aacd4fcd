"""An agreement's schedule of reciprocal steps compiled to arrays: one run (:class:`CompiledImplementation`)
and the numbers the engine reads per row (:class:`RunParams`; semantics in :mod:`accord.implementation.schedule`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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

    def opportunist_terms(self, k: int, col: int) -> tuple[float, float]:
        """For the ``col``-th action of step k: the probability that a violation is found from step k on, and
        the expected nuisance cost of the owner's inspections from step k on (built once per step)."""
        q, nuis = self.run_params().opportunist(self, k)
        return float(q[0, col]), float(nuis[0, col])

    def inspection_signals(self) -> tuple[tuple[int, int, int], ...]:
        """(sender, observer, fact) of every inspection signal of the private information, in declaration order."""
        if self.private is None:
            return ()
        names = list(self.party_names)
        return tuple(
            (names.index(sg.sender), names.index(sg.observer), self.private.fact_index(sg.fact))
            for sg in self.private.signals
            if sg.kind == "inspection"
        )

    def run_params(self) -> RunParams:
        """This implementation's numbers as a stack of one run (built once; rebuilt if a field is replaced)."""
        key = (
            id(self.worlds),
            id(self.worlds.utilities),
            id(self.insp_rate),
            id(self.act_detect),
            id(self.compliance_p),
            id(self.comp_share),
            id(self.private),
            self.inspection_cost,
            self.nuisance_cost,
        )
        hit = self.__dict__.get("_run_params")
        if hit is None or hit[0] != key:
            sigs = [sg for sg in self.private.signals if sg.kind == "inspection"] if self.private else []
            par = RunParams(
                utilities=self.worlds.utilities[None],
                insp_rate=self.insp_rate[None],
                act_detect=self.act_detect[None],
                inspection_cost=np.array([self.inspection_cost], dtype=np.float64),
                nuisance_cost=np.array([self.nuisance_cost], dtype=np.float64),
                compliance_p=self.compliance_p[None],
                comp_share=self.comp_share[None],
                signal_p_true=np.array([[sg.p_true for sg in sigs]], dtype=np.float64).reshape(1, len(sigs)),
                signal_p_false=np.array([[sg.p_false for sg in sigs]], dtype=np.float64).reshape(
                    1, len(sigs)
                ),
            )
            # the keyed objects are kept with the entry, so their ids cannot be reused by replacements
            hit = (
                key,
                par,
                (
                    self.worlds,
                    self.insp_rate,
                    self.act_detect,
                    self.compliance_p,
                    self.comp_share,
                    self.private,
                ),
            )
            self.__dict__["_run_params"] = hit
        return hit[1]

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


def _numbers(spec: ImplementationSpec, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The numbers of an implementation spec (the rest is structure): detection per action, inspection rate
    per step and party, the random compliance parameter per party, the threat shares."""
    ver = spec.verification
    rows = [a for st in spec.steps for a in st.actions]
    act_detect = np.array(
        [
            a.detection_probability
            if a.detection_probability is not None
            else ver.detection_probability.get(a.party, 1.0)
            for a in rows
        ],
        dtype=np.float64,
    )
    insp = np.zeros((len(spec.steps), len(names)), dtype=np.float64)
    for k, st in enumerate(spec.steps):
        for p, n in enumerate(names):
            insp[k, p] = st.inspection_rate.get(n, ver.inspection_rate.get(n, 0.0))
    comp = [parse_compliance(spec.compliance.get(n, "faithful")) for n in names]
    return {
        "act_detect": act_detect,
        "insp_rate": insp,
        "compliance_p": np.array([p for _, p in comp], dtype=np.float64),
        "comp_share": np.array([c.share for c in spec.threat], dtype=np.float64),
    }


def compile_implementation(
    scenario: Scenario, spec: ImplementationSpec, worlds: WorldArrays, private: PrivateInfo
) -> CompiledImplementation:
    """Compile a validated implementation spec (names already checked by the loader)."""
    fact_names = private.names
    space = scenario.space
    names = scenario.party_names
    n_iss = len(space.issues)
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
    num = _numbers(spec, names)
    act_detect = num["act_detect"]
    act_last = np.zeros(A, dtype=bool)
    owner = np.full(n_iss, -1, dtype=np.int64)
    scheduled = np.zeros(n_iss, dtype=bool)
    for a in range(A):
        j = act_issue[a]
        later = [b for b in range(a + 1, A) if act_issue[b] == j]
        act_last[a] = not later
        scheduled[j] = True
        owner[j] = act_party[a]
    insp = num["insp_rate"]
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
        compliance_p=num["compliance_p"],
        threat_party=tp,
        comp_share=num["comp_share"],
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


# ------------------------------------------------------------------------------------------ many runs


@dataclass
class RunParams:
    """The numbers of R runs of one implementation structure, each with a leading run axis.

    ``utilities[r, p, w, ω]`` party p's utility of outcome ω in world w (run r); ``insp_rate[r, k, p]``;
    ``act_detect[r, a]``; ``inspection_cost[r]``, ``nuisance_cost[r]``; ``compliance_p[r, p]`` (the p of
    ``random(p)``); ``comp_share[r, c]`` (threat components); ``signal_p_true[r, s]`` / ``signal_p_false[r, s]``
    the likelihoods of the s-th inspection signal (:meth:`CompiledImplementation.inspection_signals` order).
    The arrays are read, never written (derived arrays are cached); ``dataclasses.replace`` makes new ones.
    """

    utilities: np.ndarray
    insp_rate: np.ndarray
    act_detect: np.ndarray
    inspection_cost: np.ndarray
    nuisance_cost: np.ndarray
    compliance_p: np.ndarray
    comp_share: np.ndarray
    signal_p_true: np.ndarray
    signal_p_false: np.ndarray
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # derived arrays

    @property
    def n_runs(self) -> int:
        return self.utilities.shape[0]

    def check(self, base: CompiledImplementation) -> None:
        """Raise ValueError unless every array has the run axis and the shape ``base``'s structure implies."""
        R = self.n_runs
        S = len(base.inspection_signals())
        want = {
            "utilities": (R, *base.worlds.utilities.shape),
            "insp_rate": (R, *base.insp_rate.shape),
            "act_detect": (R, base.n_actions),
            "inspection_cost": (R,),
            "nuisance_cost": (R,),
            "compliance_p": (R, base.n_parties),
            "comp_share": (R, base.comp_share.shape[0]),
            "signal_p_true": (R, S),
            "signal_p_false": (R, S),
        }
        for name, shape in want.items():
            got = np.shape(getattr(self, name))
            if got != shape:
                raise ValueError(f"run parameters: {name} has shape {got}, expected {shape}")

    @property
    def flat_utilities(self) -> np.ndarray:
        """``utilities`` as one flat array (index ``((r·P + p)·W + w)·n + ω``)."""
        flat = self._memo.get("flat")
        if flat is None:
            flat = np.ascontiguousarray(self.utilities).reshape(-1)
            self._memo["flat"] = flat
        return flat

    def opportunist(self, base: CompiledImplementation, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For every action of step k (columns, in schedule order) and run (rows): the probability that a
        violation is found from step k on, and the expected nuisance cost of the owner's inspections from step
        k on. Each row is computed exactly as for one run alone (row-wise reductions)."""
        key = ("opp", k)
        hit = self._memo.get(key)
        if hit is None:
            acts = base._cache()["acts_at_pj"][k]
            R = self.n_runs
            q = np.empty((R, len(acts)))
            nuis = np.empty((R, len(acts)))
            for col, (a, p, _) in enumerate(acts):
                rates = self.insp_rate[:, k:, p]
                q[:, col] = 1.0 - np.prod(1.0 - rates * self.act_detect[:, a, None], axis=1)
                nuis[:, col] = self.nuisance_cost * rates.sum(axis=1)
            hit = (q, nuis)
            self._memo[key] = hit
        return hit


#: Arrays that must be equal in every stacked run (the schedule's structure).

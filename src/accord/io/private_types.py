"""Read a scenario's private types (``private.types`` and ``private.type_priors``; schema in
:mod:`accord.io.schema_talks`) into :class:`accord.bargaining.types.PrivateType`, checking every name: a type
owned by an unknown party, an empty range, a prior held by an unknown party or by the type's owner, or a prior
over a type that is not declared is an InputError naming the file and the field."""

from __future__ import annotations

from accord.bargaining.types import PrivateType, UniformType
from accord.errors import InputError
from accord.io import schema_talks as T
from accord.model.talks import TalksScenario

__all__ = ["read_private_types"]


def _uniform(file: str | None, field: str, r: tuple[float, float]) -> UniformType:
    if not r[0] < r[1]:
        raise InputError(file, field, "[low, high] with low < high", list(r))
    return UniformType(float(r[0]), float(r[1]))


def read_private_types(ts: TalksScenario) -> dict[str, PrivateType]:
    """The private types of ``ts`` by name (empty when it declares none)."""
    raw = (ts.document or {}).get("private")
    if not isinstance(raw, dict) or not (raw.get("types") or raw.get("type_priors")):
        return {}
    file = ts.scenario.path
    spec = T.PrivateSpec.model_validate(raw)  # already validated when the scenario was loaded
    names = list(ts.party_names)

    def party(name: str, field: str) -> int:
        if name not in names:
            raise InputError(file, field, f"a party, one of {names}", name)
        return names.index(name)

    owners = {t: party(s.party, f"private.types.{t}.party") for t, s in spec.types.items()}
    priors: dict[str, dict[int, UniformType]] = {t: {} for t in spec.types}
    for obs, by_type in spec.type_priors.items():
        o = party(obs, f"private.type_priors.{obs}")
        for t, r in by_type.items():
            field = f"private.type_priors.{obs}.{t}"
            if t not in spec.types:
                raise InputError(file, field, f"a declared private type, one of {list(spec.types)}", t)
            if o == owners[t]:
                raise InputError(file, field, f"a party other than {obs}, which owns {t} and knows it", obs)
            priors[t][o] = _uniform(file, field, r)
    return {
        t: PrivateType(t, owners[t], s.kind, _uniform(file, f"private.types.{t}.range", s.range), priors[t])
        for t, s in spec.types.items()
    }

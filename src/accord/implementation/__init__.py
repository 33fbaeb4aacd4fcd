"""Implementation of agreements: phased schedules, compliance strategies, verification, inspection games.

- :mod:`~accord.implementation.schedule`: an agreement's schedule of reciprocal steps compiled to arrays;
- :mod:`~accord.implementation.compliance`: faithful, opportunist, conditional and random compliance;
- :mod:`~accord.implementation.steps`: the rules of one step on arrays with a row per run (decisions,
  deliveries, inspections, detections, consequences, results);
- :mod:`~accord.implementation.engine`: seeded simulation (vectorised over runs) and the exact expectation
  (vectorised over agreements) of the same process;
- :mod:`~accord.implementation.inspection_game`: the 2x2 inspection game, inspector leadership and
  Dresher's recursive game in closed form (Avenhaus, von Stengel & Zamir 2002; Dresher 1962).
"""

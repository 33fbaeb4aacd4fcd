"""Rules of bargaining under incomplete information and time, as typed pure functions on arrays.

Every function takes arrays with a leading run axis (B runs) where runs differ, so a kernel playing B runs at
once can call it; each cites its source and is tested against its closed form (tests/bargaining):

- :mod:`~accord.bargaining.types`: private types drawn per run from a declared prior; the other side's
  (possibly different) prior on a grid; acceptance probabilities and Bayes updates with likelihoods derived
  from the type-dependent strategy itself;
- :mod:`~accord.bargaining.screening`: the screening proposer (take-it-or-leave-it offer maximising expected
  utility given the acceptance probability), with public commitments and audience costs (Fearon 1994);
- :mod:`~accord.bargaining.double_auction`: the Chatterjee–Samuelson (1983) linear double auction;
- :mod:`~accord.bargaining.breakdown`: discounting, per-round costs and exogenous breakdown risk
  (Rubinstein 1982; Binmore, Rubinstein & Wolinsky 1986).

Only numpy below this package: it sits at the bottom of the layers, beside :mod:`accord.model`.
"""

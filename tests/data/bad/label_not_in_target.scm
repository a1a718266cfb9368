exogenous U ~ Bernoulli(1/2)
W in {lo, hi} := if U then lo else mid

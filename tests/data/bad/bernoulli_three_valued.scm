exogenous U in {lo, mid, hi} ~ Bernoulli(1/2)
X := U == hi

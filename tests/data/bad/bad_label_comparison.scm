exogenous U in {lo, mid, hi} ~ Uniform
W in {lo, mid, hi} := U
Y := W == high

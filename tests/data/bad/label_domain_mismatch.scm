exogenous U in {lo, hi} ~ Uniform
X := not U

exogenous U in {lo, if, hi} ~ Uniform
X := U == lo

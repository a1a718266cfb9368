exogenous U in {lo, hi} ~ (1/2, 1/2, 0
X := U == hi
Y in {a, b} := (X and
Z := Y == b and U == lo

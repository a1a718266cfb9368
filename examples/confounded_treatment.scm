# The confounded treatment of SPEC §2: U_C drives both the treatment X and the outcome Y,
# so P(Y=1 | X=1) differs from P(Y=1 | do(X=1)). W is a three-valued side condition.
exogenous U_C ~ Bernoulli(3/10)
exogenous U_X ~ Bernoulli(2/5)
exogenous U_W in {lo, mid, hi} ~ (1/2, 1/4, 1/4)
X := U_X xor U_C
W in {lo, mid, hi} := U_W
Y := (X or U_C) and not (W == hi)

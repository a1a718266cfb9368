# Mediation: X acts on Y directly and through M; Z confounds X and Y and is observed.
exogenous U_Z ~ Bernoulli(1/2)
exogenous U_X ~ Bernoulli(1/4)
exogenous U_M ~ Bernoulli(1/3)
exogenous U_Y ~ Bernoulli(1/5)
Z := U_Z
X := Z xor U_X
M := X xor U_M
Y := (X and M) or (Z and U_Y)

# Frontdoor: a hidden common cause U of smoking and cancer; smoking acts on cancer through tar only.
# `rung identify examples/frontdoor.scm -q 'P(Cancer=1 | do(Smoking=1))' --evaluate` prints the
# frontdoor formula and its exact value on the observed distribution, equal to `rung solve`'s.
exogenous U ~ Bernoulli(2/5)
exogenous U_X ~ Bernoulli(1/4)
exogenous U_M ~ Bernoulli(1/5)
exogenous U_Y ~ Bernoulli(1/10)
Smoking := U xor U_X
Tar := Smoking xor U_M
Cancer := (Tar or U) xor U_Y

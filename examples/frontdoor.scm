# Frontdoor: a hidden genotype causes both smoking and cancer; smoking acts on cancer through tar
# only. `rung identify examples/frontdoor.scm -q 'P(Cancer=1 | do(Smoking=1))' --evaluate` prints
# the frontdoor formula and its exact value on the observed distribution, equal to `rung solve`'s.
exogenous U ~ Bernoulli(2/5)
exogenous U_X ~ Bernoulli(1/4)
exogenous U_M ~ Bernoulli(1/5)
exogenous U_Y ~ Bernoulli(1/10)
Genotype := U
Smoking := Genotype xor U_X
Tar := Smoking xor U_M
Cancer := (Tar or Genotype) xor U_Y
hidden Genotype  # not observed: identification works from Smoking, Tar and Cancer alone

# An instrument: Z (a randomised encouragement to take a treatment) -> X (treatment taken) -> Y
# (recovery), and a hidden U (frailty) that sways both whether a patient takes the treatment and
# whether they recover. P(Y | do(X)) is not identifiable, but Z narrows its bounds:
# `rung identify examples/instrument.scm -q 'P(Y=1 | do(X=1))' --evaluate`.
exogenous U ~ Bernoulli(2/5)
exogenous U_Z ~ Bernoulli(1/2)
exogenous U_X ~ Bernoulli(1/5)
exogenous U_Y ~ Bernoulli(3/10)
Z := U_Z
X := (Z and not U_X) or (U and U_X)
Y := (X and not U) or (U_Y and not U)

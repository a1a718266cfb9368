# A CLadder-style mediation model with Bernoulli noise: treatment X affects outcome Y directly
# and through mediator M. Each endogenous variable has its own noise, so the model is Markovian;
# NDE and NIE are identified. Response-type noise: U_M0 and U_M1 say what M does without and
# with treatment.
exogenous U_X ~ Bernoulli(0.4)
exogenous U_M0 ~ Bernoulli(0.2)   # M turns on without treatment
exogenous U_M1 ~ Bernoulli(0.7)   # M turns on under treatment
exogenous U_Y ~ Bernoulli(1/4)
X := U_X
M := if X then U_M1 else U_M0
Y := (X and M) or (M xor U_Y)

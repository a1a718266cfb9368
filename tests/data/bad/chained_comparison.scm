exogenous U ~ Bernoulli(1/2)
X := U == 1 == 0

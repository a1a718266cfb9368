exogenous U ~ Bernoulli(1/2)
exogenous U ~ Bernoulli(1/3)
X := U

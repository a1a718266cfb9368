exogenous U ~ Bernoulli(3/2)
X := U

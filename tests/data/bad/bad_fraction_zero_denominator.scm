exogenous U ~ Bernoulli(1/0)
X := U

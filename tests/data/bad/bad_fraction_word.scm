exogenous U ~ Bernoulli(abc)
X := U

exogenous U ~ Bernoulli(1/2)
X := U  and U
Y := U

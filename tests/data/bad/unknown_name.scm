exogenous U ~ Bernoulli(1/2)
X := U
Y := X and Z

exogenous U ~ Bernoulli(1/2)
X := U and
Y := X or V

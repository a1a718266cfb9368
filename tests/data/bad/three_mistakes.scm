exogenous U ~ Bernoulli(0.3)
exogenous V ~ (1/2, 1/3)
X := U and
Y := X or Q

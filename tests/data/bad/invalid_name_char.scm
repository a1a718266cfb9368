exogenous U ~ Bernoulli(1/2)
X! := U
Y := X
Z-1 := U

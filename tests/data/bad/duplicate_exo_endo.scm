exogenous U ~ Bernoulli(1/2)
X := U
U := not X

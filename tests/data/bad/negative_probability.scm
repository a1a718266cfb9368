exogenous U in {a, b, c} ~ (1/2, -1/4, 3/4)
exogenous V ~ Bernoulli(-1/2)
X := V

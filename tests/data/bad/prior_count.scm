exogenous U in {a, b, c} ~ (1/2, 1/2)
exogenous V ~ (1/4, 1/4, 1/2)
X := V

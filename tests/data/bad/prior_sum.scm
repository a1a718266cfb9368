exogenous U in {a, b, c} ~ (1/2, 1/4, 1/3)
exogenous V ~ (0.5, 0.6)
X := V

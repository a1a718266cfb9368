exogenous U in {a, b, a} ~ (1/2, 1/4, 1/4)
X := U == a

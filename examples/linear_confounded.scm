# A confounded linear pair: the noises of X and Y are correlated (a hidden common cause,
# written as an explicit covariance). Seeing X says something about U_Y, so a counterfactual
# mean needs abduction:
#   E(Y[X=1] | X=2) = 2*1 + E(U_Y | U_X = 2) = 2 + 1 = 3,   while E(Y[X=1]) = 2.
exogenous U_X ~ Normal(0, 1)
exogenous U_Y ~ Normal(0, 1)
cov(U_X, U_Y) = 1/2
X := U_X
Y := 2*X + U_Y

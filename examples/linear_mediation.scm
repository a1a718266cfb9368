# A linear-Gaussian mediation model (docs/file-format.md, "Linear models"): treatment X acts on
# the outcome Y directly (coefficient 1/2) and through the mediator M (2 * 3/2 = 3), so
#   ATE = 7/2 per unit of X,  NDE = 1/2,  NIE = 3   (rung solve ... --nde X M Y).
# Each noise term is Normal(mean, variance) with exact rational parameters.
exogenous U_X ~ Normal(0, 1)
exogenous U_M ~ Normal(0, 1/2)
exogenous U_Y ~ Normal(1, 1/4)
X := U_X
M := 2*X + U_M
Y := 1/2*X + 3/2*M + U_Y

exogenous U in {} ~ Uniform
X := U

exogenous U ~ Bernoulli(1/2)
# cafÃ© is fine in a comment
X := U # naïve

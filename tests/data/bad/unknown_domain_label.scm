exogenous U ~ Bernoulli(1/2)
X := (if U then lo else hi) == lo

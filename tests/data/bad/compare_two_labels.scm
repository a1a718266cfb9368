exogenous U ~ Bernoulli(1/2)
X := lo == hi

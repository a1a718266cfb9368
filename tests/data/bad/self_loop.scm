exogenous U ~ Bernoulli(1/2)
X := X xor U

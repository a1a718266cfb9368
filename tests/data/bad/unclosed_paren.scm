exogenous A ~ Bernoulli(1/2)
exogenous B ~ Bernoulli(1/2)
X := (A and B

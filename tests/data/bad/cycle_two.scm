# A and B feed each other
exogenous U ~ Bernoulli(1/2)
A := B or U
B := A

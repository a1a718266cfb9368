A ~ Bernoulli(1/2)
X := A

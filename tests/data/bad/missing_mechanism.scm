exogenous A ~ Bernoulli(1/2)
X :=   # forgot the mechanism
Y := X or A

exogenous and ~ Bernoulli(1/2)
table := 1
X := table

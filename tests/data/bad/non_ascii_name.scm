exogenous Ué ~ Bernoulli(1/2)
X := é

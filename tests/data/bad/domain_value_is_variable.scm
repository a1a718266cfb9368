exogenous U ~ Bernoulli(1/2)
W in {U, V} := table(U) { 0 -> V; 1 -> U }

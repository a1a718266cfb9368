exogenous U ~ Bernoulli(1/2)
Y in {lo, hi} := table(U) { 0 -> lo; 2 -> hi; 1 -> mid }

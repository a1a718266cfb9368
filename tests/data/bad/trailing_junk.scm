exogenous U ~ Bernoulli(1/2) extra
X := U
Y := table(U) { 0 -> 1; 1 -> 0 } extra

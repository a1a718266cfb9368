exogenous 1U ~ Bernoulli(1/2)
exogenous in ~ Bernoulli(1/2)
X := 1U and in
Y := table(1U) { 0 -> 1; 1 -> 0 }

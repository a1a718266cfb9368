exogenous U ~ Bernoulli(1/2)
X := U

Y := table(X) {
  0 -> 1
  1 -> 0

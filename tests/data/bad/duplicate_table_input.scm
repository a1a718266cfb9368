exogenous U ~ Bernoulli(1/2)
Y := table(U, U) {
  0, 0 -> 1
}

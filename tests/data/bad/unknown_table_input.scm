exogenous U ~ Bernoulli(1/2)
Y := table(U, Z) {
  0, 0 -> 0
  0, 1 -> 1
  1, 0 -> 1
  1, 1 -> 0
}

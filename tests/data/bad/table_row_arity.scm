exogenous U ~ Bernoulli(1/2)
exogenous V ~ Bernoulli(1/2)
Y := table(U, V) {
  0, 0 -> 1
  0, 1 -> 0
  1 -> 0
  1, 1, 0 -> 1
}

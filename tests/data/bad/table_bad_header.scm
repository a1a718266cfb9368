exogenous U ~ Bernoulli(1/2)
Y := table U {
  0 -> 1
  1 -> 0
}
Z := table(U) {
  0 => 1
  1 -> 0 0 -> 1
}
W := Y and Z

exogenous U in {a, b, c} ~ Uniform
Y := table(U) {
  a -> 1
  c -> 0
}

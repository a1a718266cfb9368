# Table mechanisms: an arbitrary function written row by row. Y is a two-input "majority with
# a veto" over X1, X2 and the veto V; Z is a three-valued grade read off Y and X1.
exogenous U1 ~ Bernoulli(1/2)
exogenous U2 ~ Bernoulli(1/3)
exogenous UV ~ Bernoulli(1/5)
X1 := U1
X2 := U2
V := UV
Y := table(X1, X2, V) {
  0, 0, 0 -> 0
  0, 1, 0 -> 1
  1, 0, 0 -> 1
  1, 1, 0 -> 1
  0, 0, 1 -> 0
  0, 1, 1 -> 0
  1, 0, 1 -> 0
  1, 1, 1 -> 1
}
Z in {fail, pass, merit} := table(Y, X1) {
  0, 0 -> fail; 0, 1 -> fail
  1, 0 -> pass; 1, 1 -> merit
}

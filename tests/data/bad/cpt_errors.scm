# every problem a CPT can have
A in {lo, hi} ~ cpt() { -> 1/2, 1/3 }
B ~ cpt(A, A) { lo, lo -> 1, 0 }
C ~ cpt(A, Nope) { lo, x -> 1, 0 }
D ~ cpt(A) {
  lo -> 1/2, 1/2, 0
  hi -> -1/2, 3/2
  mid -> 1, 0
}
E ~ cpt(A) {
  lo -> 1, 0
  lo -> 0, 1
}
F ~ cpt(A) { lo, hi -> 1, 0 }
G ~ cpt(A) { hi -> 1, x }
H ~ cpt(A { lo -> 1, 0 }
I ~ cpt(A) { lo -> 1 0 }
J ~ cpt(A)
L ~ cpt(A) { lo -> 1, 0 }
K ~ cpt(A) {
  lo -> 1, 0

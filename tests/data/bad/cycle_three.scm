exogenous U ~ Bernoulli(1/2)
A := C and U
B := A
C := not B

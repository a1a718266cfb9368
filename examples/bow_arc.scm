# The bow arc: X causes Y, and a hidden U causes both. P(Y | do(X)) is not identifiable from the
# observed X and Y: `rung identify examples/bow_arc.scm -q 'P(Y=1 | do(X=1))'` names the hedge.
exogenous U ~ Bernoulli(1/2)
exogenous U_Y ~ Bernoulli(1/3)
X := U
Y := (X xor U) or U_Y

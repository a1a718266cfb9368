# The sprinkler network as conditional probability tables (docs/file-format.md §1.9)
Rain in {no, yes} ~ cpt() { -> 0.8, 0.2 }
Sprinkler in {off, on} ~ cpt(Rain) {
  no -> 0.6, 0.4
  yes -> 0.99, 0.01
}
Wet ~ cpt(Rain, Sprinkler) {
  no, off -> 1, 0
  no, on -> 0.1, 0.9
  yes, off -> 0.2, 0.8; yes, on -> 0.01, 0.99
}

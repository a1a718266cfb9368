#include "rung/io/xmlbif.hpp"

#include "rung/infer/solver.hpp"
#include "rung/io/model_file.hpp"
#include "rung/query/query.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace rung {
namespace {

const std::filesystem::path kNetworks = std::filesystem::path(RUNG_TEST_DATA_DIR) / "networks";

TEST(Xmlbif, ReadsPgmpysDogProblem) {
  const BayesNet net = read_network_file(kNetworks / "dog_problem.xml");
  ASSERT_EQ(net.nodes.size(), 6U);
  EXPECT_EQ(net.name, "Dog_Problem");
  const auto& dog = net.nodes[*net.find("dog_out")];
  EXPECT_EQ(dog.states, (std::vector<std::string>{"true", "false"}));
  EXPECT_EQ(dog.parents, (std::vector<std::string>{"bowel_problem", "family_out"}));
  // pgmpy's reading: [[0.99, 0.97, 0.9, 0.3], [0.01, 0.03, 0.1, 0.7]], one column per row here.
  EXPECT_EQ(dog.cpt[1], (std::vector<Rational>{Rational(97, 100), Rational(3, 100)}));
  EXPECT_EQ(dog.cpt[3], (std::vector<Rational>{Rational(3, 10), Rational(7, 10)}));
  // By hand: .01*.15*.99 + .01*.85*.97 + .99*.15*.9 + .99*.85*.3 = 0.39583.
  const Scm m = read_model_file(kNetworks / "dog_problem.xml");
  EXPECT_EQ(solve(m, parse_query("P(dog_out=true)", m)).value, Rational(39583, 100000));
}

TEST(Xmlbif, EntitiesCdataAndCommentsAreRead) {
  const std::string text = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE BIF [ <!ELEMENT BIF ( NETWORK )*> ]>
<BIF VERSION="0.3"><NETWORK><NAME>n</NAME>
<VARIABLE TYPE="nature"><NAME>CO2</NAME><OUTCOME>&lt;7.5</OUTCOME><OUTCOME><![CDATA[>=7.5]]></OUTCOME>
<PROPERTY>position = (1, 2)</PROPERTY></VARIABLE>
<!-- a comment -->
<DEFINITION><FOR>CO2</FOR><TABLE>0.25 0.75</TABLE></DEFINITION>
</NETWORK></BIF>
)";
  const BayesNet net = read_xmlbif(text, "n.xml");
  EXPECT_EQ(net.nodes[0].states, (std::vector<std::string>{"<7.5", ">=7.5"}));
  EXPECT_EQ(net.nodes[0].cpt[0], (std::vector<Rational>{Rational(1, 4), Rational(3, 4)}));
}

}  // namespace
}  // namespace rung

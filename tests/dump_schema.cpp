// Prints the scenario JSON Schema (the same document as `coexlab schema`), for
// tests/schema_check.py.
#include <iostream>

#include "schema.hpp"

int main() {
  std::cout << coexlab::scenario_json_schema().dump(2) << '\n';
  return 0;
}

// coexlab: a virtual coexistence lab for Exchange 2003 -> 2007 migrations.
#include "cli.hpp"

int main(int argc, char** argv) { return coexlab::run_cli(argc, argv); }

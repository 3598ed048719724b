// sutro-lab: the lab from the command line (sutro-lab --help; docs/tasks.md).
#include <cstdio>
#include <iostream>

#include <unistd.h>

#include "lab_cli_app.hpp"

int main(int argc, char** argv) {
  return sutro::apps::lab_main(argc, argv, std::cout, std::cerr, isatty(fileno(stderr)) != 0);
}

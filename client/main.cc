#include <unistd.h>

#include <iostream>

#include "client/cli.h"

int main(int argc, char** argv) {
  return hedui::cli::RunCli(argc, argv, std::cout, std::cerr,
                            isatty(STDERR_FILENO) == 1,
                            isatty(STDOUT_FILENO) == 1);
}

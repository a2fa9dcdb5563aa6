/* stub */
#include "sc-cli.h"
int sc_cli_main (int argc, char **argv) { return 2; }

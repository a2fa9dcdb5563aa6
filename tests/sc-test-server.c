/* stub */
#include "sc-test-server.h"

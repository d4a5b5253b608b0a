#include "proxy/cli/commands.hpp"

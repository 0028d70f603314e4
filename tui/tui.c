/* The ncurses browser: reserved, see include/hmapcore/tui.h. */
#include "config.h"

#include "hmapcore/tui.h"

bool hc_tui_available(void)
{
	return false;
}

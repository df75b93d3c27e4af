// SPDX-License-Identifier: MIT
/* Prints every command line key of init/cmdline_keys.c, for tests/check-docs.sh to look up. */
#include "cmdline.h"

#include <stdio.h>

static const char *const dialects[] = {
    [CMDLINE_KERNEL] = "kernel",   [CMDLINE_DRACUT] = "dracut",
    [CMDLINE_SYSTEMD] = "systemd", [CMDLINE_INITRAMFS_TOOLS] = "initramfs-tools",
    [CMDLINE_BATON] = "baton",	   [CMDLINE_MKINITCPIO] = "mkinitcpio",
};

/* One line per name: the name, its dialect, the first name of its key, the key's meaning. */
int main(void)
{
	for (size_t i = 0; i < cmdline_keys_count; i++) {
		const struct cmdline_key *k = &cmdline_keys[i];

		for (size_t j = 0; j < CMDLINE_NAMES_MAX && k->names[j].name; j++)
			printf("%s\t%s\t%s\t%s\n", k->names[j].name, dialects[k->names[j].dialect],
			       k->names[0].name, k->meaning);
	}
	return 0;
}

/* SPDX-License-Identifier: MIT */
/* Unlocks LUKS devices while the root is missing: which ones, with what key, via cryptsetup. */
#pragma once

#include "cmdline.h"

#include <stdbool.h>

/* The image's crypttab, written by mkinitramfs (--crypttab, or when the root needs it). */
#define LUKS_CRYPTTAB "/etc/crypttab"

/*
 * For each LUKS device present and not handled yet that the command line, the image's
 * crypttab or (with no hints) its mere presence says to unlock, runs cryptsetup open with its
 * keyfile or a passphrase asked for on the consoles (a passphrase that works is tried on the
 * other locked devices too). A device that cannot be unlocked after its tries ends the boot
 * through fatal(). Returns true when something was unlocked (new devices will appear).
 */
bool luks_activate(const struct boot_params *p);

/* SPDX-License-Identifier: MIT */
/* Resuming from hibernation: hand the kernel the device that holds the image, before the root. */
#pragma once

#include "devices.h"

/*
 * Writes MAJ:MIN of dev to /sys/power/resume. If the device holds a hibernation image the
 * kernel restores it and this never returns; otherwise the boot goes on. Returns 0 or -errno.
 */
int resume_from(const struct device_info *dev);

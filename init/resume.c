// SPDX-License-Identifier: MIT
/* Resuming from hibernation: hand the kernel the device that holds the image, before the root. */
#include "resume.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Documentation/power/swsusp.rst: writing "major:minor" here starts the resume. */
#define SYS_POWER_RESUME "/sys/power/resume"

int resume_from(const struct device_info *dev)
{
	char buf[32];
	int fd, n, r = 0;

	fd = open(SYS_POWER_RESUME, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return log_warning_errno(
		    -errno,
		    "cannot open %s (%m): the kernel has no hibernation support, ignoring resume=",
		    SYS_POWER_RESUME);
	n = snprintf(buf, sizeof(buf), "%u:%u", dev->major, dev->minor);
	log_info("resume: checking /dev/%s (%s) for a hibernation image", dev->name, buf);
	/* Returns only when there is no image to restore; that is not an error. */
	if (write(fd, buf, (size_t)n) != n)
		r = -errno;
	close(fd);
	if (r < 0)
		log_debug("no hibernation image restored from /dev/%s: %s", dev->name,
			  strerror(-r));
	else
		log_info("no hibernation image on /dev/%s, booting normally", dev->name);
	return r;
}

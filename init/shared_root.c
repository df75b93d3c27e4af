// SPDX-License-Identifier: MIT
/* Roots shared by the host of a VM (virtiofs, 9p): no block device, a tag to mount. */
#include "shared_root.h"

#include "layout.h"
#include "log.h"
#include "macro.h"
#include "modules.h"
#include "monotime.h"
#include "mount.h"

#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How often a share whose virtio device is not bound yet is tried again. */
#define SHARED_ROOT_RETRY_MS 100
/* Progress while retrying, as devices_wait_for() prints it for disks. */
#define SHARED_ROOT_PROGRESS_SEC 5

int shared_root_parse(const struct boot_params *params, struct shared_root *ret)
{
	static const char dracut_prefix[] = "virtiofs:";
	const char *tag = NULL, *fstype = NULL;

	if (strncmp(params->root, dracut_prefix, strlen(dracut_prefix)) == 0) {
		tag = params->root + strlen(dracut_prefix);
		fstype = "virtiofs";
	} else if (strcmp(params->rootfstype, "virtiofs") == 0) {
		tag = params->root;
		fstype = "virtiofs";
	} else if (strcmp(params->rootfstype, "9p") == 0) {
		tag = params->root;
		fstype = "9p";
	}
	if (!tag)
		return 0;
	if (!tag[0] || strlen(tag) >= sizeof(ret->tag))
		return -EINVAL;
	ret->fstype = fstype;
	snprintf(ret->tag, sizeof(ret->tag), "%s", tag);
	return 1;
}

char *shared_root_options(const struct shared_root *root, const char *rootflags, bool read_write)
{
	static const struct {
		const char *name, *value;
	} defaults[] = {
	    {"trans", "virtio"},
	    {"version", "9p2000.L"},
	    {"msize", "524288"},
	};
	char *opts = NULL, *all;

	if (strcmp(root->fstype, "9p") == 0)
		for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
			if (mnt_optstr_get_option(rootflags, defaults[i].name, NULL, NULL) != 0 &&
			    mnt_optstr_set_option(&opts, defaults[i].name, defaults[i].value) < 0) {
				free(opts);
				return NULL;
			}
	if (rootflags[0] && mnt_optstr_append_option(&opts, rootflags, NULL) < 0) {
		free(opts);
		return NULL;
	}
	all = mount_with_ro_rw(opts ? opts : "", read_write);
	free(opts);
	return all;
}

int shared_root_mount(const struct boot_params *params, const struct shared_root *root)
{
	unsigned timeout = params->wait == CMDLINE_WAIT_FOREVER ? 0 : params->timeout_sec;
	long long start = monotime_ms(), next_note = start + SHARED_ROOT_PROGRESS_SEC * 1000;
	char msg[512] = "", *options;
	int r;

	options = shared_root_options(root, params->rootflags, params->read_write);
	if (!options)
		return log_error_errno(-ENOMEM, "out of memory");
	/* 9p asks for its transport by name ("9p-virtio") only when mounting: load it first. */
	(void)modules_load_name(strcmp(root->fstype, "9p") == 0 ? "9pnet_virtio" : "virtiofs");
	log_info("mounting the %s share \"%s\" (%s) on %s", root->fstype, root->tag, options,
		 LAYOUT_NEW_ROOT);
	for (;;) {
		r = mount_fs(root->tag, root->fstype, options, LAYOUT_NEW_ROOT, msg, sizeof(msg));
		/*
		 * A tag that is not there yet: virtiofs says EINVAL ("tag <x> not found"), 9p
		 * ENOENT, until the virtio device is bound. Anything else will not get better.
		 */
		if (r == 0 || (r != -EINVAL && r != -ENOENT))
			break;
		if (timeout && monotime_ms() - start >= (long long)timeout * 1000)
			break;
		if (monotime_ms() >= next_note) {
			log_info("still waiting for the %s share \"%s\" (%s)", root->fstype,
				 root->tag, msg);
			next_note += SHARED_ROOT_PROGRESS_SEC * 1000;
		}
		monotime_sleep_ms(SHARED_ROOT_RETRY_MS);
	}
	if (r == 0) {
		log_info("mounted the %s share \"%s\" on %s after %lld ms", root->fstype, root->tag,
			 LAYOUT_NEW_ROOT, monotime_ms() - start);
	} else if (r == -ENODEV) {
		log_error(
		    "the kernel does not know the %s filesystem: its module is missing from the image (mkinitramfs carries virtiofs, 9p and 9pnet_virtio in its generic set; add them with -m)",
		    root->fstype);
	} else {
		log_error(
		    "mounting the %s share \"%s\" with options \"%s\" failed: %s; check that the VM has a %s device with that tag (QEMU: %s) and rootflags=",
		    root->fstype, root->tag, options, msg, root->fstype,
		    strcmp(root->fstype, "9p") == 0
			? "-virtfs local,path=DIR,mount_tag=TAG,security_model=none"
			: "vhost-user-fs-pci,chardev=...,tag=TAG with virtiofsd");
	}
	free(options);
	return r;
}

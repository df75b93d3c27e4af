// SPDX-License-Identifier: MIT
/* Which devices' drivers coldplug loads first, judged by their modalias alone. */
#include "modalias.h"

#include <string.h>

/* "pci:v00001AF4d...": Red Hat's virtio vendor ID. */
#define PCI_VIRTIO "pci:v00001AF4d"

bool modalias_quick_storage(const char *alias)
{
	/* A PCI modalias ends "bcCCscSSiII"; NVMe is class 01, subclass 08. */
	if (strncmp(alias, "pci:", 4) == 0)
		return strncmp(alias, PCI_VIRTIO, strlen(PCI_VIRTIO)) == 0 ||
		       strstr(alias, "bc01sc08i") != NULL;
	/* Virtio device IDs: 2 is a block device, 8 a SCSI host. */
	return strncmp(alias, "virtio:d00000002v", 17) == 0 ||
	       strncmp(alias, "virtio:d00000008v", 17) == 0 ||
	       strncmp(alias, "scsi:t-0x00", 11) == 0;
}

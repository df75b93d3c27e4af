/* SPDX-License-Identifier: MIT */
/* Which devices' drivers coldplug loads first, judged by their modalias alone. */
#pragma once

#include <stdbool.h>

/*
 * True for storage whose driver finds its disks within milliseconds of loading: any virtio
 * PCI function (all need virtio_pci), virtio disks and SCSI hosts, NVMe controllers (PCI class
 * 01 08) and the disks of a SCSI host. False for everything else, AHCI included: libata and
 * scsi_mod take about 0.45 s to load under TCG and each SATA link waits about 0.33 s before it
 * reports down.
 */
bool modalias_quick_storage(const char *alias);

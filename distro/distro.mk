# SPDX-License-Identifier: MIT
# make install and make deb: baton as a Debian system runs it (included by the Makefile).
#
#   make install [DESTDIR=...] [PREFIX=/usr] [SYSCONFDIR=/etc]
#   make deb      build/baton_VERSION_ARCH.deb (version from git describe, see distro/mkdeb.sh)

PREFIX     ?= /usr
SYSCONFDIR ?= /etc
DESTDIR    ?=

.PHONY: install deb
# The init lands in PREFIX/lib/baton, where baton-mkinitramfs looks (../lib/baton/init from
# PREFIX/sbin), an init of another architecture as init-ARCH beside it (mkinitramfs/arch.c
# picks it by the kernel's modules); the stock hooks in PREFIX/share/baton/hooks, where hookdirs.c looks.
install: all
	install -Dm755 $(BUILD)/mkinitramfs $(DESTDIR)$(PREFIX)/sbin/baton-mkinitramfs
	install -Dm755 distro/update-baton $(DESTDIR)$(PREFIX)/sbin/update-baton
	install -Dm755 $(BUILD)/init $(DESTDIR)$(PREFIX)/lib/baton/init
	if [ -f $(BUILD)/arm64/init ]; then \
		install -Dm755 $(BUILD)/arm64/init $(DESTDIR)$(PREFIX)/lib/baton/init-arm64; fi
	cd hooks && find . -mindepth 2 -type f | while read -r f; do \
		install -Dm755 "$$f" "$(DESTDIR)$(PREFIX)/share/baton/hooks/$$f" || exit 1; done
	install -Dm644 distro/mkinitramfs.conf $(DESTDIR)$(SYSCONFDIR)/baton/mkinitramfs.conf
	install -d $(DESTDIR)$(SYSCONFDIR)/baton/conf.d
	install -Dm755 distro/kernel/postinst $(DESTDIR)$(SYSCONFDIR)/kernel/postinst.d/baton
	install -Dm755 distro/kernel/postrm $(DESTDIR)$(SYSCONFDIR)/kernel/postrm.d/baton
	install -Dm755 distro/kernel/50-baton.install \
		$(DESTDIR)$(PREFIX)/lib/kernel/install.d/50-baton.install
	install -Dm644 doc/baton.7 $(DESTDIR)$(PREFIX)/share/man/man7/baton.7
	install -Dm644 doc/baton-hooks.7 $(DESTDIR)$(PREFIX)/share/man/man7/baton-hooks.7
	install -Dm644 doc/mkinitramfs.8 $(DESTDIR)$(PREFIX)/share/man/man8/baton-mkinitramfs.8
	install -Dm644 doc/update-baton.8 $(DESTDIR)$(PREFIX)/share/man/man8/update-baton.8

# The package is the same wherever it is built: on amd64 it always carries the arm64 init, built
# here (make ARCH=arm64) rather than taken if a build tree happens to hold one, so that an amd64
# system makes images for arm64 boards from their module trees (-b) with no --init. make install
# only copies an arm64 init that was built: installing never starts a cross build.
DEB_HOST_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_CROSS_INITS := $(if $(filter amd64,$(DEB_HOST_ARCH)),arm64)
deb: all $(DEB_CROSS_INITS)
	distro/mkdeb.sh $(BUILD)

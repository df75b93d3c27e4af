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
# PREFIX/sbin); the stock hooks in PREFIX/share/baton/hooks, where hookdirs.c looks.
install: all
	install -Dm755 $(BUILD)/mkinitramfs $(DESTDIR)$(PREFIX)/sbin/baton-mkinitramfs
	install -Dm755 distro/update-baton $(DESTDIR)$(PREFIX)/sbin/update-baton
	install -Dm755 $(BUILD)/init $(DESTDIR)$(PREFIX)/lib/baton/init
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

deb: all
	distro/mkdeb.sh $(BUILD)

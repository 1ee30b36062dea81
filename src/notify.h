/* notify.h -- tell the service manager (systemd) what the daemon does */
/* SPDX-License-Identifier: ISC */
#ifndef STEER_NOTIFY_H
#define STEER_NOTIFY_H

/*
 * Send a state such as "READY=1", "RELOADING=1" or "STOPPING=1" to the
 * service manager when it asked for it (NOTIFY_SOCKET) and steerdns was
 * built with libsystemd; otherwise nothing.
 */
void	notify(const char *state);

#endif

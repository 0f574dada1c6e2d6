// pgrp.h: process groups and the console's foreground group (pgrp.c).
#ifndef WEFT_PGRP_H
#define WEFT_PGRP_H

// Send sig to every live process of group pgid: 0 if at least one got it,
// -1 if the group has no live process (or sig is bad).
int  sig_send_pgrp(int pgid, int sig);
// The real number of the group the caller calls pgid in its PID namespace
// (0: its own group), or -1 if it names none (waitpid, sigsend).
int  pgrp_named(int pgid);
// sigsend(0 or -pgid, sig): the same for the group the caller calls pgid in
// its PID namespace (0: its own group), to the members it can see.
int  sig_send_pgrp_seen(int pgid, int sig);
// ^C and ^Z at the console: sig to the foreground group, if there is one.
void pgrp_signal_foreground(int sig);

#endif

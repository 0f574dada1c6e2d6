// <pthread.h> for weft's POSIX flavour: weft's one thread library
// (user/pthread.h, user/pthread_sync.h; code in user/pthread.c and
// user/pthread_sync.c), the same objects xv6-flavour programs use.
// Functions return 0 or an <errno.h> number, as POSIX says.
#ifndef _WEFT_POSIX_PTHREAD_H
#define _WEFT_POSIX_PTHREAD_H

#include <sched.h>
#include <time.h>

#include "../../pthread.h"

#endif

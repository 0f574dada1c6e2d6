// <semaphore.h> for weft's POSIX flavour: sem_t and sem_* come from the
// thread library (user/pthread_sync.h). Unnamed semaphores only
// (sem_init with pshared 0); no sem_open.
#ifndef _WEFT_POSIX_SEMAPHORE_H
#define _WEFT_POSIX_SEMAPHORE_H

#include <pthread.h>

#endif

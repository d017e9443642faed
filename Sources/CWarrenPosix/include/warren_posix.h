#ifndef WARREN_POSIX_H
#define WARREN_POSIX_H

/// Creates a non-blocking, close-on-exec eventfd (the thread's wake-up descriptor).
int warren_eventfd(void);

/// Names the calling thread (at most 15 bytes are kept), for `top -H` and debuggers.
void warren_set_thread_name(const char *name);

#endif

/* A process that maps a segment of one IPC namespace while it is (or its thread is) in
 * another: setns(CLONE_NEWIPC) is per thread, and a mapping stays with the namespace it
 * was attached in.
 *   setns_attach thread NSFILE SHMID: a worker thread enters NSFILE's namespace and
 *     attaches its SHMID; the process (its main thread) stays where it was.
 *   setns_attach after NSFILE SHMID: attaches SHMID here, then enters NSFILE's namespace.
 * Prints "ready" once attached, then sleeps until killed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <unistd.h>

static char **args;

static void enter(void) {
  int fd = open(args[2], O_RDONLY);
  if (fd < 0 || setns(fd, CLONE_NEWIPC) != 0) {
    perror("setns");
    exit(1);
  }
}

static void attach(void) {
  if (shmat(atoi(args[3]), 0, SHM_RDONLY) == (void *)-1) {
    perror("shmat");
    exit(1);
  }
}

static void *worker(void *unused) {
  (void)unused;
  enter();
  attach();
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) return 2;
  args = argv;
  if (strcmp(argv[1], "thread") == 0) {
    pthread_t t;
    pthread_create(&t, 0, worker, 0);
    pthread_join(t, 0);
    return 0;
  }
  attach();
  enter();
  printf("ready\n");
  fflush(stdout);
  for (;;) pause();
}

/*
 * A process whose main thread exits (pthread_exit in main) while another thread runs on,
 * as some daemons do: /proc then shows its leader as a zombie, with empty maps and fd and
 * no ns, while the process runs and holds what it held.
 *
 *   exited_leader NAME
 *       shm_open(NAME, O_CREAT|O_EXCL|O_RDWR, 0600), 4096 bytes, mapped shared and kept
 *       open; a private System V segment attached; another one created and not attached
 *
 * It prints "ready PID INODE ATTACHED DETACHED" (its pid as its namespace sees it, the
 * object's inode, the two shmids), then its main thread exits; the other sleeps until
 * the process is killed.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

static void *worker(void *arg) {
    (void)arg;
    for (;;) pause();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: exited_leader NAME\n"); return 2; }
    int fd = shm_open(argv[1], O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) { perror("shm_open"); return 1; }
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) { perror("mmap"); return 1; }
    p[0] = 1;
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
    int attached = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    int detached = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (attached < 0 || detached < 0 || shmat(attached, NULL, 0) == (void *)-1) {
        perror("shmget");
        return 1;
    }
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0) { fprintf(stderr, "pthread_create\n"); return 1; }
    printf("ready %d %lu %d %d\n", (int)getpid(), (unsigned long)st.st_ino, attached, detached);
    fflush(stdout);
    pthread_exit(NULL);
}

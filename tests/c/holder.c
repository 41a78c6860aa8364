/*
 * A process that holds System V segments, for the tests of who holds what.
 *
 *   holder attach SHMID COUNT rw|ro|rw+ro  attach COUNT times (rw+ro: the first one
 *                                     read-write, the others read-only), print "ready", sleep
 *   holder attach-list rw|ro ID...     attach each listed segment once, print "ready", sleep
 *   holder create KEYHEX SIZE         create (mode 600) without attaching, print the
 *                                     shmid, sleep: a live creator with nattch 0
 *   holder lock SHMID                 SHM_LOCK the segment, print "ready", sleep
 *   holder touch SHMID BYTES          attach, write a byte every 4096 of the first BYTES,
 *                                     detach, print "ready", sleep (nattch 0)
 *   holder pg-header SIZE PID DEV INO create a private segment of SIZE bytes holding a
 *                                     PostgreSQL PGShmemHeader that names creator PID and
 *                                     a data directory's st_dev DEV and st_ino INO, detach,
 *                                     print the shmid, sleep
 * It sleeps until killed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "attach") == 0) {
        int id = atoi(argv[2]);
        int count = atoi(argv[3]);
        int flags = strcmp(argv[4], "ro") == 0 ? SHM_RDONLY : 0;
        int mixed = strcmp(argv[4], "rw+ro") == 0;
        for (int i = 0; i < count; i++) {
            int f = mixed && i > 0 ? SHM_RDONLY : flags;
            if (shmat(id, NULL, f) == (void *)-1) { perror("shmat"); return 1; }
        }
        printf("ready\n");
    } else if (argc >= 3 && strcmp(argv[1], "attach-list") == 0) {
        int flags = strcmp(argv[2], "ro") == 0 ? SHM_RDONLY : 0;
        for (int i = 3; i < argc; i++) {
            if (shmat(atoi(argv[i]), NULL, flags) == (void *)-1) { perror("shmat"); return 1; }
        }
        printf("ready\n");
    } else if (argc >= 4 && strcmp(argv[1], "create") == 0) {
        int id = shmget((key_t)strtoul(argv[2], NULL, 16), (size_t)atol(argv[3]), IPC_CREAT | IPC_EXCL | 0600);
        if (id < 0) { perror("shmget"); return 1; }
        printf("%d\n", id);
    } else if (argc >= 3 && strcmp(argv[1], "lock") == 0) {
        if (shmctl(atoi(argv[2]), SHM_LOCK, NULL) < 0) { perror("shmctl(SHM_LOCK)"); return 1; }
        printf("ready\n");
    } else if (argc >= 4 && strcmp(argv[1], "touch") == 0) {
        char *p = shmat(atoi(argv[2]), NULL, 0);
        if (p == (void *)-1) { perror("shmat"); return 1; }
        for (long i = 0; i < atol(argv[3]); i += 4096) p[i] = 1;
        shmdt(p);
        printf("ready\n");
    } else if (argc >= 6 && strcmp(argv[1], "pg-header") == 0) {
        size_t size = (size_t)atol(argv[2]);
        int id = shmget(IPC_PRIVATE, size, IPC_CREAT | 0600);
        if (id < 0) { perror("shmget"); return 1; }
        char *p = shmat(id, NULL, 0);
        if (p == (void *)-1) { perror("shmat"); return 1; }
        int32_t magic = 679834894;
        int32_t pid = atoi(argv[3]);
        uint64_t total = size, dev = strtoull(argv[4], NULL, 10), ino = strtoull(argv[5], NULL, 10);
        memcpy(p, &magic, 4);
        memcpy(p + 4, &pid, 4);
        memcpy(p + 8, &total, 8);
        memcpy(p + 40, &dev, 8);
        memcpy(p + 48, &ino, 8);
        shmdt(p);
        printf("%d\n", id);
    } else {
        fprintf(stderr, "usage: holder attach SHMID COUNT rw|ro | holder create KEYHEX SIZE | holder lock SHMID | holder touch SHMID BYTES\n");
        return 2;
    }
    fflush(stdout);
    for (;;) pause();
}

/*
 * A process that holds POSIX shared memory and memfds, for the tests of who holds what.
 *
 *   shm_holder posix NAME SIZE [unlink] [close]
 *       shm_open(NAME, O_CREAT|O_EXCL|O_RDWR, 0600), ftruncate to SIZE, mmap it shared and
 *       write a byte per page; then shm_unlink it (unlink) and close the fd (close)
 *   shm_holder open NAME [ro] [close]
 *       shm_open an existing object (read-only with ro) and mmap all of it
 *   shm_holder memfd NAME SIZE [close] [seal]
 *       memfd_create(NAME), ftruncate, mmap shared, touch; seal adds F_SEAL_SHRINK and
 *       F_SEAL_GROW (MFD_ALLOW_SEALING); close keeps only the mapping
 *   shm_holder many-posix PREFIX FROM COUNT
 *       open and map the existing objects PREFIX.FROM ... PREFIX.(FROM+COUNT-1), keeping
 *       the fds open
 *   shm_holder many-memfd COUNT SIZE
 *       make COUNT memfds of SIZE bytes, each mapped and kept open
 *
 * Then it prints "ready PID INODE" (the pid as its own namespace sees it, the inode of
 * the last object) and sleeps until killed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static int has(int argc, char **argv, int from, const char *word) {
    for (int i = from; i < argc; i++)
        if (strcmp(argv[i], word) == 0) return 1;
    return 0;
}

static void *map(int fd, size_t size, int writable) {
    void *p = mmap(NULL, size ? size : 1, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(1); }
    if (writable)
        for (size_t off = 0; off < size; off += 4096) ((volatile char *)p)[off] = 1;
    return p;
}

static unsigned long inode_of(int fd) {
    struct stat st;
    if (fstat(fd, &st) != 0) { perror("fstat"); exit(1); }
    return (unsigned long)st.st_ino;
}

int main(int argc, char **argv) {
    unsigned long inode = 0;
    if (argc >= 4 && strcmp(argv[1], "posix") == 0) {
        size_t size = (size_t)atol(argv[3]);
        int fd = shm_open(argv[2], O_CREAT | O_EXCL | O_RDWR, 0600);
        if (fd < 0) { perror("shm_open"); return 1; }
        if (ftruncate(fd, (off_t)size) != 0) { perror("ftruncate"); return 1; }
        map(fd, size, 1);
        inode = inode_of(fd);
        if (has(argc, argv, 4, "unlink") && shm_unlink(argv[2]) != 0) { perror("shm_unlink"); return 1; }
        if (has(argc, argv, 4, "close")) close(fd);
    } else if (argc >= 3 && strcmp(argv[1], "open") == 0) {
        int ro = has(argc, argv, 3, "ro");
        int fd = shm_open(argv[2], ro ? O_RDONLY : O_RDWR, 0);
        if (fd < 0) { perror("shm_open"); return 1; }
        struct stat st;
        if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
        map(fd, (size_t)st.st_size, !ro);
        inode = (unsigned long)st.st_ino;
        if (has(argc, argv, 3, "close")) close(fd);
    } else if (argc >= 4 && strcmp(argv[1], "memfd") == 0) {
        int seal = has(argc, argv, 4, "seal");
        size_t size = (size_t)atol(argv[3]);
        int fd = memfd_create(argv[2], MFD_CLOEXEC | (seal ? MFD_ALLOW_SEALING : 0));
        if (fd < 0) { perror("memfd_create"); return 1; }
        if (ftruncate(fd, (off_t)size) != 0) { perror("ftruncate"); return 1; }
        map(fd, size, 1);
        if (seal && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) != 0) { perror("F_ADD_SEALS"); return 1; }
        inode = inode_of(fd);
        if (has(argc, argv, 4, "close")) close(fd);
    } else if (argc >= 5 && strcmp(argv[1], "many-posix") == 0) {
        int from = atoi(argv[3]), count = atoi(argv[4]);
        char name[256];
        for (int i = from; i < from + count; i++) {
            snprintf(name, sizeof name, "%s.%d", argv[2], i);
            int fd = shm_open(name, O_RDWR, 0);
            if (fd < 0) { perror(name); return 1; }
            struct stat st;
            if (fstat(fd, &st) != 0) { perror("fstat"); return 1; }
            map(fd, (size_t)st.st_size, 1);
            inode = (unsigned long)st.st_ino;
        }
    } else if (argc >= 4 && strcmp(argv[1], "many-memfd") == 0) {
        int count = atoi(argv[2]);
        size_t size = (size_t)atol(argv[3]);
        for (int i = 0; i < count; i++) {
            int fd = memfd_create("bench", MFD_CLOEXEC);
            if (fd < 0) { perror("memfd_create"); return 1; }
            if (ftruncate(fd, (off_t)size) != 0) { perror("ftruncate"); return 1; }
            map(fd, size, 1);
            inode = inode_of(fd);
        }
    } else {
        fprintf(stderr, "usage: see the comment at the top of shm_holder.c\n");
        return 2;
    }
    printf("ready %d %lu\n", (int)getpid(), inode);
    fflush(stdout);
    for (;;) pause();
}

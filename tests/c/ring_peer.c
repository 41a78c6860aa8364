/*
 * The document's shared-memory producer/consumer, as a test peer.
 *
 * It follows the document's program: struct shared_data with two process-shared
 * semaphores, int buffer[1024], head, tail and count; the producer creates the segment
 * with IPC_CREAT|0666, runs sem_init on both semaphores, zeroes the indices and writes i*i;
 * the consumer opens it without IPC_CREAT and reads. Both use plain (non-atomic) count++
 * and count--, as the document does.
 *
 * Built with -DN=16384 (say), it is the same program with int buffer[N] in place of the
 * document's 1024 (the segment then has 64 + 4N + 12 bytes, padded to 8).
 *
 * usage: ring_peer produce|consume|die-mid-item COUNT INTERVAL_US KEY [STARTUP_SLEEP_MS [quiet]]
 *   With "quiet" the consumer prints no values, and both print "elapsed_ns N": the time
 *   from attaching (after initialising, for the producer) to the last item.
 *   die-mid-item produces COUNT items, then takes a free slot, writes item COUNT and
 *   advances head and count, and kills itself before posting it: a producer killed
 *   between its two semaphore calls.
 *   KEY is hex (0x...) or "ftok" for ftok("/tmp", 65).
 *   The consumer prints each value on its own line; the producer prints nothing per item.
 *   Both print "done N checksum C" at the end (checksum: wrapping sum of the values as
 *   unsigned 32-bit numbers, in 64 bits).
 */
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#ifndef N
#define N 1024
#endif
#define BUFFER_SIZE N

struct shared_data {
    sem_t sem_producer;
    sem_t sem_consumer;
    int buffer[BUFFER_SIZE];
    int head;
    int tail;
    int count;
};

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s produce|consume COUNT INTERVAL_US KEY [STARTUP_SLEEP_MS]\n", argv[0]);
        return 2;
    }
    int die = strcmp(argv[1], "die-mid-item") == 0;
    int produce = die || strcmp(argv[1], "produce") == 0;
    long count = atol(argv[2]);
    long interval = atol(argv[3]);
    key_t key = strcmp(argv[4], "ftok") == 0 ? ftok("/tmp", 65) : (key_t)strtoul(argv[4], NULL, 16);
    long startup = argc > 5 ? atol(argv[5]) : 1000;
    int quiet = argc > 6 && strcmp(argv[6], "quiet") == 0;
    long long start = 0;
    uint64_t checksum = 0;

    if (sizeof(struct shared_data) != (64 + 4 * (size_t)N + 12 + 7) / 8 * 8 ||
        (N == 1024 && sizeof(struct shared_data) != 4176)) {
        fprintf(stderr, "unexpected layout: %zu\n", sizeof(struct shared_data));
        return 1;
    }
    if (produce) {
        int shmid = shmget(key, sizeof(struct shared_data), IPC_CREAT | 0666);
        if (shmid < 0) { perror("shmget"); return 1; }
        struct shared_data *d = shmat(shmid, NULL, 0);
        if (d == (void *)-1) { perror("shmat"); return 1; }
        sem_init(&d->sem_producer, 1, BUFFER_SIZE);
        sem_init(&d->sem_consumer, 1, 0);
        d->head = 0;
        d->tail = 0;
        d->count = 0;
        start = now_ns();
        for (long i = 0; i < count; i++) {
            sem_wait(&d->sem_producer);
            int item = (int)((uint32_t)i * (uint32_t)i);
            d->buffer[d->head] = item;
            d->head = (d->head + 1) % BUFFER_SIZE;
            d->count++;
            checksum += (uint32_t)item;
            sem_post(&d->sem_consumer);
            if (interval) usleep(interval);
        }
        if (die) {
            sem_wait(&d->sem_producer);
            d->buffer[d->head] = (int)((uint32_t)count * (uint32_t)count);
            d->head = (d->head + 1) % BUFFER_SIZE;
            d->count++;
            raise(SIGKILL);
        }
        shmdt(d);
    } else {
        if (startup) usleep(startup * 1000);
        int shmid = shmget(key, sizeof(struct shared_data), 0666);
        if (shmid < 0) { perror("shmget"); return 1; }
        struct shared_data *d = shmat(shmid, NULL, 0);
        if (d == (void *)-1) { perror("shmat"); return 1; }
        start = now_ns();
        for (long i = 0; i < count; i++) {
            sem_wait(&d->sem_consumer);
            int item = d->buffer[d->tail];
            d->tail = (d->tail + 1) % BUFFER_SIZE;
            d->count--;
            checksum += (uint32_t)item;
            if (!quiet) printf("%d\n", item);
            sem_post(&d->sem_producer);
            if (interval) usleep(interval);
        }
        shmdt(d);
    }
    if (quiet) printf("elapsed_ns %lld\n", now_ns() - start);
    printf("done %ld checksum %llu\n", count, (unsigned long long)checksum);
    return 0;
}

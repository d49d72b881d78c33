package dev.aegis.http;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Counts calls being served so a graceful stop can refuse new ones and wait, bounded, for the rest. */
public final class InFlightRequests {

    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean cut;
    private final AtomicLong served = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private long active;

    /** Registers a call; false when draining, in which case the call must be refused. */
    public boolean enter() {
        lock.lock();
        try {
            if (draining.get()) {
                return false;
            }
            active++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void exit() {
        lock.lock();
        try {
            active--;
            served.incrementAndGet();
            if (active == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops admitting calls and waits up to {@code timeout} for those in flight; true when all finished. */
    public boolean drain(Duration timeout) throws InterruptedException {
        draining.set(true);
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (active > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isDraining() {
        return draining.get();
    }

    /**
     * The stop's time for calls in flight is up: streams still running end after their next read, each
     * with its protocol's error ending, and are recorded (incomplete) before the records close.
     */
    public void cut() {
        cut = true;
    }

    /** True once {@link #cut} was called. */
    public boolean isCut() {
        return cut;
    }

    public long active() {
        lock.lock();
        try {
            return active;
        } finally {
            lock.unlock();
        }
    }

    public long served() {
        return served.get();
    }

    /**
     * Blocks until more than {@code count} calls have been served and none is in flight. It waits on
     * the signal a call's end already gives when it leaves none in flight, so a waiter costs a busy
     * daemon nothing: it wakes once, not per call, as long as it does not wait again at once.
     */
    public void awaitServedBeyond(long count) throws InterruptedException {
        lock.lock();
        try {
            while (served.get() <= count || active > 0) {
                idle.await();
            }
        } finally {
            lock.unlock();
        }
    }
}

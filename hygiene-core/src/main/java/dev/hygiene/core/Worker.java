package dev.hygiene.core;

import java.util.Arrays;

/**
 * The hygiene state of one thread: the stack of its open scopes. Frames are created on first use
 * at each depth and reused afterwards, so entering and closing allocate nothing in steady state.
 *
 * <p>The state is found through {@link #STATE}, a thread-local of our own. It is always retained
 * (see {@link Retention#retains}) and is set before the first snapshot, so it is part of every
 * snapshot and never reported as a leftover.
 */
final class Worker {

    static final ThreadLocal<Worker> STATE = new ThreadLocal<>();

    final Thread thread;
    private Frame[] frames = new Frame[2];
    /** The number of open scopes. */
    int depth;

    private Worker(Thread thread) {
        this.thread = thread;
    }

    static Worker current() {
        Worker worker = STATE.get();
        if (worker == null) {
            worker = new Worker(Thread.currentThread());
            STATE.set(worker);
        }
        return worker;
    }

    /** Opens the next frame for {@code hygiene}; the caller captures the snapshot. */
    Frame push(ThreadHygiene hygiene, Class<?> taskType) {
        int d = depth;
        if (d == frames.length) {
            frames = Arrays.copyOf(frames, d * 2);
        }
        Frame frame = frames[d];
        if (frame == null) {
            frames[d] = frame = new Frame(this, d);
        }
        depth = d + 1;
        frame.open(hygiene, taskType);
        return frame;
    }
}

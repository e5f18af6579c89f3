package dev.hygiene.agent;

import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.executors.HygienicThreadPoolExecutor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.ObjectName;

/**
 * The program that AgentIT runs in child JVMs, with and without {@code -javaagent}: each argument
 * names a scenario, which prints {@code probe.<scenario>.<key>=<value>} lines. The same code runs in
 * both JVMs, so the control without the agent shows the dirt that the agent cleans.
 */
public final class AgentProbe {

    static final String PREFIX = "probe.";
    static final String LEFT = "left-by-task";

    static final ThreadLocal<String> LOCAL = new ThreadLocal<>();
    static final InheritableThreadLocal<String> INHERITABLE = new InheritableThreadLocal<>();
    private static final long TIMEOUT = 60;

    private AgentProbe() {
    }

    public static void main(String[] args) throws Exception {
        for (String scenario : args) {
            switch (scenario) {
                case "tpe": tpe(); break;
                case "fixed": fixed(); break;
                case "scheduled": scheduled(); break;
                case "hooksSkipSuper": hooksSkipSuper(); break;
                case "forkJoin": forkJoin(); break;
                case "commonPool": commonPool(); break;
                case "completableFuture": completableFuture(); break;
                case "inherited": inherited(); break;
                case "baseline": baseline(); break;
                case "stats": stats(); break;
                case "identity": identity(); break;
                case "hygienicPool": hygienicPool(); break;
                case "oddShape": oddShape(); break;
                case "taskException": taskException(); break;
                case "timer": timer(); break;
                case "virtual": virtual(); break;
                default: throw new IllegalArgumentException("no scenario " + scenario);
            }
        }
        System.out.flush();
    }

    static void print(String key, Object value) {
        System.out.println(PREFIX + key + "=" + value);
    }

    /** Task 1 leaves both maps dirty; what does task 2 on the same worker see? */
    private static void leaveThenLook(String scenario, ExecutorService pool) throws Exception {
        try {
            pool.submit(() -> {
                LOCAL.set(LEFT);
                INHERITABLE.set(LEFT);
            }).get(TIMEOUT, TimeUnit.SECONDS);
            print(scenario + ".local", pool.submit(LOCAL::get).get(TIMEOUT, TimeUnit.SECONDS));
            print(scenario + ".inheritable", pool.submit(INHERITABLE::get).get(TIMEOUT, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
            // A future completes inside its task, before the scope around it closes and counts.
            pool.awaitTermination(TIMEOUT, TimeUnit.SECONDS);
        }
    }

    private static void tpe() throws Exception {
        leaveThenLook("tpe", new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()));
    }

    /** Tasks on a fixed pool of 2: how many found another task's value? */
    private static void fixed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> seen = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int id = i;
                seen.add(pool.submit(() -> {
                    String before = LOCAL.get();
                    LOCAL.set("task-" + id);
                    return before;
                }));
            }
            int dirty = 0;
            for (Future<String> f : seen) {
                dirty += f.get(TIMEOUT, TimeUnit.SECONDS) != null ? 1 : 0;
            }
            print("fixed.dirty", dirty);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each run of a periodic task reads, then leaves a value: how many runs found one? */
    private static void scheduled() throws Exception {
        ScheduledExecutorService pool = Executors.newSingleThreadScheduledExecutor();
        try {
            CountDownLatch runs = new CountDownLatch(4);
            AtomicInteger dirty = new AtomicInteger();
            pool.scheduleAtFixedRate(() -> {
                if (runs.getCount() == 0) {
                    return;
                }
                if (LOCAL.get() != null) {
                    dirty.incrementAndGet();
                }
                LOCAL.set(LEFT);
                runs.countDown();
            }, 0, 1, TimeUnit.MILLISECONDS);
            print("scheduled.finished", runs.await(TIMEOUT, TimeUnit.SECONDS));
            print("scheduled.dirty", dirty.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** A subclass whose hooks do not call super: the agent works on the run loop, not the hooks. */
    private static void hooksSkipSuper() throws Exception {
        leaveThenLook("hooksSkipSuper", new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
            }

            @Override
            protected void afterExecute(Runnable r, Throwable t) {
            }
        });
    }

    private static void forkJoin() throws Exception {
        leaveThenLook("forkJoin", new ForkJoinPool(1));
    }

    /**
     * Needs -Djava.util.concurrent.ForkJoinPool.common.parallelism=1, so both tasks share a worker.
     * The second task is queued while the first still runs: the JDK clears a common-pool worker's
     * maps when it goes idle, but not between tasks it runs back to back.
     */
    private static void commonPool() throws Exception {
        ForkJoinPool common = ForkJoinPool.commonPool();
        print("commonPool.local", backToBack(common::execute, () -> { }));
    }

    /**
     * Likewise through CompletableFuture's async stages, which run on the common pool only when its
     * parallelism is 2 or more (with 1 they get a new thread each): needs parallelism=2. The second
     * worker is kept busy meanwhile, so that the queued stage goes to the first.
     */
    private static void completableFuture() throws Exception {
        CountDownLatch otherBusy = new CountDownLatch(1);
        CountDownLatch releaseOther = new CountDownLatch(1);
        String seen = backToBack(task -> CompletableFuture.runAsync(task), () -> {
            CompletableFuture.runAsync(() -> {
                otherBusy.countDown();
                try {
                    releaseOther.await(TIMEOUT, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                otherBusy.await(TIMEOUT, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        releaseOther.countDown();
        print("completableFuture.local", seen);
    }

    /**
     * What a second task sees that was queued while the first, which leaves a value, ran; {@code
     * meanwhile} runs while the first runs, before the second is queued.
     */
    private static String backToBack(java.util.concurrent.Executor executor, Runnable meanwhile)
            throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch queued = new CountDownLatch(1);
        CountDownLatch looked = new CountDownLatch(1);
        AtomicReference<String> seen = new AtomicReference<>();
        executor.execute(() -> {
            LOCAL.set(LEFT);
            started.countDown();
            try {
                queued.await(TIMEOUT, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await(TIMEOUT, TimeUnit.SECONDS);
        meanwhile.run();
        executor.execute(() -> {
            seen.set(LOCAL.get());
            looked.countDown();
        });
        queued.countDown();
        looked.await(TIMEOUT, TimeUnit.SECONDS);
        return seen.get();
    }

    /** A worker created lazily inside a "request" inherits its InheritableThreadLocal. */
    private static void inherited() throws Exception {
        INHERITABLE.set("request-context");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            print("inherited.firstTaskSees", pool.submit(INHERITABLE::get).get(TIMEOUT, TimeUnit.SECONDS));
        } finally {
            INHERITABLE.remove();
            pool.shutdownNow();
        }
    }

    /** The worker holds a value before its first task; a task overwrites it; the next sees...? */
    private static void baseline() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(() -> {
            LOCAL.set("baseline");
            r.run();
        }));
        try {
            pool.submit(() -> LOCAL.set(LEFT)).get(TIMEOUT, TimeUnit.SECONDS);
            print("baseline.nextTaskSees", pool.submit(LOCAL::get).get(TIMEOUT, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    /** The agent's MBean, after tasks that left values (run the other scenarios first). */
    private static void stats() throws Exception {
        ObjectName name = new ObjectName("dev.hygiene:type=ThreadHygiene,name=agent");
        boolean registered = ManagementFactory.getPlatformMBeanServer().isRegistered(name);
        print("stats.registered", registered);
        if (registered) {
            for (String attribute : new String[] {"Mode", "Tasks", "TasksWithLeftovers", "Leftovers"}) {
                print("stats." + attribute, ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute));
            }
        }
    }

    /**
     * Virtual threads (JDK 21+), each setting a value and yielding a few times, so that its
     * continuation is unmounted and run again by the carriers' fork-join pool: how many kept their
     * value throughout, and how many tasks did the agent's hygiene count meanwhile?
     */
    private static void virtual() throws Exception {
        ExecutorService perTask = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        ObjectName name = new ObjectName("dev.hygiene:type=ThreadHygiene,name=agent");
        boolean agent = ManagementFactory.getPlatformMBeanServer().isRegistered(name);
        long before = agent ? (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Tasks") : 0;
        List<Future<Boolean>> kept = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                String mine = "virtual-" + i;
                kept.add(perTask.submit(() -> {
                    LOCAL.set(mine);
                    boolean same = true;
                    for (int y = 0; y < 5; y++) {
                        Thread.yield();
                        same &= mine.equals(LOCAL.get());
                    }
                    return same;
                }));
            }
            int count = 0;
            for (Future<Boolean> f : kept) {
                count += f.get(TIMEOUT, TimeUnit.SECONDS) ? 1 : 0;
            }
            print("virtual.kept", count);
        } finally {
            perTask.shutdown();
        }
        if (agent) {
            print("virtual.agentTasks", (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(name, "Tasks") - before);
        }
    }

    /** getQueue, remove, shutdownNow and cancel see the caller's own objects. */
    private static void identity() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        pool.execute(() -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        started.await(TIMEOUT, TimeUnit.SECONDS);
        Runnable queued = () -> { };
        Runnable removed = () -> { };
        pool.execute(queued);
        pool.execute(removed);
        BlockingQueue<Runnable> queue = pool.getQueue();
        print("identity.queueHoldsTask", queue.contains(queued) && queue.contains(removed));
        print("identity.removeFindsTask", pool.remove(removed));
        List<Runnable> left = pool.shutdownNow();
        print("identity.shutdownNowReturnsTask", left.size() == 1 && left.get(0) == queued);
        release.countDown();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            ScheduledFuture<?> future = scheduler.schedule(() -> { }, 1, TimeUnit.HOURS);
            print("identity.queueHoldsFuture", scheduler.getQueue().contains(future));
            print("identity.cancel", future.cancel(false) && future.isCancelled());
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** A hygiene-executors pool under the agent: its own hygiene counts the task, the agent does not. */
    private static void hygienicPool() throws Exception {
        ThreadHygiene own = ThreadHygiene.of(dev.hygiene.core.HygienePolicy.builder().name("own").build());
        HygienicThreadPoolExecutor pool = new HygienicThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), own);
        try {
            pool.submit(() -> LOCAL.set(LEFT)).get(TIMEOUT, TimeUnit.SECONDS);
            print("hygienicPool.local", pool.submit(LOCAL::get).get(TIMEOUT, TimeUnit.SECONDS));
        } finally {
            pool.shutdown();
            // A future completes inside its task, before the scope around it closes and counts.
            pool.awaitTermination(TIMEOUT, TimeUnit.SECONDS);
        }
        print("hygienicPool.ownTasks", own.stats().tasks());
        print("hygienicPool.ownLeftovers", own.stats().leftovers());
        ThreadHygiene agent = agentHygiene();
        print("hygienicPool.agentTasks", agent == null ? "none" : agent.stats().tasks());
    }

    /** A target of unexpected shape is left alone and the program runs on. */
    private static void oddShape() {
        AtomicInteger runs = new AtomicInteger();
        new org.jboss.threads.EnhancedQueueExecutor$ThreadBody(runs::incrementAndGet, runs::incrementAndGet).run();
        print("oddShape.runs", runs.get());
    }

    /** A task's exception reaches the pool as without the agent: afterExecute sees the same object. */
    private static void taskException() throws Exception {
        List<Throwable> seen = new ArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
            @Override
            protected void afterExecute(Runnable r, Throwable t) {
                seen.add(t);
                after.countDown();
            }
        };
        IllegalStateException thrown = new IllegalStateException("thrown by the task");
        pool.execute(() -> {
            LOCAL.set(LEFT);
            throw thrown;
        });
        after.await(TIMEOUT, TimeUnit.SECONDS);
        print("taskException.afterExecuteSawIt", seen.size() == 1 && seen.get(0) == thrown);
        pool.shutdownNow();
    }

    /** Two tasks of one java.util.Timer, which runs them on its one thread. */
    private static void timer() throws InterruptedException {
        java.util.Timer timer = new java.util.Timer("probe-timer", true);
        try {
            CountDownLatch left = new CountDownLatch(1);
            timer.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    LOCAL.set(LEFT);
                    left.countDown();
                }
            }, 0);
            left.await(TIMEOUT, TimeUnit.SECONDS);
            AtomicReference<String> seen = new AtomicReference<>();
            CountDownLatch looked = new CountDownLatch(1);
            timer.schedule(new java.util.TimerTask() {
                @Override
                public void run() {
                    seen.set(LOCAL.get());
                    looked.countDown();
                }
            }, 0);
            looked.await(TIMEOUT, TimeUnit.SECONDS);
            print("timer.local", seen.get());
        } finally {
            timer.cancel();
        }
    }

    /** The agent's hygiene, when this JVM runs the agent. */
    private static ThreadHygiene agentHygiene() throws Exception {
        Class<?> installer;
        try {
            installer = Class.forName("dev.hygiene.agent.boot.Installer");
        } catch (ClassNotFoundException e) {
            return null;
        }
        return (ThreadHygiene) installer.getMethod("hygiene").invoke(null);
    }
}

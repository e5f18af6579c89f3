package dev.hygiene.junit;

import dev.hygiene.core.Leftover;
import dev.hygiene.core.TaskScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one test or class left, from every thread that reports to it: its own scope on the thread
 * that runs its lifecycle, the scopes of its methods that ran on other threads, and the tasks of its
 * {@link TestHygiene}. A finding that arrives after the ledger was settled goes to the ledger of the
 * enclosing class, and from the outermost one to the log.
 */
final class Ledger {

    /** One thread's leftovers that count: what a scope found, with where and on which thread. */
    record Finding(String where, String thread, List<Leftover> leftovers) {
    }

    final Ledger parent;
    final Settings settings;
    /** The thread whose scope this ledger owns; its own methods need no scope of their own. */
    final Thread owner;
    final TaskScope scope;
    private final List<Finding> findings = new ArrayList<>();
    /** The entries that the class's own methods left, by {@link #key}, measured by auditing scopes. */
    private final Set<String> classMethodsLeft = new TreeSet<>();
    /** Retain rules of the tests below this ledger that this one's own rules lack. */
    private final Set<String> retainedBelow = new TreeSet<>();
    private boolean settled;

    Ledger(Ledger parent, Settings settings, Object task) {
        this.parent = parent;
        this.settings = settings;
        this.owner = Thread.currentThread();
        this.scope = settings.hygiene.enter(task);
    }

    /** Hands a finding to the nearest ledger not yet settled; returns false if none took it. */
    boolean report(Finding finding) {
        for (Ledger l = this; l != null; l = l.parent) {
            if (l.add(finding)) {
                return true;
            }
        }
        return false;
    }

    private synchronized boolean add(Finding finding) {
        if (settled) {
            return false;
        }
        findings.add(finding);
        return true;
    }

    /**
     * Notes the retain rules of a test of this class: an entry a test retained stays on its thread
     * after the test, and this scope removes it at the end of the class without reporting it.
     */
    synchronized void retainedBelow(List<String> rules) {
        for (String rule : rules) {
            if (!settings.retain.contains(rule)) {
                retainedBelow.add(rule);
            }
        }
        if (parent != null) {
            parent.retainedBelow(rules);
        }
    }

    /** {@code leftovers} without those that a test below this ledger retained. */
    synchronized List<Leftover> withoutRetainedBelow(List<Leftover> leftovers) {
        if (retainedBelow.isEmpty()) {
            return leftovers;
        }
        List<Leftover> kept = new ArrayList<>(leftovers.size());
        for (Leftover l : leftovers) {
            if (!matches(l.localType()) && (l.valueType() == null || !matches(l.valueType()))) {
                kept.add(l);
            }
        }
        return kept;
    }

    private boolean matches(String type) {
        for (String rule : retainedBelow) {
            if (type.startsWith(rule)) {
                return true;
            }
        }
        return false;
    }

    /** Notes what a class-level method left, as an auditing scope around it measured. */
    synchronized void classMethodLeft(List<Leftover> leftovers) {
        for (Leftover l : leftovers) {
            classMethodsLeft.add(key(l));
            classMethodsLeft.add(valueKey(l));
        }
    }

    /**
     * Of what the class's scope found over the class's whole run, the entries of the types that
     * the class's own methods left. The class's scope also spans its tests' start and end, where
     * test execution listeners (surefire's among them) keep per-test state of their own in
     * thread-locals of the test thread; those are not the class's.
     */
    synchronized List<Leftover> leftByClassMethods(List<Leftover> leftovers) {
        List<Leftover> kept = new ArrayList<>(leftovers.size());
        for (Leftover l : leftovers) {
            if (classMethodsLeft.contains(l.kind() == Leftover.Kind.STALE ? valueKey(l) : key(l))) {
                kept.add(l);
            }
        }
        return kept;
    }

    private static String key(Leftover l) {
        return l.localType() + " -> " + l.valueType() + (l.inheritable() ? " (inheritable)" : "");
    }

    /** A stale entry has lost its {@code ThreadLocal}'s name: it is matched by its value's. */
    private static String valueKey(Leftover l) {
        return "* -> " + l.valueType() + (l.inheritable() ? " (inheritable)" : "");
    }

    /** Ends the ledger: later findings go to the parent. Returns what was found so far. */
    synchronized List<Finding> settle() {
        settled = true;
        return List.copyOf(findings);
    }

    /** The leftovers that make a test fail: entries added or changed in either map, stale ones included. */
    static List<Leftover> counted(List<Leftover> leftovers) {
        List<Leftover> counted = null;
        for (Leftover l : leftovers) {
            if (l.kind() == Leftover.Kind.ADDED || l.kind() == Leftover.Kind.CHANGED
                    || l.kind() == Leftover.Kind.STALE) {
                if (counted == null) {
                    counted = new ArrayList<>(leftovers.size());
                }
                counted.add(l);
            }
        }
        return counted == null ? List.of() : counted;
    }
}

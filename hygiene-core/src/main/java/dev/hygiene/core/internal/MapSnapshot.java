package dev.hygiene.core.internal;

import dev.hygiene.core.Leftover;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * The snapshot of one of a thread's two {@code ThreadLocalMap}s, and the code that compares the
 * map against it and restores it.
 *
 * <p>Implementation overview.
 *
 * <p>The JDK's map is an open-addressing table with linear probing: an entry for key {@code k}
 * lives at the first free slot from {@code hash(k) & (length - 1)} onwards, so no null slot ever
 * separates an entry from its home slot. Each entry is a {@code WeakReference} to its key with a
 * strong {@code value} field. {@code ThreadLocal.remove()} clears the entry's key before dropping
 * it, and the GC clears keys that became unreachable, leaving a <em>stale</em> entry that still
 * holds its value.
 *
 * <p>A snapshot mirrors the table slot by slot in three arrays: the entry object, its value, and a
 * weak reference of our own to its key. The key reference is needed because an entry that the task
 * removed has lost its key: putting it back needs the key, and so does telling a removal from an
 * expunge (see {@link #untracked}). It is created only when a new entry object appears in a slot,
 * so a steady-state capture allocates nothing. The arrays grow with the
 * table and are reused for every task; a capture writes only the slots that differ, because each
 * reference store into a long-lived array costs a GC write barrier. Between tasks the arrays mirror
 * the map, so they hold no value that the map does not hold too; when a frame is not reused
 * (nested scopes) they are cleared.
 *
 * <p>Closing compares in up to three steps, cheapest first:
 * <ol>
 * <li>{@link #unchanged}: same map, same table, same {@code size}, and in every slot that held an
 *     entry at capture the same entry object with the same value and a live key. The JDK keeps
 *     {@code size} equal to the number of non-null slots, so nothing can have been added elsewhere:
 *     the check costs one step per entry, not per slot. This is the cost of a task that touched
 *     nothing; a capture that finds the arrays already mirroring the map costs the same.
 * <li>In place: same table, and the task only replaced values of snapshot entries and added
 *     entries in slots that were empty in the snapshot (the usual case). Values are put back and
 *     the added slots emptied; no snapshot entry ever probed through a slot that was empty, so no
 *     chain breaks.
 * <li>General: anything else (removals, stale entries, rehash, a retained entry added): the
 *     desired entry set is computed (snapshot entries with their snapshot values, plus retained
 *     entries as the task left them) and the table is refilled from it. Entries are reused where
 *     they still hold their key; an entry the task removed is rebuilt with the JDK's constructor.
 * </ol>
 * All three run only on the thread that owns the map, and none calls a {@code ThreadLocal} method.
 */
final class MapSnapshot {

    private static final Object[] NO_SLOTS = {};
    @SuppressWarnings("unchecked")
    private static final WeakReference<Object>[] NO_KEYS = (WeakReference<Object>[]) new WeakReference<?>[0];
    private static final int[] NO_INDEXES = {};

    /** Which of the thread's two maps this mirrors. */
    final boolean inheritable;

    private Object map;
    private Object[] table;
    private int length;
    private int size;
    private Object[] entries = NO_SLOTS;
    private Object[] values = NO_SLOTS;
    private WeakReference<Object>[] keys = NO_KEYS;
    /** The slots that held an entry at capture, {@link #size} of them; an audited addition is appended. */
    private int[] occupied = NO_INDEXES;
    /** Slots [0, used) of the arrays may hold references. */
    private int used;

    // Scratch of the in-place path: slots to undo, ~slot for an addition.
    private int[] marks = NO_INDEXES;
    // Scratch of the general path, cleared after use.
    private int[] found = NO_INDEXES;
    private Object[] keep = NO_SLOTS;
    private int[] keepSource = NO_INDEXES;
    private WeakReference<Object>[] keptKeys = NO_KEYS;
    private int[] putBack = NO_INDEXES;

    MapSnapshot(boolean inheritable) {
        this.inheritable = inheritable;
    }

    /**
     * Mirrors the thread's map into the arrays, writing only slots that differ. An enforcing
     * scope's snapshot keeps a weak reference to every key, to put back an entry the task removes;
     * an auditing one keeps none for entries an audited task added, see {@link #untracked}: a
     * nested auditing scope takes the key references of {@code enclosing}, the snapshot of the
     * scope it runs in (null at depth 0), for the entries that one holds.
     */
    void capture(Thread thread, boolean enforce, MapSnapshot enclosing) {
        mirror(thread, enforce, enclosing, false);
    }

    /**
     * An auditing capture after a nested auditing scope closed: what is new in the map since this
     * snapshot's capture, the inner task left, so it is no baseline either.
     */
    void rebase(Thread thread) {
        mirror(thread, false, null, true);
    }

    private void mirror(Thread thread, boolean enforce, MapSnapshot enclosing, boolean afterNested) {
        Object m = JdkAccess.map(thread, inheritable);
        Object[] tab = m == null ? null : JdkAccess.table(m);
        auditing = !enforce;
        boolean track = enforce && untracked;
        if (!track && m == map && tab == table && (m == null || mirrors(m, tab, false))) {
            return;
        }
        // A map seen for the first time: in an enforcing scope, or at depth 0, every entry is the
        // thread's own; a nested auditing scope inherits what its enclosing snapshot knows.
        MapSnapshot from = m != map && !enforce && enclosing != null && enclosing.map == m ? enclosing : null;
        boolean firstLook = m != map && !afterNested;
        untracked = false;
        int len = tab == null ? 0 : tab.length;
        if (entries.length < len) {
            grow(len);
        }
        Object[] entries = this.entries;
        Object[] values = this.values;
        int[] occupied = this.occupied;
        int count = 0;
        for (int i = 0; i < len; i++) {
            Object e = tab[i];
            Object v = null;
            if (e != null) {
                occupied[count++] = i;
                v = JdkAccess.value((Reference<?>) e);
            }
            if (entries[i] != e) {
                entries[i] = e;
                if (e != null) {
                    WeakReference<Object> key;
                    if (from != null) {
                        key = i < from.used && from.entries[i] == e ? from.keys[i] : null;
                    } else {
                        key = enforce || firstLook ? keyOf((Reference<?>) e, keys[i]) : null;
                    }
                    keys[i] = key;
                    if (key == null && !enforce) {
                        untracked = true;
                    }
                }
            } else if (e != null && keys[i] == null) {
                if (track) {
                    keys[i] = keyOf((Reference<?>) e, null);
                } else if (!enforce) {
                    untracked = true;
                }
            }
            if (values[i] != v) {
                values[i] = v;
            }
        }
        if (used > len) {
            clear(len, used);
        }
        used = len;
        if (map != m) {
            map = m;
        }
        if (table != tab) {
            table = tab;
        }
        length = len;
        size = count;
    }

    /**
     * Whether some live entry of the arrays has no key reference: one an audited task added.
     *
     * <p>Why AUDIT keeps no reference to the key of an entry a task added: a weak reference of our
     * own to such a key measurably delays when the JDK finds the key cleared (on G1 and Serial
     * alike: a single thread whose tasks each leave a new {@code ThreadLocal} kept about 1.5 to 2
     * times the plain thread's stale entries, and their values, alive), and an audit must keep no
     * more memory alive than no hygiene. References to the keys the thread had before any audited
     * task, its baseline, cost nothing of the kind: they are few and their keys are alive. So an
     * auditing snapshot counts a {@code REMOVED} leftover only for a baseline entry, and does so
     * exactly: an entry gone with our reference to its key cleared was expunged after the GC
     * cleared the key (all weak references to an object are cleared at once), one gone with the
     * key alive was removed. Removing what an earlier audited task left is no leftover, as it is
     * none under ENFORCE, which never lets a task see another's leftovers. An enforcing capture
     * after a switch from AUDIT takes the missing references.
     */
    private boolean untracked;

    /** Whether the last capture was an auditing one: it keeps no memo of added keys either. */
    private boolean auditing;

    /** Our weak reference to the entry's key: {@code previous} when it already refers to it. */
    private static WeakReference<Object> keyOf(Reference<?> entry, WeakReference<Object> previous) {
        Object key = entry.get();
        if (key == null) {
            return null;
        }
        return previous != null && previous.refersTo(key) ? previous : new WeakReference<>(key);
    }

    private void grow(int len) {
        entries = Arrays.copyOf(entries, len);
        values = Arrays.copyOf(values, len);
        keys = Arrays.copyOf(keys, len);
        occupied = new int[len];
    }

    /**
     * Whether {@code tab}, the table of map {@code m}, holds exactly the captured entries and values
     * (and, with {@code live}, each with its key): the JDK keeps {@code size} equal to the number of
     * non-null slots, so when it is unchanged and every slot occupied at capture still holds its
     * entry, no other slot can hold one. This costs one step per entry, not per slot.
     */
    private boolean mirrors(Object m, Object[] tab, boolean live) {
        if (JdkAccess.size(m) != size) {
            return false;
        }
        Object[] entries = this.entries;
        Object[] values = this.values;
        int[] occupied = this.occupied;
        for (int k = 0, n = size; k < n; k++) {
            int i = occupied[k];
            Object e = tab[i];
            if (e != entries[i]) {
                return false;
            }
            Reference<?> entry = (Reference<?>) e;
            if (JdkAccess.value(entry) != values[i] || live && entry.refersTo(null)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Drops every strong reference the arrays hold, for a frame that will not be reused soon. Our
     * weak key references stay: they pin nothing, and a nested frame reused for the same entries
     * then needs no new ones.
     */
    void release() {
        Arrays.fill(entries, 0, used, null);
        Arrays.fill(values, 0, used, null);
        used = 0;
        length = 0;
        size = 0;
        map = null;
        table = null;
    }

    private void clear(int from, int to) {
        Arrays.fill(entries, from, to, null);
        Arrays.fill(values, from, to, null);
        Arrays.fill(keys, from, to, null);
    }

    /** Whether the thread's map is exactly as captured: the cost of a task that touched nothing. */
    boolean unchanged(Thread thread) {
        Object m = JdkAccess.map(thread, inheritable);
        if (m != map) {
            return false;
        }
        if (m == null) {
            return true;
        }
        Object[] tab = JdkAccess.table(m);
        return tab == table && mirrors(m, tab, true);
    }

    /**
     * Writes into {@code findings} what the task changed in this map and, when {@code enforce}, puts the
     * snapshot back. Called after {@link #unchanged} said false, on the thread that owns the map.
     * Returns whether the arrays still mirror the map afterwards (an enforced in-place restore), so
     * that no new capture is needed.
     */
    boolean settle(Thread thread, boolean enforce, Retention retention, Findings findings) {
        Object current = JdkAccess.map(thread, inheritable);
        Object[] tab = current == null ? null : JdkAccess.table(current);
        if (current == map && tab == table && tab != null) {
            int settled = settleInPlace(current, tab, enforce, retention, findings);
            if (settled != NOT_IN_PLACE) {
                return settled == MIRRORED;
            }
            if (!enforce && auditInPlace(current, tab, retention, findings)) {
                return true;
            }
        }
        return settleGeneral(thread, current, tab, enforce, retention, findings);
    }

    /**
     * The audit's path for a task that also removed entries, against the same table, when no
     * baseline entry is involved: the audited task removed (or the JDK moved, by the rehash that
     * follows a removal) only entries that audited tasks added, which are no leftovers when they go
     * (see {@link #untracked}); the usual case is a task that cleans up what the previous one left.
     * Returns false, having done nothing, when a baseline entry left its slot or an entry is stale:
     * the general path then finds out exactly what happened to it.
     *
     * <p>A read-only pass over the snapshot's own slots sorts each that differs from the snapshot:
     * a value changed, an untracked entry gone, another entry there now. An entry the JDK moved
     * only ever moves towards its home slot, into a slot of its run, all of which were occupied at
     * capture; so when those slots hold as many entries as the map's {@code size}, nothing was added
     * elsewhere, and otherwise a walk of the slots empty at capture finds the additions. Then the
     * findings are written and only the sorted slots of the arrays are rewritten.
     */
    private boolean auditInPlace(Object current, Object[] tab, Retention retention, Findings findings) {
        int len = length;
        if (marks.length < len) {
            marks = new int[len];
        }
        int[] marks = this.marks;
        Object[] entries = this.entries;
        Object[] values = this.values;
        WeakReference<Object>[] keys = this.keys;
        int[] occupied = this.occupied;
        int n = 0;
        int present = 0;
        for (int k = 0, count = size; k < count; k++) {
            int i = occupied[k];
            Object c = tab[i];
            if (c != null) {
                present++;
            }
            int op = sortSlot(c, i, retention);
            if (op == GENERAL) {
                return false;
            }
            if (op != SAME) {
                marks[n++] = i << OP_BITS | op;
            }
        }
        int capturedSlots = n;
        if (present < JdkAccess.size(current)) {
            for (int i = 0; i < len; i++) {
                Object c = tab[i];
                if (c == null || entries[i] != null) {
                    continue;
                }
                int op = sortSlot(c, i, retention);
                if (op == GENERAL) {
                    return false;
                }
                marks[n++] = i << OP_BITS | op;
            }
            for (int k = capturedSlots; k < n; k++) {
                rememberSlot(marks[k] >>> OP_BITS);
            }
        }
        for (int k = 0; k < n; k++) {
            int m = marks[k];
            int i = m >>> OP_BITS;
            Reference<?> entry = (Reference<?>) tab[i];
            Object value = entry == null ? null : JdkAccess.value(entry);
            int op = m & OP_MASK;
            if (op != TAKE) {
                // A key the GC cleared since the sort is found as collected, as in settleMarked.
                ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
                findings.entry(op == TAKE_CHANGED ? Leftover.Kind.CHANGED
                        : key == null ? Leftover.Kind.STALE : Leftover.Kind.ADDED, key, value, inheritable);
            }
            if (entries[i] != entry) {
                entries[i] = entry;
                keys[i] = null;   // gone, or an audited task's addition: see untracked
            }
            values[i] = value;
        }
        // The slots that hold an entry now: those of the snapshot's that still do, then the additions.
        int count = 0;
        boolean untracked = false;
        for (int k = 0, captured = size; k < captured; k++) {
            int i = occupied[k];
            if (entries[i] != null) {
                occupied[count++] = i;
                untracked |= keys[i] == null;
            }
        }
        for (int k = capturedSlots; k < n; k++) {
            occupied[count++] = marks[k] >>> OP_BITS;
            untracked = true;
        }
        this.untracked = untracked;
        size = count;
        return true;
    }

    // How auditInPlace sorts a slot: in the low bits of its mark, take what is there now, and find
    // it changed or added first; or leave it, or give up for the general path.
    private static final int TAKE = 0;
    private static final int TAKE_CHANGED = 1;
    private static final int TAKE_ADDED = 2;
    private static final int OP_BITS = 2;
    private static final int OP_MASK = (1 << OP_BITS) - 1;
    private static final int SAME = -1;
    private static final int GENERAL = -2;

    /** How {@link #auditInPlace} settles slot {@code i}, which now holds {@code c}. */
    private int sortSlot(Object c, int i, Retention retention) {
        Object s = entries[i];
        if (c == s) {
            Reference<?> entry = (Reference<?>) c;
            Object value = JdkAccess.value(entry);
            if (value != values[i]) {
                ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
                return key == null ? GENERAL : retention.retains(key, value) ? TAKE : TAKE_CHANGED;
            }
            return entry.refersTo(null) ? GENERAL : SAME;
        }
        if (s != null && keys[i] != null) {
            return GENERAL;   // a baseline entry left this slot
        }
        if (c == null) {
            return TAKE;
        }
        Reference<?> entry = (Reference<?>) c;
        ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
        if (key == null) {
            return GENERAL;
        }
        Object value = JdkAccess.value(entry);
        int from = s == null ? -1 : slotOf(c, i);
        if (from < 0) {
            return retention.retains(key, value) ? TAKE : TAKE_ADDED;
        }
        if (keys[from] != null) {
            return GENERAL;   // a baseline entry the JDK moved
        }
        return value != values[from] && !retention.retains(key, value) ? TAKE_CHANGED : TAKE;
    }

    /** What {@link #settleInPlace} did: nothing (the general path is needed), or settled the map. */
    private static final int NOT_IN_PLACE = 0;
    private static final int SETTLED = 1;
    /** Settled, and the arrays mirror the map: no new capture is needed. */
    private static final int MIRRORED = 2;

    /**
     * The in-place path, in three phases: {@link #mark} checks in one pass that the task changed
     * the map in place (against the same table, every slot holds its snapshot entry with a live key,
     * its value perhaps changed, or a live, non-retained entry in a slot that was empty) and notes
     * the slots to settle; only if it did is anything found or written. {@link #settleMarked} then
     * writes the findings and, when enforcing, puts the snapshot back; auditing leaves the map and
     * {@link #advance}s the arrays to what the task left, as a capture would but touching only the
     * marked slots. Returns {@link #NOT_IN_PLACE}, having done nothing, when the general path is
     * needed.
     */
    private int settleInPlace(Object current, Object[] tab, boolean enforce, Retention retention, Findings findings) {
        int marked = mark(current, tab, retention);
        if (marked < 0) {
            return NOT_IN_PLACE;
        }
        settleMarked(marked, tab, enforce, findings);
        if (enforce) {
            if (markedAdditions) {
                JdkAccess.setSize(current, size);
            }
            return MIRRORED;
        }
        if (markedRetainedChange) {
            return SETTLED;
        }
        advance(marked, tab);
        return MIRRORED;
    }

    /** Whether {@link #mark} found an addition, and a retained entry whose value changed. */
    private boolean markedAdditions;
    private boolean markedRetainedChange;

    /**
     * The mark phase: notes in {@link #marks} each slot to settle ({@code i} for a changed value,
     * {@code ~i} for an addition) and returns how many; -1 when the change was not in place.
     *
     * <p>It visits the snapshot's own slots, then finds the additions without visiting every slot:
     * once each snapshot slot is known to hold its own entry, the JDK's {@code size}, which counts
     * the non-null slots, says how many other slots hold one, and all of them were empty at capture.
     * They are looked for first at the home slots of the keys that tasks on this thread added
     * before ({@link #recentKeys}: a pool's requests add the same thread-locals task after task),
     * and only when those do not account for all of them by a walk of the whole table, which also
     * remembers the keys it finds.
     */
    private int mark(Object current, Object[] tab, Retention retention) {
        int len = length;
        if (marks.length < len) {
            marks = new int[len];
        }
        int[] marks = this.marks;
        Object[] entries = this.entries;
        Object[] values = this.values;
        int[] occupied = this.occupied;
        int n = 0;
        boolean retainedChange = false;
        for (int k = 0, count = size; k < count; k++) {
            int i = occupied[k];
            Object c = tab[i];
            if (c != entries[i]) {
                return -1;   // the task removed or replaced a snapshot entry
            }
            Reference<?> entry = (Reference<?>) c;
            Object value = JdkAccess.value(entry);
            if (value != values[i]) {
                ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
                if (key == null) {
                    return -1;
                }
                if (!retention.retains(key, value)) {
                    marks[n++] = i;
                } else {
                    retainedChange = true;
                }
            } else if (entry.refersTo(null)) {
                return -1;
            }
        }
        markedRetainedChange = retainedChange;
        int added = JdkAccess.size(current) - size;
        markedAdditions = added > 0;
        if (added <= 0) {
            return added == 0 ? n : -1;
        }
        int probed = auditing ? markRecentSlots(tab, retention, n, added) : markRecentAdditions(tab, retention, n, added);
        if (probed < 0) {
            return -1;
        }
        return probed == added ? n + probed : markAllAdditions(tab, retention, n);
    }

    /**
     * Marks the additions found at the home slots of {@link #recentKeys}, after the {@code n} marks
     * already made; returns how many, at most {@code added}, or -1 if one of them needs the
     * general path (a retained addition).
     */
    private int markRecentAdditions(Object[] tab, Retention retention, int n, int added) {
        WeakReference<Object>[] recent = recentKeys;
        int mask = tab.length - 1;
        int found = 0;
        for (int r = 0; r < recentCount && found < added; r++) {
            if (recent[r].refersTo(null)) {
                continue;
            }
            ThreadLocal<?> key = (ThreadLocal<?>) recent[r].get();
            if (key == null) {
                continue;
            }
            for (int i = JdkAccess.hash(key) & mask; tab[i] != null; i = (i + 1) & mask) {
                @SuppressWarnings("unchecked")
                Reference<Object> entry = (Reference<Object>) tab[i];
                if (entry.refersTo(key)) {
                    if (entries[i] == null) {
                        if (retention.retains(key, JdkAccess.value(entry))) {
                            return -1;
                        }
                        marks[n + found++] = ~i;
                    }
                    break;
                }
            }
        }
        return found;
    }

    /**
     * Marks every addition, after the {@code n} marks of the snapshot's own slots, by a walk of the
     * whole table; returns the number of marks, or -1 if an addition needs the general path (stale
     * or retained). Remembers the added keys for {@link #markRecentAdditions}.
     */
    private int markAllAdditions(Object[] tab, Retention retention, int n) {
        Object[] entries = this.entries;
        for (int i = 0, len = tab.length; i < len; i++) {
            Object c = tab[i];
            if (c == null || entries[i] != null) {
                continue;
            }
            Reference<?> entry = (Reference<?>) c;
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            if (key == null || retention.retains(key, JdkAccess.value(entry))) {
                return -1;
            }
            marks[n++] = ~i;
            if (auditing) {
                rememberSlot(i);
            } else {
                rememberAdded(key);
            }
        }
        return n;
    }

    /**
     * An audit's {@link #markRecentAdditions}: marks the additions found in {@link #recentSlots},
     * after the {@code n} marks already made; returns how many, at most {@code added}, or -1 if one
     * of them needs the general path (stale or retained). A slot that was empty at capture and
     * holds an entry now holds an addition: an entry the JDK moves only moves into a slot its run
     * occupied at capture.
     */
    private int markRecentSlots(Object[] tab, Retention retention, int n, int added) {
        int[] recent = recentSlots;
        Object[] entries = this.entries;
        int found = 0;
        for (int r = 0; r < recentSlotCount && found < added; r++) {
            int i = recent[r];
            Object c = i < tab.length ? tab[i] : null;
            if (c == null || entries[i] != null) {
                continue;
            }
            Reference<?> entry = (Reference<?>) c;
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            if (key == null || retention.retains(key, JdkAccess.value(entry))) {
                return -1;
            }
            marks[n + found++] = ~i;
        }
        return found;
    }

    /**
     * The slots where audited tasks on this thread added entries before: where an audit looks
     * first for additions. Slots, not keys: an audit holds no reference to the key of an entry a
     * task added, not even a weak one (see {@link #untracked}).
     */
    private final int[] recentSlots = new int[RECENT_KEYS];
    private int recentSlotCount;
    private int recentSlotNext;

    private void rememberSlot(int slot) {
        int[] recent = recentSlots;
        for (int r = 0; r < recentSlotCount; r++) {
            if (recent[r] == slot) {
                return;
            }
        }
        recent[recentSlotNext] = slot;
        recentSlotNext = (recentSlotNext + 1) % RECENT_KEYS;
        if (recentSlotCount < RECENT_KEYS) {
            recentSlotCount++;
        }
    }

    /** How many keys {@link #recentKeys} holds at most. */
    private static final int RECENT_KEYS = 8;

    /**
     * Keys that tasks added to this map before, weakly held, newest in the slot after the last
     * replaced one: where {@link #markRecentAdditions} looks first. Allocates a weak reference only
     * for a key not held yet, so a pool whose tasks add the same thread-locals allocates nothing.
     */
    @SuppressWarnings("unchecked")
    private WeakReference<Object>[] recentKeys = (WeakReference<Object>[]) new WeakReference<?>[RECENT_KEYS];
    private int recentCount;
    private int recentNext;

    private void rememberAdded(ThreadLocal<?> key) {
        WeakReference<Object>[] recent = recentKeys;
        for (int r = 0; r < recentCount; r++) {
            if (recent[r].refersTo(key)) {
                return;
            }
        }
        recent[recentNext] = new WeakReference<>(key);
        recentNext = (recentNext + 1) % RECENT_KEYS;
        if (recentCount < RECENT_KEYS) {
            recentCount++;
        }
    }

    /** Writes a finding for each of the {@code marked} slots and, when enforcing, undoes it. */
    private void settleMarked(int marked, Object[] tab, boolean enforce, Findings findings) {
        int[] marks = this.marks;
        Object[] values = this.values;
        for (int k = 0; k < marked; k++) {
            int m = marks[k];
            int i = m >= 0 ? m : ~m;
            Reference<?> entry = (Reference<?>) tab[i];
            // A key the GC cleared since the mark phase is found as collected; the slot is settled
            // all the same, as if the key had been cleared just after this close.
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            Object value = JdkAccess.value(entry);
            if (m >= 0) {
                findings.entry(Leftover.Kind.CHANGED, key, value, inheritable);
                if (enforce) {
                    JdkAccess.setValue(entry, values[i]);
                }
            } else {
                findings.entry(key == null ? Leftover.Kind.STALE : Leftover.Kind.ADDED, key, value, inheritable);
                if (enforce) {
                    tab[i] = null;
                    if (key == null) {
                        findings.expunged(1);
                    }
                }
            }
        }
    }

    /** The audit's last phase: the arrays take what the task left in the {@code marked} slots. */
    private void advance(int marked, Object[] tab) {
        int[] marks = this.marks;
        int[] occupied = this.occupied;
        for (int k = 0; k < marked; k++) {
            int m = marks[k];
            int i = m >= 0 ? m : ~m;
            Reference<?> entry = (Reference<?>) tab[i];
            if (m < 0) {
                entries[i] = entry;
                keys[i] = null;   // an audited task's addition: see untracked
                untracked = true;
                occupied[size++] = i;
            }
            values[i] = JdkAccess.value(entry);
        }
    }

    /**
     * The general path, in three phases: {@link #sortCurrent} decides for each entry now in the map
     * whether it is kept (a snapshot entry, its value to be put back, or a retained one as the task
     * left it), undone (an addition) or dropped (stale); {@link #findRemoved} finds the snapshot
     * entries the task removed; then, when enforcing and anything is to be undone or expunged,
     * {@link #rebuild} refills the table from the kept and removed entries, and when auditing,
     * {@link #advanceGeneral} moves the arrays to what the task left. Returns whether the arrays
     * mirror the map afterwards.
     */
    private boolean settleGeneral(Thread thread, Object current, Object[] tab, boolean enforce, Retention retention,
            Findings findings) {
        ensureScratch(length, tab == null ? 0 : tab.length);
        int kept = sortCurrent(tab, retention, findings);
        int restored = findRemoved(retention, findings);
        boolean mirrored = false;
        if (enforce && (undo || staleSeen > 0)) {
            Object target = current != null ? current : map;
            int stale = staleSeen + rebuild(target, kept, restored);
            if (current != target) {
                JdkAccess.setMap(thread, inheritable, target);
            }
            findings.expunged(stale);
        } else if (!enforce) {
            advanceGeneral(current, tab, kept);
            mirrored = true;
        }
        Arrays.fill(keep, 0, kept, null);
        return mirrored;
    }

    /**
     * The audit's last phase on the general path: the arrays mirror {@code tab}, the table of map
     * {@code current} as the task left it, each kept snapshot entry with its key reference (so a
     * baseline entry the JDK moved stays tracked) and each addition without one. The kept entries
     * are in {@link #keep} in table order, as {@link #sortCurrent} found them, and {@link #found}
     * says which of them each snapshot slot's entry is.
     */
    private void advanceGeneral(Object current, Object[] tab, int kept) {
        WeakReference<Object>[] keptKeys = this.keptKeys;
        int[] found = this.found;
        for (int j = 0; j < length; j++) {
            if (found[j] >= 0) {
                keptKeys[found[j]] = keys[j];
            }
        }
        int len = tab == null ? 0 : tab.length;
        if (entries.length < len) {
            grow(len);
        }
        Object[] entries = this.entries;
        Object[] values = this.values;
        WeakReference<Object>[] keys = this.keys;
        int[] occupied = this.occupied;
        int count = 0;
        int x = 0;
        for (int i = 0; i < len; i++) {
            Object e = tab[i];
            Object v = null;
            WeakReference<Object> key = null;
            if (e != null) {
                occupied[count++] = i;
                v = JdkAccess.value((Reference<?>) e);
                if (x < kept && keep[x] == e) {
                    key = keptKeys[x++];
                }
                if (key == null) {
                    untracked = true;
                }
            }
            entries[i] = e;
            values[i] = v;
            keys[i] = key;
        }
        Arrays.fill(keptKeys, 0, kept, null);
        if (used > len) {
            clear(len, used);
        }
        used = len;
        map = current;
        table = tab;
        length = len;
        size = count;
    }

    /** What the phases of the general path found: something to undo, and stale entries in the map. */
    private boolean undo;
    private int staleSeen;

    /**
     * Sorts the entries now in {@code tab}: the kept ones go to {@link #keep} (with the snapshot
     * slot whose value to put back, or -1 to keep the task's), and {@link #found} notes which
     * snapshot entries are still there. Returns how many were kept.
     */
    private int sortCurrent(Object[] tab, Retention retention, Findings findings) {
        int currentLength = tab == null ? 0 : tab.length;
        int[] found = this.found;
        Object[] keep = this.keep;
        int[] keepSource = this.keepSource;
        Object[] values = this.values;
        Arrays.fill(found, 0, length, -1);
        int kept = 0;
        int stale = 0;
        boolean undo = false;
        boolean sameLength = currentLength == length;
        for (int i = 0; i < currentLength; i++) {
            Object c = tab[i];
            if (c == null) {
                continue;
            }
            Reference<?> entry = (Reference<?>) c;
            Object value = JdkAccess.value(entry);
            if (entry.refersTo(null)) {
                stale++;
                if (!captured(c, i)) {
                    findings.entry(Leftover.Kind.STALE, null, value, inheritable);
                }
                continue;
            }
            // A snapshot entry the task left as it was is kept without reading its key: get() on an
            // entry whose key is unreachable but not cleared yet would keep the key alive through
            // the GC's current cycle (G1 marks what Reference.get returns), and doing that for every
            // entry at every close delays the clearing of every dropped key, so the JDK finds fewer
            // stale entries to expunge than on a thread without hygiene.
            int same = sameLength ? slotOf(c, i) : -1;
            if (same >= 0 && value == values[same]) {
                found[same] = kept;
                keepSource[kept] = same;
                keep[kept++] = c;
                continue;
            }
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            if (key == null) {
                stale++;
                if (!captured(c, i)) {
                    findings.entry(Leftover.Kind.STALE, null, value, inheritable);
                }
                continue;
            }
            boolean retained = retention.retains(key, value);
            int j = same >= 0 ? same : indexOf(key);
            if (j < 0 && auditing) {
                j = identityIndex(c);   // an audited addition, which has no key reference, after a resize
            }
            if (j >= 0) {
                found[j] = kept;
                if (!retained && value != values[j]) {
                    findings.entry(Leftover.Kind.CHANGED, key, value, inheritable);
                    undo = true;
                }
            } else if (!retained) {
                findings.entry(Leftover.Kind.ADDED, key, value, inheritable);
                undo = true;
                continue;
            }
            keepSource[kept] = retained ? -1 : j;
            keep[kept++] = c;
        }
        this.undo = undo;
        this.staleSeen = stale;
        return kept;
    }

    /** Notes in {@link #putBack} the snapshot entries the task removed; returns how many. */
    private int findRemoved(Retention retention, Findings findings) {
        int[] found = this.found;
        int[] putBack = this.putBack;
        int restored = 0;
        for (int j = 0; j < length; j++) {
            if (entries[j] == null || found[j] >= 0) {
                continue;
            }
            // No reference: stale at capture, or an audited addition. A cleared one: the GC cleared
            // the key, and the JDK expunged the entry.
            WeakReference<Object> keyRef = keys[j];
            if (keyRef == null || keyRef.refersTo(null)) {
                continue;
            }
            ThreadLocal<?> key = (ThreadLocal<?>) keyRef.get();
            if (key == null || retention.retains(key, values[j])) {
                continue;
            }
            if (values[j] != null) {   // as an entry added holding null, one removed holding null is no leftover
                findings.entry(Leftover.Kind.REMOVED, key, values[j], inheritable);
            }
            undo = true;
            putBack[restored++] = j;
        }
        return restored;
    }

    /**
     * The snapshot slot of entry {@code c}, now in slot {@code slot} of a table of the snapshot's
     * length, found by identity, or -1. The JDK only moves an entry towards its home slot (an
     * expunge closes the gap it leaves), and in the snapshot every slot from the home slot to the
     * entry's was occupied: so the entry is at {@code slot} or later on that run.
     */
    private int slotOf(Object c, int slot) {
        Object[] entries = this.entries;
        int mask = length - 1;
        for (int k = slot, n = 0; n < length && entries[k] != null; k = (k + 1) & mask, n++) {
            if (entries[k] == c) {
                return k;
            }
        }
        return -1;
    }

    /** The snapshot slot of entry {@code c} by a walk of the whole snapshot, or -1: after a resize, in AUDIT. */
    private int identityIndex(Object c) {
        for (int j = 0; j < length; j++) {
            if (entries[j] == c) {
                return j;
            }
        }
        return -1;
    }

    /** Whether stale entry {@code c}, now in slot {@code slot}, was already in the snapshot. */
    private boolean captured(Object c, int slot) {
        if (slot < length && entries[slot] == c) {
            return true;
        }
        for (int j = 0; j < length; j++) {
            if (entries[j] == c) {
                return true;
            }
        }
        return false;
    }

    /** The snapshot slot of {@code key}, or -1, by probing the mirrored table like the JDK does. */
    private int indexOf(ThreadLocal<?> key) {
        int len = length;
        if (len == 0) {
            return -1;
        }
        int mask = len - 1;
        int h = JdkAccess.hash(key) & mask;
        for (int n = 0; n < len && entries[h] != null; n++, h = (h + 1) & mask) {
            WeakReference<Object> keyRef = keys[h];
            if (keyRef != null && keyRef.refersTo(key)) {
                return h;
            }
        }
        return -1;
    }

    /**
     * Refills the table of {@code target} with the kept entries and the removed snapshot entries;
     * returns how many kept entries turned stale meanwhile and were dropped.
     */
    private int rebuild(Object target, int kept, int restored) {
        int dropped = 0;
        int size = kept + restored;
        Object[] tab = JdkAccess.table(target);
        if (tab == null || size >= tab.length * 2 / 3) {
            int len = tab == null ? 16 : tab.length;
            while (size >= len * 2 / 3) {
                len <<= 1;
            }
            tab = JdkAccess.newTable(len);
            JdkAccess.setTable(target, tab);
        } else {
            Arrays.fill(tab, null);
        }
        int mask = tab.length - 1;
        for (int x = 0; x < kept; x++) {
            Reference<?> entry = (Reference<?>) keep[x];
            ThreadLocal<?> key = (ThreadLocal<?>) entry.get();
            if (key == null) {
                size--;
                dropped++;
                continue;
            }
            int source = keepSource[x];
            if (source >= 0 && JdkAccess.value(entry) != values[source]) {
                JdkAccess.setValue(entry, values[source]);
            }
            insert(tab, mask, JdkAccess.hash(key), entry);
        }
        for (int y = 0; y < restored; y++) {
            int j = putBack[y];
            ThreadLocal<?> key = (ThreadLocal<?>) keys[j].get();
            if (key == null) {
                size--;
                continue;
            }
            insert(tab, mask, JdkAccess.hash(key), JdkAccess.newEntry(key, values[j]));
        }
        JdkAccess.setSize(target, size);
        return dropped;
    }

    private static void insert(Object[] tab, int mask, int hash, Object entry) {
        int h = hash & mask;
        while (tab[h] != null) {
            h = (h + 1) & mask;
        }
        tab[h] = entry;
    }

    private void ensureScratch(int len, int currentLength) {
        if (found.length < len) {
            found = new int[len];
            putBack = new int[len];
        }
        if (keep.length < currentLength) {
            keep = new Object[currentLength];
            keepSource = new int[currentLength];
            @SuppressWarnings("unchecked")
            WeakReference<Object>[] refs = (WeakReference<Object>[]) new WeakReference<?>[currentLength];
            keptKeys = refs;
        }
    }
}

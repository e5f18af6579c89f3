package dev.hygiene.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of tests that run the same steps twice: on {@link #plain}, a reused thread without hygiene
 * (the dirty control, which must show the dirt), and on {@link #hygienic}, under hygiene.
 */
abstract class DirtyControlTest {

    ReusedThread plain;
    ReusedThread hygienic;

    @BeforeEach
    final void startThreads() {
        plain = new ReusedThread("plain");
        hygienic = new ReusedThread("hygienic");
    }

    @AfterEach
    final void stopThreads() {
        plain.close();
        hygienic.close();
    }
}

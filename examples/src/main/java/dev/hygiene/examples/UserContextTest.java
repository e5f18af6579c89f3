package dev.hygiene.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hygiene.junit.ThreadHygieneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

// README:junit
@ExtendWith(ThreadHygieneExtension.class)   // or for every test class: autodetection, below
class UserContextTest {
    record User(String name) {
    }

    static final ThreadLocal<User> CURRENT = new ThreadLocal<>();

    @Test
    void logsInAlice() {
        CURRENT.set(new User("alice"));          // forgets CURRENT.remove()
        assertEquals("alice", CURRENT.get().name());
    }
}
// README:end

package dev.hygiene.examples.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Boot service with the classic bug: an authentication step puts the caller in a
 * security-context-like {@code ThreadLocal} and nothing ever clears it. A request that carries no
 * credentials then runs as whoever used the same Tomcat worker last.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LeakyBootService.AccountController.class)
public class LeakyBootService {

    /** Who is calling; what Spring Security's {@code SecurityContextHolder} keeps in a real service. */
    public record Principal(String name) {
    }

    /** The leaky "security context": set on login, never removed. */
    static final ThreadLocal<Principal> CURRENT = new ThreadLocal<>();

    /** Creates the service; Spring does. */
    public LeakyBootService() {
    }

    /** The controller: authenticates from a header when there is one, and forgets to clear it. */
    @RestController
    public static class AccountController {

        /** Creates the controller; Spring does. */
        public AccountController() {
        }

        /**
         * Whose account this request sees.
         *
         * @param user the caller, when it sent credentials
         * @return the account's owner, or {@code anonymous}
         */
        @GetMapping("/account")
        public String account(@RequestHeader(name = "X-User", required = false) String user) {
            if (user != null) {
                CURRENT.set(new Principal(user)); // the bug: no CURRENT.remove() in a finally block
            }
            Principal principal = CURRENT.get();
            return principal == null ? "anonymous" : "account of " + principal.name();
        }
    }
}

package dev.hygiene.spring.boot;

import dev.hygiene.core.TaskScope;
import dev.hygiene.core.ThreadHygiene;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.Objects;

/**
 * A servlet filter that runs every dispatch in a scope of its hygiene: when the dispatch returns
 * to the container, the worker thread's thread-locals are as they were before it (ENFORCE), or
 * what it left is counted (AUDIT).
 *
 * <p>It is deliberately not a {@code OncePerRequestFilter}: a request can be dispatched several
 * times (REQUEST, then ASYNC after {@code startAsync}, ERROR), each possibly on another worker, and
 * each dispatch must leave its worker clean. FORWARD and INCLUDE dispatches run inside another
 * dispatch on the same thread; their scopes nest in it, last in, first out, and the outer scope
 * still restores the thread as it found it. The auto-configuration registers it at
 * {@code Ordered.HIGHEST_PRECEDENCE} for all dispatcher types.
 */
public final class HygieneFilter implements Filter {

    private final ThreadHygiene hygiene;

    /**
     * A filter for the given hygiene.
     *
     * @param hygiene the hygiene whose scopes the dispatches run in
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygieneFilter(ThreadHygiene hygiene) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
    }

    /**
     * Runs the rest of the chain in a scope.
     *
     * @param request the request
     * @param response the response
     * @param chain the rest of the chain
     * @throws IOException as the chain throws it
     * @throws ServletException as the chain throws it
     */
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try (TaskScope scope = hygiene.enter(request)) {
            chain.doFilter(request, response);
        }
    }

    @Override
    public String toString() {
        return "HygieneFilter[" + hygiene + "]";
    }
}

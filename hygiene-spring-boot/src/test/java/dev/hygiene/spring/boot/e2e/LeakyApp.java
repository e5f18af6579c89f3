package dev.hygiene.spring.boot.e2e;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Boot service whose code forgets to clear its thread-locals, as real ones do: a security-context-like
 * {@code USER} ({@code ThreadLocal}) and a {@code TENANT} ({@code InheritableThreadLocal}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableAsync
@EnableScheduling
@Import({ LeakyApp.Controller.class, LeakyApp.AsyncService.class, LeakyApp.Ticker.class })
public class LeakyApp {

    static final ThreadLocal<String> USER = new ThreadLocal<>();
    static final InheritableThreadLocal<String> TENANT = new InheritableThreadLocal<>();
    static final ThreadLocal<String> ASYNC_DISPATCH = new ThreadLocal<>();

    /** What {@code /nested/forward} saw of {@code USER} after its FORWARD returned: {@code user@thread}. */
    static final BlockingQueue<String> AFTER_FORWARD = new LinkedBlockingQueue<>();

    /** The header naming the thread of the ASYNC dispatch. */
    static final String THREAD_HEADER = "X-Async-Dispatch-Thread";

    /** What a request sees, and on which thread: {@code user,tenant,asyncDispatch@thread}. */
    static String seenOnThread() {
        return seen() + "@" + Thread.currentThread().getName();
    }

    static String seen() {
        return USER.get() + "," + TENANT.get() + "," + ASYNC_DISPATCH.get();
    }

    /** Sets ASYNC_DISPATCH on the container thread during each ASYNC dispatch, and forgets it. */
    @Bean
    FilterRegistrationBean<Filter> leakyAsyncDispatchFilter() {
        Filter filter = (request, response, chain) -> {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                ASYNC_DISPATCH.set("async-dispatch");
                ((jakarta.servlet.http.HttpServletResponse) response).setHeader(THREAD_HEADER,
                        Thread.currentThread().getName());
            }
            chain.doFilter(request, response);
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(filter);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        registration.setAsyncSupported(true);
        return registration;
    }

    /** {@code /nested/include} and {@code /nested/forward}: set {@code USER} to "outer", then dispatch to the inner one. */
    @Bean
    ServletRegistrationBean<HttpServlet> nestingOuterServlet() {
        return new ServletRegistrationBean<>(new OuterServlet(), "/nested/include", "/nested/forward");
    }

    /** {@code /nested/inner}: only reached by an INCLUDE or FORWARD from the outer one. */
    @Bean
    ServletRegistrationBean<HttpServlet> nestingInnerServlet() {
        return new ServletRegistrationBean<>(new InnerServlet(), "/nested/inner");
    }

    /**
     * Sets {@code USER} to "outer", includes or forwards to {@code /nested/inner}, then notes what it
     * sees of {@code USER} (after an include in the body, {@code |user@thread}; after a forward, whose
     * response is closed, in {@link #AFTER_FORWARD}) and forgets to remove it.
     */
    static final class OuterServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            USER.set("outer");
            RequestDispatcher inner = request.getRequestDispatcher("/nested/inner");
            if (request.getServletPath().equals("/nested/include")) {
                inner.include(request, response);
                response.getWriter().print("|" + USER.get() + "@" + Thread.currentThread().getName());
            } else {
                inner.forward(request, response);
                AFTER_FORWARD.add(USER.get() + "@" + Thread.currentThread().getName());
            }
        }
    }

    /** Writes what it sees, {@code user,dispatcherType@thread}, then sets {@code USER} to "inner" and leaves it. */
    static final class InnerServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print(USER.get() + "," + request.getDispatcherType() + "@" + Thread.currentThread().getName());
            USER.set("inner");
        }
    }

    @RestController
    static class Controller {
        /** Logs a user in and forgets to log out. */
        @GetMapping("/login")
        String login(@RequestParam("user") String user) {
            String before = seenOnThread();
            USER.set(user);
            TENANT.set("tenant-of-" + user);
            return before;
        }

        /** What a request on this worker sees before it sets anything. */
        @GetMapping("/peek")
        String peek() {
            return seenOnThread();
        }

        /** An async request: the Callable runs on Boot's task executor, the result in an ASYNC dispatch. */
        @GetMapping("/async")
        Callable<String> async(@RequestParam("user") String user) {
            return () -> {
                String before = seen();
                USER.set(user);
                TENANT.set("tenant-of-" + user);
                return before;
            };
        }
    }

    @Component
    public static class AsyncService {
        /**
         * Sees what earlier @Async tasks left on its worker, then leaves its own.
         *
         * @param user the user to leave behind
         * @return what the task saw first
         */
        @Async
        public CompletableFuture<String> work(String user) {
            String before = seen();
            USER.set(user);
            TENANT.set("tenant-of-" + user);
            return CompletableFuture.completedFuture(before);
        }
    }

    @Component
    public static class Ticker {
        final BlockingQueue<String> runs = new LinkedBlockingQueue<>();

        @Scheduled(fixedDelay = 20)
        void tick() {
            if (runs.size() < 3) {
                runs.add(seen());
            }
            USER.set("scheduler");
            TENANT.set("tenant-of-scheduler");
        }
    }
}

package dev.hygiene.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.micrometer.HygieneMetrics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class HygieneAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HygieneAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class));

    private final WebApplicationContextRunner webRunner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(HygieneAutoConfiguration.class));

    static final ThreadLocal<String> LOCAL = new ThreadLocal<>();

    @Test
    void createsAnEnforcingHygieneNamedSpringByDefault() {
        runner.run(context -> {
            ThreadHygiene hygiene = context.getBean(ThreadHygiene.class);
            assertThat(hygiene.policy().name()).isEqualTo("spring");
            assertThat(hygiene.policy().mode()).isEqualTo(Mode.ENFORCE);
            assertThat(context).hasSingleBean(HygieneTaskDecorator.class).hasSingleBean(HygieneMetrics.class);
        });
    }

    @Test
    void releasesTheHygienesMBeanWhenTheContextCloses() throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("dev.hygiene:type=ThreadHygiene,name=spring");
        runner.run(context -> assertThat(server.isRegistered(name)).isTrue());
        assertThat(server.isRegistered(name)).isFalse();
        runner.run(context -> assertThat(server.isRegistered(name)).as("the next context gets the plain name again").isTrue());
    }

    @Test
    void takesModeAndRetainFromProperties() {
        runner.withPropertyValues("hygiene.mode=audit", "hygiene.retain=com.acme.cache.,org.jboss.")
                .run(context -> {
                    HygienePolicy policy = context.getBean(ThreadHygiene.class).policy();
                    assertThat(policy.mode()).isEqualTo(Mode.AUDIT);
                    assertThat(policy.retainedTypes()).contains("com.acme.cache.", "org.jboss.");
                });
    }

    @Test
    void badModeFailsTheStartNamingThePropertyAndTheAllowedValues() {
        runner.withPropertyValues("hygiene.mode=sometimes").run(context -> {
            assertThat(context).hasFailed();
            Throwable failure = context.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            assertThat(messages.toString()).contains("hygiene.mode").contains("sometimes");
        });
    }

    @Test
    void backsOffEntirelyWhenDisabled() {
        webRunner.withPropertyValues("hygiene.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(ThreadHygiene.class).doesNotHaveBean(HygieneTaskDecorator.class)
                .doesNotHaveBean("hygieneFilter").doesNotHaveBean(HygieneMetrics.class));
    }

    @Test
    void aUsersThreadHygieneBeanWins() {
        runner.withUserConfiguration(UserHygiene.class).run(context -> {
            assertThat(context).hasSingleBean(ThreadHygiene.class);
            assertThat(context.getBean(ThreadHygiene.class).policy().name()).isEqualTo("mine");
            HygieneTaskDecorator decorator = context.getBean(HygieneTaskDecorator.class);
            assertThat(decorator.toString()).contains("mine");
        });
    }

    @Test
    void registersTheFilterFirstForEveryDispatcherTypeInAServletApplication() {
        webRunner.run(context -> {
            FilterRegistrationBean<?> registration = context.getBean("hygieneFilter", FilterRegistrationBean.class);
            assertThat(registration.getFilter()).isInstanceOf(HygieneFilter.class);
            assertThat(registration.getOrder()).isEqualTo(Integer.MIN_VALUE);
            assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(
                    jakarta.servlet.DispatcherType.values());
        });
    }

    @Test
    void noFilterOutsideAServletApplicationOrWhenWebIsDisabled() {
        runner.run(context -> assertThat(context).doesNotHaveBean("hygieneFilter"));
        webRunner.withPropertyValues("hygiene.web.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("hygieneFilter"));
    }

    @Test
    void backsOffWithoutServletOrTaskClasses() {
        webRunner.withClassLoader(new FilteredClassLoader(jakarta.servlet.Filter.class, ThreadPoolTaskExecutor.class))
                .run(context -> assertThat(context).hasSingleBean(ThreadHygiene.class)
                        .doesNotHaveBean("hygieneFilter").doesNotHaveBean(HygieneTaskDecorator.class));
    }

    @Test
    void backsOffWithoutMicrometerOrActuator() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer", "org.springframework.boot.actuate"))
                .run(context -> assertThat(context).hasSingleBean(ThreadHygiene.class)
                        .doesNotHaveBean(HygieneMetrics.class).doesNotHaveBean(HygieneEndpoint.class));
    }

    @Test
    void taskPartBacksOffUnderVirtualThreadsOrWhenDisabled() {
        runner.withPropertyValues("spring.threads.virtual.enabled=true")
                .run(context -> assertThat(context).hasSingleBean(ThreadHygiene.class)
                        .doesNotHaveBean(HygieneTaskDecorator.class));
        runner.withPropertyValues("hygiene.task.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(HygieneTaskDecorator.class));
    }

    static final ThreadLocal<String> TASK_LOCAL = new ThreadLocal<>();

    private static final String[] ONE_THREAD = { "spring.task.execution.pool.core-size=1",
            "spring.task.execution.pool.max-size=1", "spring.task.scheduling.pool.size=1" };

    @Test
    void executorAndSchedulerRunTasksInScopesWithTheUsersDecoratorInside() {
        runner.withUserConfiguration(UserDecorator.class).withPropertyValues(ONE_THREAD).run(context -> {
            ThreadPoolTaskExecutor executor = context.getBean(ThreadPoolTaskExecutor.class);
            ThreadPoolTaskScheduler scheduler = context.getBean(ThreadPoolTaskSchedulerBuilder.class).build();
            scheduler.initialize();
            UserDecorator.SEEN.clear();
            executor.submit(() -> TASK_LOCAL.set("left by a task")).get();
            assertThat(executor.submit(() -> TASK_LOCAL.get()).get()).isNull();
            scheduler.submit(() -> TASK_LOCAL.set("left by a task")).get();
            assertThat(scheduler.submit(() -> TASK_LOCAL.get()).get()).isNull();
            scheduler.shutdown();
            // The user's decorator ran inside hygiene's scope: what it set and forgot was gone each time.
            assertThat(UserDecorator.SEEN).containsExactly("null", "null", "null", "null");
            ThreadHygiene hygiene = context.getBean(ThreadHygiene.class);
            org.awaitility.Awaitility.await().untilAsserted(() ->
                    assertThat(hygiene.stats().tasksWithLeftovers()).isEqualTo(4));
        });
    }

    @Test
    void withoutHygieneTasksAndTheUsersDecoratorLeakIntoTheNextTask() {
        runner.withUserConfiguration(UserDecorator.class).withPropertyValues(ONE_THREAD)
                .withPropertyValues("hygiene.enabled=false").run(context -> {
                    ThreadPoolTaskExecutor executor = context.getBean(ThreadPoolTaskExecutor.class);
                    UserDecorator.SEEN.clear();
                    executor.submit(() -> TASK_LOCAL.set("left by a task")).get();
                    assertThat(executor.submit(() -> TASK_LOCAL.get()).get()).isEqualTo("left by a task");
                    assertThat(UserDecorator.SEEN).containsExactly("null", "set by the user's decorator");
                    executor.submit(() -> TASK_LOCAL.remove()).get();
                    executor.submit(() -> LOCAL.remove()).get();
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserHygiene {
        @Bean
        ThreadHygiene myHygiene() {
            return ThreadHygiene.of(HygienePolicy.builder().name("mine").build());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserDecorator {
        static final List<String> SEEN = java.util.Collections.synchronizedList(new ArrayList<>());

        @Bean
        TaskDecorator userDecorator() {
            return task -> () -> {
                SEEN.add(String.valueOf(LOCAL.get()));
                LOCAL.set("set by the user's decorator"); // and never removed
                task.run();
            };
        }
    }
}

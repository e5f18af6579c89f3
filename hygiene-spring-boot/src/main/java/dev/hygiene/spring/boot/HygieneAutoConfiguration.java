package dev.hygiene.spring.boot;

import dev.hygiene.core.HygienePolicy;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import dev.hygiene.micrometer.HygieneMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Auto-configuration of hygiene for a Spring Boot 4.0 application: adding
 * {@code dev.hygiene:hygiene-spring-boot} is all it takes.
 * <ul>
 * <li>a {@link ThreadHygiene} bean whose policy is named {@code spring}, built from
 *     {@code hygiene.mode} and {@code hygiene.retain} ({@link HygieneProperties}); a user's own
 *     {@code ThreadHygiene} bean replaces it, and everything below uses that one. It is
 *     {@linkplain ThreadHygiene#release() released} when the context closes;
 * <li>in a servlet web application, a {@link HygieneFilter} at {@link Ordered#HIGHEST_PRECEDENCE}
 *     for every dispatcher type ({@code hygiene.web.enabled});
 * <li>a {@link HygieneTaskDecorator} at {@link Ordered#LOWEST_PRECEDENCE}, which Boot applies to
 *     its {@code ThreadPoolTaskExecutor} ({@code @Async}) and {@code ThreadPoolTaskScheduler}
 *     ({@code @Scheduled}) together with the user's decorators, hygiene outermost
 *     ({@code hygiene.task.enabled}); not under {@code spring.threads.virtual.enabled=true}, where
 *     Boot runs each task on a new virtual thread, which no task shares;
 * <li>with Actuator, the endpoint {@code hygiene} ({@link HygieneEndpoint});
 * <li>with Micrometer, a {@link HygieneMetrics} bean, which Boot binds to its meter registries.
 * </ul>
 * With {@code hygiene.enabled=false} none of it is created.
 *
 * <p>ENFORCE and AUDIT need {@code java.lang} open to hygiene ({@code --add-opens
 * java.base/java.lang=ALL-UNNAMED}, or {@code Add-Opens: java.base/java.lang} in the executable
 * jar's manifest); without it the context fails to start with a message naming the flag, rather
 * than run without the protection that was asked for. {@code hygiene.mode=off} needs nothing.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration",
        "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration" })
@ConditionalOnProperty(prefix = "hygiene", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(HygieneProperties.class)
public class HygieneAutoConfiguration {

    /** The name of the {@code spring} policy: JMX {@code dev.hygiene:type=ThreadHygiene,name=spring}. */
    public static final String NAME = "spring";

    /**
     * Creates the auto-configuration; Spring does.
     */
    public HygieneAutoConfiguration() {
    }

    /**
     * The application's hygiene.
     *
     * @param properties the {@code hygiene.*} properties
     * @return a hygiene named {@value #NAME}
     */
    @Bean(destroyMethod = "release")
    @ConditionalOnMissingBean
    public ThreadHygiene threadHygiene(HygieneProperties properties) {
        Mode mode = properties.getMode() == null ? Mode.ENFORCE : properties.getMode();
        HygienePolicy.Builder policy = HygienePolicy.builder().name(NAME).mode(mode);
        List<String> retain = properties.getRetain();
        if (mode != Mode.OFF && retain != null && !retain.isEmpty()) {
            policy.retainTypes(retain.toArray(String[]::new));
        }
        return ThreadHygiene.of(policy.build());
    }

    /** Servlet request threads: every dispatch in a scope. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({ Filter.class, FilterRegistrationBean.class })
    @ConditionalOnProperty(prefix = "hygiene.web", name = "enabled", matchIfMissing = true)
    public static class WebConfiguration {

        /**
         * Creates the configuration; Spring does.
         */
        public WebConfiguration() {
        }

        /**
         * The filter, first in the chain, for every dispatcher type.
         *
         * @param hygiene the application's hygiene
         * @return the filter's registration
         */
        @Bean
        @ConditionalOnMissingBean(name = "hygieneFilter")
        public FilterRegistrationBean<HygieneFilter> hygieneFilter(ThreadHygiene hygiene) {
            FilterRegistrationBean<HygieneFilter> registration = new FilterRegistrationBean<>(new HygieneFilter(hygiene));
            registration.setName("hygieneFilter");
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            registration.setDispatcherTypes(EnumSet.allOf(DispatcherType.class));
            registration.setAsyncSupported(true);
            return registration;
        }
    }

    /** Boot's task executor and scheduler: every task in a scope. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ThreadPoolTaskExecutor.class)
    @ConditionalOnProperty(prefix = "hygiene.task", name = "enabled", matchIfMissing = true)
    public static class TaskConfiguration {

        /**
         * Creates the configuration; Spring does.
         */
        public TaskConfiguration() {
        }

        /** Not under virtual threads: each task gets a thread of its own, nothing to restore. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnProperty(name = "spring.threads.virtual.enabled", havingValue = "false", matchIfMissing = true)
        public static class PlatformThreadsConfiguration {

            /**
             * Creates the configuration; Spring does.
             */
            public PlatformThreadsConfiguration() {
            }

            /**
             * The task decorator, outermost.
             *
             * @param hygiene the application's hygiene
             * @return the decorator
             */
            @Bean
            @ConditionalOnMissingBean
            public HygieneTaskDecorator hygieneTaskDecorator(ThreadHygiene hygiene) {
                return new HygieneTaskDecorator(hygiene);
            }
        }
    }

    /** Actuator: the {@code hygiene} endpoint. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
    public static class EndpointConfiguration {

        /**
         * Creates the configuration; Spring does.
         */
        public EndpointConfiguration() {
        }

        /**
         * The endpoint, when enabled and exposed.
         *
         * @param hygiene the application's hygiene
         * @return the endpoint
         */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        public HygieneEndpoint hygieneEndpoint(ThreadHygiene hygiene) {
            return new HygieneEndpoint(hygiene);
        }
    }

    /** Micrometer: the meters, bound by Boot to every registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    public static class MetricsConfiguration {

        /**
         * Creates the configuration; Spring does.
         */
        public MetricsConfiguration() {
        }

        /**
         * The meter binder.
         *
         * @param hygiene the application's hygiene
         * @return the binder
         */
        @Bean
        @ConditionalOnMissingBean
        public HygieneMetrics hygieneMetrics(ThreadHygiene hygiene) {
            return new HygieneMetrics(hygiene);
        }
    }
}

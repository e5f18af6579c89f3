package dev.hygiene.spring.boot;

import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.ThreadHygiene;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code hygiene}: {@code GET /actuator/hygiene} once exposed
 * ({@code management.endpoints.web.exposure.include=hygiene}), and over JMX.
 */
@Endpoint(id = "hygiene")
public class HygieneEndpoint {

    private final ThreadHygiene hygiene;

    /**
     * An endpoint for the given hygiene.
     *
     * @param hygiene whose stats to show
     * @throws NullPointerException if {@code hygiene} is null
     */
    public HygieneEndpoint(ThreadHygiene hygiene) {
        this.hygiene = Objects.requireNonNull(hygiene, "hygiene");
    }

    /**
     * The hygiene's name, mode and stats.
     *
     * @return {@code name}, {@code mode}, {@code tasks}, {@code tasksWithLeftovers},
     *         {@code leftovers}, {@code staleExpunged}, {@code leftoversByType} (from
     *         {@code "ThreadLocal type -> value type"} to its count) and {@code report}
     */
    @ReadOperation
    public Map<String, Object> hygiene() {
        HygieneStats stats = hygiene.stats();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", hygiene.policy().name());
        body.put("mode", hygiene.policy().mode().name());
        body.put("tasks", stats.tasks());
        body.put("tasksWithLeftovers", stats.tasksWithLeftovers());
        body.put("leftovers", stats.leftovers());
        body.put("staleExpunged", stats.staleExpunged());
        body.put("leftoversByType", stats.leftoversByType());
        body.put("report", stats.report());
        return body;
    }
}

package dev.hygiene.spring.boot;

import dev.hygiene.core.HygieneSettings;
import dev.hygiene.core.HygieneStats;
import dev.hygiene.core.Mode;
import dev.hygiene.core.ThreadHygiene;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The Actuator endpoint {@code hygiene}: {@code GET /actuator/hygiene} once exposed
 * ({@code management.endpoints.web.exposure.include=hygiene}), and over JMX. A write,
 * {@code POST /actuator/hygiene} with {@code {"mode": "audit"}}, switches the hygiene's mode live, as
 * {@link ThreadHygiene#switchMode(Mode)} does: scopes entered afterwards use the new mode.
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
     * @return {@code name}, {@code mode} (the current one), {@code tasks}, {@code tasksWithLeftovers},
     *         {@code leftovers}, {@code staleExpunged}, {@code leftoversByType} (from
     *         {@code "ThreadLocal type -> value type"} to its count) and {@code report}
     */
    @ReadOperation
    public Map<String, Object> hygiene() {
        HygieneStats stats = hygiene.stats();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", hygiene.policy().name());
        body.put("mode", hygiene.mode().name());
        body.put("tasks", stats.tasks());
        body.put("tasksWithLeftovers", stats.tasksWithLeftovers());
        body.put("leftovers", stats.leftovers());
        body.put("staleExpunged", stats.staleExpunged());
        body.put("leftoversByType", stats.leftoversByType());
        body.put("report", stats.report());
        return body;
    }

    /**
     * Switches the hygiene's mode for every scope entered afterwards; scopes already open finish in
     * theirs.
     *
     * @param mode {@code enforce}, {@code audit} or {@code off}, in any case
     * @return what {@link #hygiene()} answers after the switch, with {@code previousMode}
     * @throws InvalidEndpointRequestException (a 400 answer over HTTP) if {@code mode} names no mode,
     *         or is ENFORCE or AUDIT while {@code java.lang} is not open to hygiene; the mode is then
     *         unchanged
     */
    @WriteOperation
    public Map<String, Object> switchMode(String mode) {
        Mode previous;
        try {
            previous = hygiene.switchMode(HygieneSettings.parseMode(mode, "the hygiene endpoint's mode"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("previousMode", previous.name());
        body.putAll(hygiene());
        return body;
    }
}

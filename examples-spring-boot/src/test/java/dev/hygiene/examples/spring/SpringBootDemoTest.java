package dev.hygiene.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpringBootDemoTest {

    @Test
    void anAnonymousRequestSeesAliceWithoutTheStarterAndNobodyWithIt() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> lines = SpringBootDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(List.of(
                "without (hygiene.enabled=false): alice -> 'account of alice', then a request without credentials -> 'account of alice'",
                "with hygiene-spring-boot:   alice -> 'account of alice', then a request without credentials -> 'anonymous'"),
                lines);
    }
}

package dev.hygiene.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what one {@code java.util.logging} logger publishes, instead of passing it to the parent
 * handlers, from {@link #start(String)} until {@link #stop()}. Thread-safe: records published from
 * any thread are kept in order.
 */
public final class LogCapture {

    /** Held strongly, so that the configured logger is the one that stays in use. */
    private final Logger logger;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (records) {
                records.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /**
     * Starts collecting the records of logger {@code name}.
     *
     * @param name the logger's name, such as {@code dev.hygiene}
     * @return the capture, collecting
     */
    public static LogCapture start(String name) {
        LogCapture capture = new LogCapture(Logger.getLogger(name));
        capture.logger.addHandler(capture.handler);
        capture.logger.setUseParentHandlers(false);
        return capture;
    }

    /** Stops collecting and gives the logger its parent handlers back. */
    public void stop() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
    }

    /**
     * The records collected so far.
     *
     * @return a copy, in the order they were published
     */
    public List<LogRecord> records() {
        synchronized (records) {
            return new ArrayList<>(records);
        }
    }
}

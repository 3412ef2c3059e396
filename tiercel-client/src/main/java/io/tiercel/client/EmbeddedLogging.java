package io.tiercel.client;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/**
 * Applies an embedded cache's logging options when Logback is the application's binding: the
 * level of the {@code io.tiercel} loggers, and a file appender on them writing to the cache's
 * {@code tiercel.log}, in Logback's prudent mode because every process of the cache shares the
 * file. The application's own loggers and appenders are left alone; with another binding this
 * does nothing.
 */
final class EmbeddedLogging {
  private static final String PATTERN =
      "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [pid %property{PID}] [%thread] %logger{24} - %msg%n";

  private EmbeddedLogging() {}

  /** Sets the level and, if asked, adds the cache's log file (once per JVM and file). */
  static synchronized void apply(CacheDirectory dir, EmbeddedOptions options) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger tiercel = context.getLogger("io.tiercel");
    tiercel.setLevel(Level.toLevel(options.logLevel(), Level.WARN));
    if (!options.logFile()) {
      return;
    }
    String name = "tiercel-embedded-" + dir.dir();
    if (tiercel.getAppender(name) != null) {
      return;
    }
    context.putProperty("PID", Long.toString(ProcessHandle.current().pid()));
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName(name);
    file.setFile(dir.logFile().toString());
    file.setAppend(true);
    file.setPrudent(true);
    file.setEncoder(encoder);
    file.start();
    tiercel.addAppender(file);
  }
}

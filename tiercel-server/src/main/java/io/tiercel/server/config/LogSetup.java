package io.tiercel.server.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.Duration;
import ch.qos.logback.core.util.FileSize;
import io.tiercel.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * Points Logback where the settings say: the root level from {@code loglevel} (and again on each
 * {@code CONFIG SET loglevel}), one line per event on stderr (stdout carries only the ready
 * line), and, with {@code logfile}, the same lines in a file under {@code dir} that rotates at
 * {@code logfile-max-size} into {@code logfile.1 .. logfile.N}.
 *
 * <p>When {@code -Dlogback.configurationFile} names an operator's own Logback file, its appenders
 * are kept and only the level is set.
 */
public final class LogSetup {
  static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

  private LogSetup() {}

  /** Applies {@code config}'s logging settings; a no-op when Logback is not the binding. */
  public static void apply(ServerConfig config) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(config.logLevel()));
    config.settings().onChange(ConfigKeys.LOGLEVEL, v -> root.setLevel(level(v)));
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    root.detachAndStopAllAppenders();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder(context));
    console.start();
    root.addAppender(console);
    Path file = config.logFile();
    if (file != null) {
      root.addAppender(rollingFile(context, file, config.get(ConfigKeys.LOGFILE_MAX_SIZE),
          config.get(ConfigKeys.LOGFILE_MAX_HISTORY)));
    }
  }

  private static RollingFileAppender<ILoggingEvent> rollingFile(LoggerContext context, Path file,
      long maxSize, int history) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("logfile: cannot create the directory of " + file, e);
    }
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setName("file");
    appender.setFile(file.toString());
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(appender);
    rolling.setFileNamePattern(file + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(history);
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(new FileSize(maxSize));
    // Logged events are few (start, ready, config changes, errors): check the size every time.
    trigger.setCheckIncrement(Duration.buildByMilliseconds(0));
    trigger.start();
    appender.setRollingPolicy(rolling);
    appender.setTriggeringPolicy(trigger);
    appender.setEncoder(encoder(context));
    appender.start();
    if (!appender.isStarted()) {
      throw new IllegalStateException("logfile: cannot open " + file);
    }
    return appender;
  }

  private static PatternLayoutEncoder encoder(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }

  /** Maps a {@code loglevel} value (Redis's names too) to Logback's level. */
  static Level level(String name) {
    return switch (name) {
      case "trace" -> Level.TRACE;
      case "debug", "verbose" -> Level.DEBUG;
      case "warn", "warning" -> Level.WARN;
      case "error" -> Level.ERROR;
      default -> Level.INFO;
    };
  }
}

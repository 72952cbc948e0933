package io.syntrix.store.postgres;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.LocalTime;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of {@link PostgresCrashChild} processes, chosen with
 * {@code -Dslf4j.provider} on their command line only: warnings and errors to stderr, as
 * logback-test.xml prints them, and Syntrix's own INFO lines (the sequencer taking over). Why not logback there: its configuration took 2 to 6 s of each
 * child's start on a loaded 2-core machine, most of a round, and children start some 20 times per run.
 */
public final class CrashChildLogging implements SLF4JServiceProvider {
  private final ILoggerFactory loggers = StderrLogger::new;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    // nothing to set up
  }

  /** WARN and ERROR, one line each (plus a stack trace), on stderr. */
  private static final class StderrLogger extends LegacyAbstractLogger {
    private final boolean info;

    StderrLogger(String name) {
      this.name = name;
      this.info = name.startsWith("io.syntrix.");
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                               Throwable failure) {
      StringWriter line = new StringWriter();
      line.append(LocalTime.now().toString()).append(' ').append(level.name()).append(" [")
          .append(Thread.currentThread().getName()).append("] ").append(name).append(" - ")
          .append(MessageFormatter.basicArrayFormat(pattern, args)).append('\n');
      if (failure != null) {
        failure.printStackTrace(new PrintWriter(line));
      }
      System.err.print(line);
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return info;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}

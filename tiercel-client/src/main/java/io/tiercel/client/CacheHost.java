package io.tiercel.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's share of one embedded cache: which process serves it, and where calls go.
 *
 * <p><b>Election.</b> The cache directory holds a lock file; whichever process holds an OS lock
 * on it ({@link FileChannel#lock}, an {@code fcntl} record lock on Linux) serves the cache. The
 * first process takes it with {@code tryLock} at open and starts a node in-process; every other
 * process starts a daemon thread that blocks in {@code lock()}. The kernel releases a lock when
 * its holder exits, however it exits ({@code kill -9} included), and wakes exactly one waiter,
 * so the OS itself elects the next server: no heartbeat, lease timeout or vote, and never two
 * servers at once. The winner recovers the cache from the snapshot and log in the data directory
 * (written by its predecessor up to its last acknowledged write) and then serves.
 *
 * <p><b>Calls across a handover.</b> A call runs on the current {@link Backend}. When the serving
 * process dies, calls on connections to it fail; a call that is safe to repeat (get, set with an
 * absolute expiry, purge) is retried with exponential backoff (1 ms doubling to 100 ms) until a
 * process serves again, this one included (then the call goes in-process), or until the
 * handover timeout, when it fails with {@link CacheUnavailableException}. A call that is not
 * safe to repeat ({@code pop}) and was sent before the connection broke fails at once with
 * {@link CacheUnavailableException#outcomeUnknown()}. So a call returns what a serving process
 * answered, or throws; it never returns a value made up from a failure.
 *
 * <p><b>Invariants.</b> The process-wide lock is held through one {@link FileChannel} per JVM
 * ({@code fcntl} locks belong to the process, and closing any other descriptor of the file would
 * drop them), which {@link Tiercel} guarantees by sharing one host per directory. A host serves
 * only while it holds the lock, and on close it stops its node before it releases the lock.
 */
final class CacheHost {
  private static final Logger LOG = LoggerFactory.getLogger(CacheHost.class);
  private static final long MAX_BACKOFF_MS = 100;

  private final CacheDirectory dir;
  private final EmbeddedOptions options;
  private final FileChannel lockChannel;
  private final Thread elector;
  private volatile Backend backend;
  private volatile Throwable failure;
  private volatile boolean closed;

  private CacheHost(CacheDirectory dir, EmbeddedOptions options, FileChannel lockChannel,
      Backend backend) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.backend = backend;
    if (backend.serving()) {
      this.elector = null;
    } else {
      this.elector = new Thread(this::awaitLock, "tiercel-elector-" + dir.name());
      elector.setDaemon(true);
      elector.start();
    }
  }

  /** Joins cache {@code dir}: serves it if no process does, else connects to the one that does. */
  static CacheHost open(CacheDirectory dir, EmbeddedOptions options) {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.lockFile(), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + dir.lockFile(), e);
    }
    try {
      FileLock lock = channel.tryLock();
      Backend backend = lock != null ? LocalBackend.start(dir, options)
          : new RemoteBackend(dir, options);
      LOG.info("cache '{}': {}", dir.name(), backend.serving()
          ? "this process serves it on " + dir.socket() : "served by another process");
      return new CacheHost(dir, options, channel, backend);
    } catch (IOException | InterruptedException | RuntimeException e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new CacheUnavailableException(
          "cache '" + dir.name() + "': cannot open: " + e, false, e);
    }
  }

  /** Returns the cache's directory. */
  CacheDirectory dir() {
    return dir;
  }

  /** Returns the options the host was opened with (its clock computes expiries). */
  EmbeddedOptions options() {
    return options;
  }

  /** Returns whether this process serves the cache now. */
  boolean serving() {
    return backend.serving();
  }

  /** Blocks until the lock is free (its holder exited), then serves; runs on the elector. */
  private void awaitLock() {
    FileLock lock;
    try {
      lock = lockChannel.lock();
    } catch (ClosedChannelException | FileLockInterruptionException e) {
      return; // closed
    } catch (IOException | RuntimeException e) {
      failure = e;
      LOG.error("cache '{}': waiting for the lock failed; this process will not take over",
          dir.name(), e);
      return;
    }
    synchronized (this) {
      if (closed) {
        return; // close() releases the lock by closing the channel
      }
      LOG.info("cache '{}': the serving process is gone; this process takes over", dir.name());
      try {
        Backend local = LocalBackend.start(dir, options);
        Backend remote = backend;
        backend = local;
        remote.close();
      } catch (InterruptedException | RuntimeException e) {
        failure = e;
        LOG.error("cache '{}': cannot serve; releasing the lock for another process", dir.name(),
            e);
        try {
          lock.release();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
    }
  }

  /**
   * Runs {@code op} on the current backend, retrying across a handover as the class comment
   * says; {@code repeatable} calls may run twice on the server.
   */
  <T> T call(Function<Backend, T> op, boolean repeatable) {
    long timeoutNanos = options.handoverTimeout().toNanos();
    long start = System.nanoTime();
    long backoffMs = 1;
    while (true) {
      if (closed) {
        throw new IllegalStateException("cache '" + dir.name() + "' is closed");
      }
      Backend b = backend;
      try {
        return op.apply(b);
      } catch (ConnectionLostException e) {
        if (e.sent() && !repeatable) {
          throw new CacheUnavailableException("cache '" + dir.name() + "': the connection to the"
              + " serving process broke after the call was sent; it may or may not have taken"
              + " effect", true, e);
        }
        Throwable f = failure;
        if (f != null) {
          throw new CacheUnavailableException("cache '" + dir.name() + "': the serving process"
              + " is gone and this process could not take over: " + f, false, f);
        }
        if (System.nanoTime() - start > timeoutNanos) {
          throw new CacheUnavailableException("cache '" + dir.name() + "': no process served it"
              + " within " + options.handoverTimeout().toMillis() + " ms: " + e.getMessage(),
              false, e);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      }
    }
  }

  /** Stops serving (if this process serves), then releases the lock and stops waiting for it. */
  void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    backend.close();
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.debug("closing {}", dir.lockFile(), e);
    }
    if (elector != null) {
      try {
        elector.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

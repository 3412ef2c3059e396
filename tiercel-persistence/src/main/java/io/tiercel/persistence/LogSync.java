package io.tiercel.persistence;

import java.io.IOException;
import java.nio.channels.FileChannel;

/** Forces a log file's written bytes to disk; tests inject a slow or blocked one. */
@FunctionalInterface
public interface LogSync {
  /** Forces what was written to {@code channel} to the device. */
  void force(FileChannel channel) throws IOException;

  /** The real one: {@code fdatasync}. */
  LogSync FORCE = channel -> channel.force(false);
}

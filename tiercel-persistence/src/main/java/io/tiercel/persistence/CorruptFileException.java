package io.tiercel.persistence;

import java.io.IOException;
import java.nio.file.Path;

/** A snapshot or log file that fails its checks: bad magic, checksum, length or a missing end. */
public final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final long offset;

  /** Creates the error for {@code file}, damaged at byte {@code offset}. */
  public CorruptFileException(Path file, long offset, String reason) {
    super(file + " is damaged at byte " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  /** Returns the damaged file. */
  public Path file() {
    return file;
  }

  /** Returns the offset of the first byte that could not be trusted. */
  public long offset() {
    return offset;
  }
}

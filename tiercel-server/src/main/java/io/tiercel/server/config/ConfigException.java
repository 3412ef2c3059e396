package io.tiercel.server.config;

/** A setting that was refused: an unknown key, a bad value, or a key fixed at start. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** Why a setting was refused. */
  public enum Reason {
    /** No key has that name. */
    UNKNOWN,
    /** The value does not parse or is out of range. */
    INVALID,
    /** The key cannot change while the node runs. */
    IMMUTABLE
  }

  private final String key;
  private final Reason reason;

  /** Creates the error for {@code key}. */
  public ConfigException(String key, Reason reason, String message) {
    super(message);
    this.key = key;
    this.reason = reason;
  }

  /** Returns the key as given. */
  public String key() {
    return key;
  }

  /** Returns why the setting was refused. */
  public Reason reason() {
    return reason;
  }
}

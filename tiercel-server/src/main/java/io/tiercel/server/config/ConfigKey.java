package io.tiercel.server.config;

import java.util.List;
import java.util.Objects;

/**
 * One setting of a node: its name (as flag, config-file key and {@code CONFIG} parameter), other
 * names it answers to, its type, default, one line of documentation, and whether {@code CONFIG
 * SET} may change it while the node runs.
 *
 * @param <T> the value's Java type
 */
public final class ConfigKey<T> {
  /** When a setting may be changed. */
  public enum Mode {
    /** Only by a flag or the config file, before the node starts. */
    STARTUP,
    /** Also by {@code CONFIG SET} while the node runs. */
    RUNTIME
  }

  private final String name;
  private final List<String> aliases;
  private final ConfigType<T> type;
  private final T defaultValue;
  private final Mode mode;
  private final boolean secret;
  private final String doc;

  private ConfigKey(String name, List<String> aliases, ConfigType<T> type, T defaultValue,
      Mode mode, boolean secret, String doc) {
    this.name = Objects.requireNonNull(name);
    this.aliases = List.copyOf(aliases);
    this.type = Objects.requireNonNull(type);
    this.defaultValue = Objects.requireNonNull(defaultValue, name);
    this.mode = mode;
    this.secret = secret;
    this.doc = doc;
  }

  /** Declares a key. */
  public static <T> ConfigKey<T> of(String name, ConfigType<T> type, T defaultValue, Mode mode,
      String doc) {
    return new ConfigKey<>(name, List.of(), type, defaultValue, mode, false, doc);
  }

  /** Returns this key also answering to {@code alias}. */
  public ConfigKey<T> alias(String alias) {
    List<String> all = new java.util.ArrayList<>(aliases);
    all.add(alias);
    return new ConfigKey<>(name, all, type, defaultValue, mode, secret, doc);
  }

  /** Returns this key with its value hidden from logs. */
  public ConfigKey<T> secret() {
    return new ConfigKey<>(name, aliases, type, defaultValue, mode, true, doc);
  }

  /** Returns the key's name. */
  public String name() {
    return name;
  }

  /** Returns the other names the key answers to (e.g. {@code maxmemory-policy}). */
  public List<String> aliases() {
    return aliases;
  }

  /** Returns the key's type. */
  public ConfigType<T> type() {
    return type;
  }

  /** Returns the value when nothing sets it. */
  public T defaultValue() {
    return defaultValue;
  }

  /** Returns the default as a flag or config file would write it. */
  public String defaultText() {
    return type.format(defaultValue);
  }

  /** Returns whether {@code CONFIG SET} may change the key at run time. */
  public boolean runtime() {
    return mode == Mode.RUNTIME;
  }

  /** Returns whether the value must not be logged. */
  public boolean isSecret() {
    return secret;
  }

  /** Returns one line saying what the key does. */
  public String doc() {
    return doc;
  }

  /** Parses a value of this key, or throws naming the key and what was expected. */
  public T parse(String text) {
    return type.parse(name, text);
  }

  /** Returns {@code current} changed by {@code text} (see {@link ConfigType#update}). */
  @SuppressWarnings("unchecked")
  public T update(Object current, String text) {
    return type.update(name, (T) current, text);
  }

  /** Formats a value of this key. */
  @SuppressWarnings("unchecked")
  public String format(Object value) {
    return type.format((T) value);
  }

  @Override
  public String toString() {
    return name;
  }
}

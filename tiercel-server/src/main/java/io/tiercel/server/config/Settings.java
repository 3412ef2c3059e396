package io.tiercel.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values of a node's {@link ConfigKeys}: what flags and the config file set before start,
 * and what {@code CONFIG SET} changes afterwards. Reads are lock-free; run-time changes are
 * serialized, validated as a whole before any is applied, logged, and passed to the listeners
 * that apply them (a listener that throws {@link IllegalArgumentException} vetoes its change).
 */
public final class Settings {
  private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

  private final Map<ConfigKey<?>, Object> values = new ConcurrentHashMap<>();
  private final Map<ConfigKey<?>, String> effective = new ConcurrentHashMap<>();
  private final Map<ConfigKey<?>, List<Consumer<Object>>> listeners = new ConcurrentHashMap<>();

  /** Creates settings that hold every default. */
  public Settings() {}

  /** Returns the value of {@code key}: set, or the default. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key);
    return v == null ? key.defaultValue() : (T) v;
  }

  /** Returns whether a flag, the file or {@code CONFIG SET} gave {@code key} a value. */
  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key);
  }

  /** Sets {@code key} before start. */
  public <T> Settings set(ConfigKey<T> key, T value) {
    values.put(key, value);
    return this;
  }

  /**
   * Changes the key named {@code name} by text before start (flags and the config file, in
   * order), as {@link ConfigType#update} reads it against the value so far.
   *
   * @throws ConfigException if no key has that name or the value is bad
   */
  public ConfigKey<?> set(String name, String text) {
    ConfigKey<?> key = require(name, "unknown key '" + name + "'");
    values.put(key, update(key, text));
    return key;
  }

  /**
   * Applies {@code CONFIG SET name value [name value ...]} while the node runs: every name, then
   * every value, is checked before any is applied, as Redis does. A key named twice (by any of
   * its names) is refused, as in Redis: each value is read against the key's value before the
   * command, so a second one would silently drop the first.
   *
   * @throws ConfigException naming the first bad key
   */
  public synchronized void setAtRuntime(List<String> namesAndValues) {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (int i = 0; i + 1 < namesAndValues.size(); i += 2) {
      String name = namesAndValues.get(i);
      ConfigKey<?> key = require(name, "unknown key '" + name + "'");
      if (!key.runtime()) {
        throw new ConfigException(name, ConfigException.Reason.IMMUTABLE,
            "can't set immutable config");
      }
      if (keys.contains(key)) {
        throw new ConfigException(name, ConfigException.Reason.INVALID, "duplicate parameter");
      }
      keys.add(key);
    }
    List<Object> parsed = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      parsed.add(update(keys.get(i), namesAndValues.get(2 * i + 1)));
    }
    for (int i = 0; i < keys.size(); i++) {
      apply(keys.get(i), parsed.get(i));
    }
  }

  private void apply(ConfigKey<?> key, Object value) {
    Object old = get(key);
    values.put(key, value);
    try {
      for (Consumer<Object> l : listeners.getOrDefault(key, List.of())) {
        l.accept(value);
      }
    } catch (IllegalArgumentException e) {
      values.put(key, old);
      throw new ConfigException(key.name(), ConfigException.Reason.INVALID, e.getMessage());
    }
    LOG.info("config set {} {} (was {})", key.name(), shown(key, value), shown(key, old));
  }

  private static String shown(ConfigKey<?> key, Object value) {
    if (key.isSecret()) {
      return key.format(value).isEmpty() ? "''" : "(hidden)";
    }
    String s = key.format(value);
    return s.isEmpty() ? "''" : s;
  }

  /**
   * Calls {@code listener} with each new value {@code CONFIG SET} gives {@code key}, before the
   * reply; it may veto the change by throwing {@link IllegalArgumentException}.
   */
  @SuppressWarnings("unchecked")
  public <T> void onChange(ConfigKey<T> key, Consumer<T> listener) {
    listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
        .add(v -> listener.accept((T) v));
  }

  /** Records what a key turned out to be once the node started (e.g. the port 0 picked). */
  public void effective(ConfigKey<?> key, String shown) {
    effective.put(key, shown);
  }

  /** Returns {@code key}'s value as {@code CONFIG GET} shows it. */
  public String show(ConfigKey<?> key) {
    String e = effective.get(key);
    return e != null ? e : key.format(get(key));
  }

  private static ConfigKey<?> require(String name, String message) {
    ConfigKey<?> key = ConfigKeys.find(name);
    if (key == null) {
      throw new ConfigException(name, ConfigException.Reason.UNKNOWN, message);
    }
    return key;
  }

  private Object update(ConfigKey<?> key, String text) {
    try {
      return key.update(get(key), text);
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.name(), ConfigException.Reason.INVALID, e.getMessage());
    }
  }
}

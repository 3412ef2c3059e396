package io.tiercel.core;

/**
 * The view of one key inside {@link Cache#compute}: its live value, if any, and the changes to
 * apply. Valid only during the call.
 */
public interface MutableEntry {

  /** Returns whether the key holds a live (unexpired) value. */
  boolean exists();

  /** Returns a copy of the live value; fails if there is none. */
  byte[] value();

  /** Returns the array holding the live value in place; do not change or keep it. */
  byte[] valueArray();

  /** Returns where the live value starts in {@link #valueArray()}. */
  int valueOffset();

  /** Returns the live value's length. */
  int valueLength();

  /** Returns the live entry's expiry (epoch ms), or {@link Cache#NO_EXPIRY}. */
  long expireAt();

  /** Sets the value, keeping the current expiry (none if the key was absent). */
  void setValue(byte[] value);

  /** Sets the value and the expiry ({@link Cache#NO_EXPIRY} for none). */
  void setValue(byte[] value, long expireAtMillis);

  /** Changes the expiry of the live value ({@link Cache#NO_EXPIRY} for none). */
  void setExpireAt(long expireAtMillis);

  /** Removes the key. */
  void remove();
}

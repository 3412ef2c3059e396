package io.tiercel.core;

/** Visits one stored entry in place; see {@link Cache#forEachEntryInSlot}. */
@FunctionalInterface
public interface EntryVisitor {

  /**
   * Receives an entry whose key is {@code data[0, keyLength)} and whose value follows it in
   * {@code data[keyLength, keyLength + valueLength)}, expiring at {@code expireAtMillis} or never
   * ({@link Cache#NO_EXPIRY}). The array must not be changed or kept.
   */
  void visit(byte[] data, int keyLength, int valueLength, long expireAtMillis);
}

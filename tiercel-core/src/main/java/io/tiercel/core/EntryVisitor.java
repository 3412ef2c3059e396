package io.tiercel.core;

/** Visits one stored entry in place; see {@link Cache#forEachEntryInSlot}. */
@FunctionalInterface
public interface EntryVisitor {

  /**
   * Receives an entry whose key is {@code data[keyOffset, keyOffset + keyLength)} and whose value
   * follows it in {@code data[keyOffset + keyLength, keyOffset + keyLength + valueLength)},
   * expiring at {@code expireAtMillis} or never ({@link Cache#NO_EXPIRY}). The array's other bytes
   * are the store's own layout and not part of this contract; it must not be changed or kept.
   */
  void visit(byte[] data, int keyOffset, int keyLength, int valueLength, long expireAtMillis);
}

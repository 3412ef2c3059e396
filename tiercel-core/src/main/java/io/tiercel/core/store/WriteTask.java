package io.tiercel.core.store;

/**
 * A change to the table that the eviction policy and timer wheel must learn of, queued under the
 * key's stripe lock so that the tasks of one key are applied in the order the table saw them.
 *
 * @param kind what happened
 * @param old the entry that was replaced or removed (null for an add or an overwrite)
 * @param entry the entry that was added, took the old one's place or had its value overwritten
 *     in place (null for a removal)
 */
record WriteTask(Kind kind, Entry old, Entry entry) {
  enum Kind {
    ADD,
    REPLACE,
    REMOVE,
    /** The entry's value was overwritten in place: an access, for the policy. */
    OVERWRITE
  }

  static WriteTask add(Entry entry) {
    return new WriteTask(Kind.ADD, null, entry);
  }

  static WriteTask replace(Entry old, Entry entry) {
    return new WriteTask(Kind.REPLACE, old, entry);
  }

  static WriteTask remove(Entry old) {
    return new WriteTask(Kind.REMOVE, old, null);
  }
}

package io.tiercel.core;

import java.util.List;

/** An atomic read-modify-write of several keys; see {@link Cache#computeAll}. */
@FunctionalInterface
public interface MultiEntryMutator<R> {

  /**
   * Inspects and changes {@code entries} (one per key, in the keys' order; a key given twice
   * gets the same view twice), returning the operation's result.
   */
  R apply(List<MutableEntry> entries);
}

package io.tiercel.core;

/** An atomic read-modify-write of one key; see {@link Cache#compute}. */
@FunctionalInterface
public interface EntryMutator<R> {

  /** Inspects and changes {@code entry}, returning the operation's result. */
  R apply(MutableEntry entry);
}

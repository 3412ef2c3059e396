package io.tiercel.agent.sync;

/** The version of one synced write: hybrid-clock value, then origin agent id as tie-break. */
public record Stamp(long version, long origin) {

  /** Returns whether this stamp orders after {@code other}. */
  public boolean isNewerThan(Stamp other) {
    return version != other.version ? version > other.version : origin > other.origin;
  }
}

package io.tiercel.agent;

import io.tiercel.protocol.resp.RespArgs;

/** What the agent does with a command before the node's dispatcher sees it. */
enum AgentCommand {
  /** Run by the node's dispatcher on the local store. */
  LOCAL,
  GGET, GSET, GDEL,
  /** {@code SET key value [options] SYNC}. */
  SET_SYNC,
  /** {@code DEL key [key ...] SYNC}. */
  DEL_SYNC,
  /** {@code CONFIG RESETSTAT}: the node's, plus the agent's counters and lag histogram. */
  RESETSTAT;

  /** Returns whether the agent itself runs it in (or forwards it under) the selected cache. */
  boolean usesSelectedCache() {
    return this != LOCAL && this != RESETSTAT;
  }

  /** Classifies a command by its name and, for SET/DEL, a trailing {@code SYNC}. */
  static AgentCommand of(RespArgs a) {
    int n = a.count();
    if (a.length(0) == 4) {
      if (a.equalsIgnoreCase(0, "GGET")) {
        return GGET;
      } else if (a.equalsIgnoreCase(0, "GSET")) {
        return GSET;
      } else if (a.equalsIgnoreCase(0, "GDEL")) {
        return GDEL;
      }
    } else if (n == 2 && a.length(0) == 6 && a.equalsIgnoreCase(0, "CONFIG")
        && a.equalsIgnoreCase(1, "RESETSTAT")) {
      return RESETSTAT;
    } else if (a.length(0) == 3 && n >= 3 && a.equalsIgnoreCase(n - 1, "SYNC")) {
      if (n >= 4 && a.equalsIgnoreCase(0, "SET")) {
        return SET_SYNC;
      } else if (a.equalsIgnoreCase(0, "DEL")) {
        return DEL_SYNC;
      }
    }
    return LOCAL;
  }
}

package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarginalAdmissionTest {

  @Test
  void startsByAdmittingCandidatesAsCaffeineDoes() {
    assertThat(new MarginalAdmission().keepsVictim()).isFalse();
  }

  @Test
  void victimRequestedFirstVotesToKeepVictims() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(1, 2);
    referee.onRequest(2);

    assertThat(referee.votes()).isEqualTo(1);
  }

  @Test
  void victimsAreKeptOnlyOnceTheirVotesLeadBeyondTheDeadZone() {
    MarginalAdmission referee = new MarginalAdmission();
    for (int vote = 1; vote <= MarginalAdmission.KEEP_VICTIM_VOTES; vote++) {
      referee.record(1, 2);
      referee.onRequest(2);
      assertThat(referee.keepsVictim()).isFalse();
    }

    referee.record(1, 2);
    referee.onRequest(2);

    assertThat(referee.votes()).isEqualTo(MarginalAdmission.KEEP_VICTIM_VOTES + 1);
    assertThat(referee.keepsVictim()).isTrue();
  }

  @Test
  void candidateRequestedFirstVotesToAdmitCandidates() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(1, 2);
    referee.onRequest(1);

    assertThat(referee.votes()).isEqualTo(-1);
    assertThat(referee.keepsVictim()).isFalse();
  }

  @Test
  void eachPairVotesOnceByItsFirstRequest() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(1, 2);
    referee.onRequest(2);
    referee.onRequest(1);
    referee.onRequest(2);

    assertThat(referee.votes()).isEqualTo(1);
  }

  @Test
  void requestsForKeysInNoPairDoNotVote() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(1, 2);
    // Same slot as key 1, different hash
    referee.onRequest(1 + MarginalAdmission.SLOTS);
    referee.onRequest(3);

    assertThat(referee.votes()).isZero();
  }

  @Test
  void newerPairOverwritesAndUnpairsAnOlderOneInTheSameSlot() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(1, 2);
    // The candidate takes key 2's slot: pair (1, 2) is forgotten, so 1 no longer votes
    referee.record(2 + MarginalAdmission.SLOTS, 5);
    referee.onRequest(1);
    referee.onRequest(2);

    assertThat(referee.votes()).isZero();
    referee.onRequest(5);
    assertThat(referee.votes()).isEqualTo(1);
  }

  @Test
  void pairWhoseKeysShareASlotIsNotRecorded() {
    MarginalAdmission referee = new MarginalAdmission();
    referee.record(7, 7 + MarginalAdmission.SLOTS);
    referee.onRequest(7);
    referee.onRequest(7 + MarginalAdmission.SLOTS);

    assertThat(referee.votes()).isZero();
  }

  @Test
  void votesSaturateSoTheCounterCanTurnWithinTheLimit() {
    MarginalAdmission referee = new MarginalAdmission();
    for (int i = 0; i < 100; i++) {
      referee.record(10, 20);
      referee.onRequest(20);
    }
    assertThat(referee.votes()).isEqualTo(MarginalAdmission.VOTE_LIMIT);

    for (int i = 0; i < MarginalAdmission.VOTE_LIMIT; i++) {
      referee.record(10, 20);
      referee.onRequest(10);
    }
    assertThat(referee.votes()).isZero();
    assertThat(referee.keepsVictim()).isFalse();
  }
}
